// Object observation terms: WGSL (Dawn/SwiftShader in Node) equals the CPU terms; CPU values checked by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../src/core/math';
import { CpuObservationBuilder } from '../../src/core/observation/builder';
import { GpuObservationBuilder } from '../../src/core/observation/gpu';
import { surfaceDistance, type ObsObjects } from '../../src/core/observation/objects';
import { objectTermList } from '../../src/core/observation/terms';
import type { ObsContext, ObsLayoutEntry } from '../../src/core/observation/types';
import { createObjectState } from '../../src/core/physics/objects';
import { dawnDevice } from './dawn';
import { makeContext, randomizeContext } from './obs-fixture';

/** Two objects (a sphere r 0.12, a box 0.1×0.2×0.3), distance bodies 0 and 5, random states and references. */
function withObjects(ctx: ObsContext, r: () => number): ObsObjects {
  const state = createObjectState(ctx.n, ['ball', 'crate'], ctx.state.nb);
  const o: ObsObjects = {
    state,
    refPos: new Float32Array(ctx.n * 2 * 3),
    refQuat: new Float32Array(ctx.n * 2 * 4),
    shapes: Float32Array.from([0, 0.12, 0, 0, 1, 0.1, 0.2, 0.3]),
    distBodies: Int32Array.from([0, 5]),
  };
  ctx.objects = o;
  randomizeObjects(o, r);
  return o;
}

function randomizeObjects(o: ObsObjects, r: () => number): void {
  const u = (a: number) => (r() * 2 - 1) * a;
  const quat = (a: Float32Array, i: number) => {
    const q = [u(1), u(1), u(1), u(1)];
    const n = Math.hypot(...q) || 1;
    for (let c = 0; c < 4; c++) a[i * 4 + c] = q[c] / n;
  };
  const s = o.state;
  for (let i = 0; i < s.n * s.nk; i++) {
    for (let c = 0; c < 3; c++) {
      s.pos[i * 3 + c] = u(3);
      s.linVel[i * 3 + c] = u(4);
      s.angVel[i * 3 + c] = u(8);
      o.refPos[i * 3 + c] = u(3);
    }
    quat(s.quat, i);
    quat(o.refQuat, i);
  }
  for (let i = 0; i < s.contact.length; i++) s.contact[i] = r() < 0.2 ? 1 : 0;
}

const layout: ObsLayoutEntry[] = [
  { term: 'base_ang_vel', history: 1, scale: 1, clip: null },
  ...objectTermList.map((t, k) => ({
    term: t.name,
    history: k % 2 ? 2 : 1,
    scale: k % 3 ? 1 : 0.5,
    clip: k === 3 ? ([-2, 2] as [number, number]) : null,
  })),
];

let device: GPUDevice;
beforeAll(async () => {
  device = await dawnDevice();
});
afterAll(() => device?.destroy());

describe('object observation terms', () => {
  it('CPU values: position in the anchor frame, surface distances, a missing-objects error', () => {
    const ctx = makeContext(1, 3);
    const o = withObjects(ctx, rng(4));
    const a = ctx.anchorBody,
      nb = ctx.state.nb;
    // anchor at (1, 2, 0) turned 90° about z; ball at (1, 3, 0.5) → (1, 0, 0.5) in the anchor frame
    ctx.state.bodyPos.set([1, 2, 0], a * 3);
    ctx.state.bodyQuat.set([Math.SQRT1_2, 0, 0, Math.SQRT1_2], a * 4);
    o.state.pos.set([1, 3, 0.5], 0);
    const cpu = new CpuObservationBuilder([{ term: 'object_pos_b', history: 1, scale: 1, clip: null }], ctx);
    const out = new Float32Array(cpu.size);
    cpu.build(out);
    expect(Array.from(out.slice(0, 3)).map((x) => +x.toFixed(5))).toEqual([1, 0, 0.5]);
    expect(surfaceDistance(0, 0.12, 0, 0, 0.3, 0.4, 0)).toBeCloseTo(0.38, 6);
    expect(surfaceDistance(1, 0.1, 0.2, 0.3, 0.05, 0, 0)).toBeCloseTo(-0.05, 6);
    expect(surfaceDistance(1, 0.1, 0.2, 0.3, 0.4, 0.6, 0)).toBeCloseTo(0.5, 6);
    expect(surfaceDistance(2, 0.05, 0.2, 0, 0, 0, 0.5)).toBeCloseTo(0.25, 6);
    expect(nb).toBe(30);
    const bare = makeContext(1, 3);
    expect(() => new CpuObservationBuilder([{ term: 'object_contact', history: 1, scale: 1, clip: null }], bare)).toThrow(
      /PolicyError.*object_contact.*needs objects/,
    );
  });

  for (const n of [1, 7, 64]) {
    it(`GPU = CPU to 1e-5 for every object term, N=${n}`, async () => {
      const ctx = makeContext(n, 50 + n);
      const r = rng(n);
      const o = withObjects(ctx, r);
      const cpu = new CpuObservationBuilder(layout, ctx);
      const gpu = await GpuObservationBuilder.create(device, layout, ctx);
      const want = new Float32Array(n * cpu.size),
        got = new Float32Array(n * cpu.size);
      let max = 0;
      for (let step = 0; step < 3; step++) {
        if (step > 0) {
          randomizeContext(ctx, r);
          randomizeObjects(o, r);
        }
        cpu.build(want);
        gpu.upload();
        gpu.build();
        await gpu.read(got);
        for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - got[i]));
      }
      gpu.destroy();
      // base_ang_vel 3, then per term (2 objects; contact 2·30 bodies; distance 2 bodies × 2 objects) × its history
      expect(cpu.size).toBe(3 + 6 + 24 + 6 + 12 + 6 + 24 + 60 + 8);
      expect(max).toBeLessThanOrEqual(1e-5);
    });
  }
});
