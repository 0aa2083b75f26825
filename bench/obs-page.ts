/**
 * Bench page (served by Vite from obs-chromium.bench.ts): the observation-build table of obs-timing.ts on the
 * browser's own WebGPU adapter, and one policy step per path: GPU observations → onnxruntime-web WebGPU EP →
 * actions read back, against CPU observations → wasm.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { CpuObservationBuilder } from '../src/core/observation/builder';
import { GpuObservationBuilder } from '../src/core/observation/gpu';
import { PolicyHandoff } from '../src/core/observation/handoff';
import { beyondmimic154, beyondmimic160 } from '../src/core/observation/layouts';
import { adapterDescription, requestObsDevice } from '../src/core/observation/select';
import type { ObsLayoutEntry } from '../src/core/observation/types';
import { makeContext } from '../tests/gpu/obs-fixture';
import { makeMlp } from '../tests/gpu/onnx-mlp';
import { timeObsBuilds, type ObsBenchRow } from './obs-timing';

export interface PolicyRow { policy: string; n: number; fixedBatch: boolean; gpuMs: number; cpuMs: number; ep: string }
export interface BenchOptions { ns: number[]; policyUrl: string | null; policyNs: number[] }
export interface BenchResult { adapter: string | null; userAgent: string; rows: ObsBenchRow[]; policy: PolicyRow[] }

const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function policyStep(device: GPUDevice, name: string, model: Uint8Array, layout: ObsLayoutEntry[], n: number): Promise<PolicyRow> {
  const ctx = makeContext(n, 77 + n);
  for (let i = 0; i < ctx.lastAction.length; i++) ctx.lastAction[i] *= 0.2;
  const gpu = await GpuObservationBuilder.create(device, layout, ctx);
  gpu.upload();
  gpu.build();
  const handoff = await PolicyHandoff.create({ model, builder: gpu, ep: 'webgpu', file: name });
  const cpu = new CpuObservationBuilder(layout, ctx);
  const obs = new Float32Array(n * cpu.size);
  const wasm = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const input = wasm.inputNames[0], output = wasm.outputNames.includes('actions') ? 'actions' : wasm.outputNames[0];
  const rows = handoff.fixedBatch ? 1 : n;
  const reps = n >= 256 ? 5 : 9, gpuT: number[] = [], cpuT: number[] = [];
  for (let k = 0; k < reps + 2; k++) {
    let t = now();
    gpu.upload();
    gpu.build();
    await handoff.run();
    if (k >= 2) gpuT.push(now() - t);
    t = now();
    cpu.build(obs);
    for (let e = 0; e < n; e += rows) {
      const out = await wasm.run({ [input]: new ort.Tensor('float32', obs.subarray(e * cpu.size, (e + rows) * cpu.size), [rows, cpu.size]) });
      if (!(out[output].data as Float32Array).length) throw new Error(`${name}: empty output`);
    }
    if (k >= 2) cpuT.push(now() - t);
  }
  const r = { policy: name, n, fixedBatch: handoff.fixedBatch, gpuMs: median(gpuT), cpuMs: median(cpuT), ep: handoff.ep };
  handoff.release();
  await wasm.release();
  gpu.destroy();
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

declare global { interface Window { __obsBench: (opts: BenchOptions) => Promise<BenchResult> } }
window.__obsBench = run;
document.getElementById('status')!.textContent = 'ready';
