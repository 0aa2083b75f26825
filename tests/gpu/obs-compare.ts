/**
 * CPU vs GPU observation comparison, shared by the Dawn test (Node) and the Chromium page: for each N and
 * layout, several steps of fresh random states (with resets), GPU obs vs CPU obs, max |difference|.
 */
import { rng } from '../../src/core/math';
import { CpuObservationBuilder } from '../../src/core/observation/builder';
import { GpuObservationBuilder } from '../../src/core/observation/gpu';
import { beyondmimic154, beyondmimic160, skillCondition, withHistory } from '../../src/core/observation/layouts';
import { obsTermList } from '../../src/core/observation/terms';
import type { ObsLayoutEntry } from '../../src/core/observation/types';
import { G1_SIZES, makeContext, randomizeContext, type Sizes } from './obs-fixture';

/** Every canonical term once, with clips and per-element scales, history 2. */
export function allTermsLayout(nSkills: number, na: number): ObsLayoutEntry[] {
  return obsTermList.map((t, k) => {
    const small: Record<string, number> = {
      motion_anchor_ori_b: 6,
      motion_phase: 1,
      command_lin_vel: 2,
      command_ang_vel: 1,
      sin_phase: 2,
      cos_phase: 2,
      gait_phase: 2,
    };
    const dim =
      t.name === 'command'
        ? 2 * na
        : t.name === 'skill'
          ? nSkills
          : (small[t.name] ?? (t.name.startsWith('joint') || t.name.includes('action') ? na : 3));
    return {
      term: t.name,
      history: 2,
      scale: k % 2 ? Array.from({ length: dim }, (_, i) => 0.5 + 0.1 * i) : 1.7,
      clip: k % 3 === 0 ? [-0.8, 1.1] : null,
    };
  });
}

export const compareLayouts = (sizes: Sizes = G1_SIZES): Record<string, ObsLayoutEntry[]> => ({
  beyondmimic160,
  beyondmimic154,
  skillCondition,
  skillCondition_h4: withHistory(skillCondition, 4),
  all_terms: allTermsLayout(sizes.nSkills, sizes.policyJoints.length),
});

export interface CompareResult {
  layout: string;
  n: number;
  steps: number;
  size: number;
  maxAbs: number;
  where: string;
}

export async function compareCpuGpu(
  device: GPUDevice,
  layoutName: string,
  layout: ObsLayoutEntry[],
  n: number,
  steps: number,
  seed: number,
  sizes: Sizes = G1_SIZES,
): Promise<CompareResult> {
  const ctx = makeContext(n, seed, sizes);
  const r = rng(seed + 1);
  const cpu = new CpuObservationBuilder(layout, ctx);
  const gpu = await GpuObservationBuilder.create(device, layout, ctx);
  const want = new Float32Array(n * cpu.size),
    got = new Float32Array(n * cpu.size);
  let maxAbs = 0,
    where = '';
  try {
    for (let s = 0; s < steps; s++) {
      if (s > 0) randomizeContext(ctx, r);
      if (s === Math.floor(steps / 2)) {
        // reset a few envs mid-run: their history refills with the current value
        for (let e = 0; e < n; e += 3) {
          cpu.reset(e);
          gpu.reset(e);
        }
      }
      cpu.build(want);
      gpu.upload();
      gpu.build();
      await gpu.read(got);
      for (let i = 0; i < want.length; i++) {
        const d = Math.abs(want[i] - got[i]);
        if (!(d <= maxAbs)) {
          maxAbs = Number.isNaN(d) ? Infinity : d;
          where = `step ${s} env ${Math.floor(i / cpu.size)} element ${i % cpu.size}`;
        }
      }
    }
  } finally {
    gpu.destroy();
  }
  return { layout: layoutName, n, steps, size: cpu.size, maxAbs, where };
}
