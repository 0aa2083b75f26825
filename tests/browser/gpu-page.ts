/**
 * Test page (served by Vite from tests/browser/gpu-chromium.test.ts): CPU vs WebGPU observations, and
 * actions from GPU observations through onnxruntime-web's WebGPU EP vs CPU observations through wasm.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { loadRobot } from '../../src/core/model';
import { beyondmimic154, beyondmimic160 } from '../../src/core/observation/layouts';
import { adapterDescription, requestObsDevice } from '../../src/core/observation/select';
import type { ObsLayoutEntry } from '../../src/core/observation/types';
import { compareCpuGpu, compareLayouts, type CompareResult } from '../gpu/obs-compare';
import { G1_POLICY_JOINTS, makeContext, type Sizes } from '../gpu/obs-fixture';
import { makeMlp } from '../gpu/onnx-mlp';
import { policyPaths } from './policy-paths';

export interface PageOptions {
  g1Url: string;
  policyUrl: string;
  ns: number[];
  policyN: number;
}
export interface ActionResult {
  policy: string;
  n: number;
  ep: string;
  reason: string;
  fixedBatch: boolean;
  maxAbs: number;
  maxAction: number;
}
export interface PageResult {
  adapter: string | null;
  obs: CompareResult[];
  actions: ActionResult[];
}

async function actionsCompare(
  device: GPUDevice,
  name: string,
  model: Uint8Array,
  layout: ObsLayoutEntry[],
  n: number,
  sizes: Sizes,
  ep: 'webgpu' | 'wasm' = 'webgpu',
): Promise<ActionResult> {
  const ctx = makeContext(n, 900 + n, sizes);
  // keep the inputs in a range a trained policy sees (small actions)
  for (let i = 0; i < ctx.lastAction.length; i++) ctx.lastAction[i] *= 0.2;
  const paths = await policyPaths(device, name, model, layout, ctx, ep);
  const { handoff } = paths;
  const got = Float32Array.from(await paths.runGpu());
  // reference: CPU observations → wasm, one row at a time when the batch is fixed
  const want = await paths.runCpu();
  let maxAbs = 0,
    maxAction = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(want[i] - got[i]);
    maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
    maxAction = Math.max(maxAction, Math.abs(want[i]));
  }
  const r = { policy: name, n, ep: handoff.ep, reason: handoff.reason, fixedBatch: handoff.fixedBatch, maxAbs, maxAction };
  await paths.release();
  return r;
}

async function run(opts: PageOptions): Promise<PageResult> {
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  if (!adapter) return { adapter: null, obs: [], actions: [] };
  const device = await requestObsDevice(adapter);
  const g1 = loadRobot('g1_29dof_rev_1_0.xml', await (await fetch(opts.g1Url)).text());
  const sizes: Sizes = {
    nj: g1.joints.length,
    nb: g1.bodies.length,
    anchorBody: g1.bodyIndex.get('torso_link')!,
    policyJoints: G1_POLICY_JOINTS.map((j) => g1.jointIndex.get(g1.joints[j].name)!),
    nSkills: 64,
  };
  const obs: CompareResult[] = [];
  for (const n of opts.ns) {
    for (const [name, layout] of Object.entries(compareLayouts(sizes))) {
      obs.push(await compareCpuGpu(device, name, layout, n, n >= 1000 ? 3 : 4, 200 + n, sizes));
    }
  }
  ort.env.wasm.numThreads = 1;
  ort.env.webgpu.device = device;
  const dance = new Uint8Array(await (await fetch(opts.policyUrl)).arrayBuffer());
  const actions = [
    await actionsCompare(device, 'g1-dance-102', dance, beyondmimic154, opts.policyN, sizes),
    await actionsCompare(device, 'mlp160', makeMlp(160, 64, 29, 160).bytes, beyondmimic160, opts.policyN, sizes),
    // the fallback path: GPU observations read back, policy on wasm
    await actionsCompare(device, 'g1-dance-102', dance, beyondmimic154, opts.policyN, sizes, 'wasm'),
  ];
  return { adapter: adapterDescription(adapter), obs, actions };
}

declare global {
  interface Window {
    __gpuTest: (opts: PageOptions) => Promise<PageResult>;
  }
}
window.__gpuTest = run;
document.getElementById('status')!.textContent = 'ready';
