// GPU observations (WGSL on Dawn/SwiftShader in Node) equal CPU observations, every term and layout.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRobot } from '../../src/core/model';
import { GpuObservationBuilder } from '../../src/core/observation/gpu';
import { CpuObservationBuilder } from '../../src/core/observation/builder';
import { beyondmimic154, humanoidverse } from '../../src/core/observation/layouts';
import { compareCpuGpu, compareLayouts } from './obs-compare';
import { dawnAdapter, describeAdapter } from './dawn';
import { G1_POLICY_JOINTS, makeContext, type Sizes } from './obs-fixture';

let device: GPUDevice;
let adapter: GPUAdapter | null;
let sizes: Sizes;

beforeAll(async () => {
  adapter = await dawnAdapter();
  expect(adapter, 'no WebGPU adapter from Dawn: VK_ICD_FILENAMES / SwiftShader (libvulkan1, chromium) missing?').not.toBeNull();
  device = await adapter!.requestDevice();
  // sizes and indices from the real G1, joints and anchor by name
  const g1 = loadRobot('g1_29dof_rev_1_0.xml', readFileSync('../shared/assets/g1/g1_29dof_rev_1_0.xml', 'utf8'));
  const names = G1_POLICY_JOINTS.map((j) => g1.joints[j].name);
  sizes = {
    nj: g1.joints.length,
    nb: g1.bodies.length,
    anchorBody: g1.bodyIndex.get('torso_link')!,
    policyJoints: names.map((n) => g1.jointIndex.get(n)!),
    nSkills: 64,
  };
});

afterAll(() => device?.destroy());

describe('WebGPU observations (Dawn, Node)', () => {
  it('finds a WebGPU adapter (fails, never skips, when there is none)', () => {
    expect(adapter, 'expected a WebGPU adapter on this machine').not.toBeNull();
    console.log(`adapter: ${describeAdapter(adapter!)}`);
  });

  for (const n of [1, 7, 64, 1000]) {
    it(`GPU = CPU to 1e-5 for every layout and term, N=${n}`, async () => {
      const results = [];
      for (const [name, layout] of Object.entries(compareLayouts())) {
        results.push(await compareCpuGpu(device, name, layout, n, n >= 1000 ? 3 : 5, 100 + n, sizes));
      }
      console.log(results.map((r) => `${r.layout} N=${r.n} size=${r.size} max|gpu-cpu|=${r.maxAbs.toExponential(2)}`).join('\n'));
      for (const r of results) expect(r.maxAbs, `${r.layout} N=${r.n}: ${r.where}`).toBeLessThanOrEqual(1e-5);
      expect(results.map((r) => r.size).slice(0, 3)).toEqual([160, 154, 157]);
    });
  }

  it('refuses a past-only / newest-first history (HumanoidVerse) with a named error: CPU only', async () => {
    const ctx = makeContext(2, 3, { ...sizes, policyJoints: sizes.policyJoints.slice(0, 23) });
    await expect(GpuObservationBuilder.create(device, humanoidverse(4), ctx)).rejects.toThrow(/GpuError.*CPU only/);
  });

  it('rebuilds after the device is lost and keeps matching the CPU', async () => {
    const fresh = async () => (await dawnAdapter())!.requestDevice();
    const own = await fresh();
    const ctx = makeContext(8, 7, sizes);
    let lost = '';
    const gpu = await GpuObservationBuilder.create(own, beyondmimic154, ctx, { recreateDevice: fresh });
    gpu.onLost = (why) => {
      lost = why;
    };
    own.destroy();
    await new Promise((r) => setTimeout(r, 50));
    await gpu.ready;
    expect(lost).toMatch(/destroyed/);
    expect(gpu.device).not.toBe(own);
    const cpu = new CpuObservationBuilder(beyondmimic154, ctx);
    const want = new Float32Array(8 * 154);
    cpu.build(want);
    gpu.upload();
    gpu.build();
    const got = await gpu.read();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5);
    gpu.device.destroy();
    gpu.destroy();
  });
});
