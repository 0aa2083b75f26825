/**
 * Bench page (served by Vite from obs-chromium.bench.ts): the observation-build table of obs-timing.ts on the
 * browser's own WebGPU adapter, and one policy step per path: GPU observations → onnxruntime-web WebGPU EP →
 * actions read back, against CPU observations → wasm.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { beyondmimic154, beyondmimic160 } from '../src/core/observation/layouts';
import { adapterDescription, requestObsDevice } from '../src/core/observation/select';
import type { ObsLayoutEntry } from '../src/core/observation/types';
import { makeContext } from '../tests/gpu/obs-fixture';
import { makeMlp } from '../tests/gpu/onnx-mlp';
import { policyPaths } from '../tests/browser/policy-paths';
import { timeObsBuilds, type ObsBenchRow } from './obs-timing';

export interface PolicyRow {
  policy: string;
  n: number;
  fixedBatch: boolean;
  gpuMs: number;
  cpuMs: number;
  ep: string;
}
export interface BenchOptions {
  ns: number[];
  policyUrl: string | null;
  policyNs: number[];
}
export interface BenchResult {
  adapter: string | null;
  userAgent: string;
  rows: ObsBenchRow[];
  policy: PolicyRow[];
}

const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function policyStep(device: GPUDevice, name: string, model: Uint8Array, layout: ObsLayoutEntry[], n: number): Promise<PolicyRow> {
  const ctx = makeContext(n, 77 + n);
  for (let i = 0; i < ctx.lastAction.length; i++) ctx.lastAction[i] *= 0.2;
  const paths = await policyPaths(device, name, model, layout, ctx);
  const reps = n >= 256 ? 5 : 9,
    gpuT: number[] = [],
    cpuT: number[] = [];
  for (let k = 0; k < reps + 2; k++) {
    let t = now();
    await paths.runGpu();
    if (k >= 2) gpuT.push(now() - t);
    t = now();
    await paths.runCpu();
    if (k >= 2) cpuT.push(now() - t);
  }
  const r = { policy: name, n, fixedBatch: paths.handoff.fixedBatch, gpuMs: median(gpuT), cpuMs: median(cpuT), ep: paths.handoff.ep };
  await paths.release();
  return r;
}

async function run(opts: BenchOptions): Promise<BenchResult> {
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  const device = adapter ? await requestObsDevice(adapter) : null;
  const rows = await timeObsBuilds(device, opts.ns);
  const policy: PolicyRow[] = [];
  if (device) {
    ort.env.wasm.numThreads = 1;
    ort.env.webgpu.device = device;
    if (opts.policyUrl) {
      const dance = new Uint8Array(await (await fetch(opts.policyUrl)).arrayBuffer());
      policy.push(await policyStep(device, 'g1-dance-102', dance, beyondmimic154, 1));
    }
    const mlp = makeMlp(160, 256, 29, 5).bytes;
    for (const n of opts.policyNs) policy.push(await policyStep(device, 'mlp160×256', mlp, beyondmimic160, n));
  }
  return { adapter: adapter ? adapterDescription(adapter) : null, userAgent: navigator.userAgent, rows, policy };
}

declare global {
  interface Window {
    __obsBench: (opts: BenchOptions) => Promise<BenchResult>;
  }
}
window.__obsBench = run;
document.getElementById('status')!.textContent = 'ready';
