/**
 * Observation build time, CPU vs WebGPU (Dawn in Node), beyondmimic154 on G1 sizes, N = 1 … 4096.
 * GPU "total" = upload + dispatch + readback (awaited); "dispatch" = build() until the queue is done.
 * Median of repeated runs after a warm-up. Uses SwiftShader unless VK_ICD_FILENAMES is already set.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { CpuObservationBuilder } from '../src/core/observation/builder';
import { GpuObservationBuilder } from '../src/core/observation/gpu';
import { beyondmimic154 } from '../src/core/observation/layouts';
import { adapterDescription, requestObsDevice } from '../src/core/observation/select';
import { makeContext } from '../tests/gpu/obs-fixture';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let keep: GPU | null = null;

export interface ObsBenchRow { n: number; cpuMs: number; gpuTotalMs: number; gpuDispatchMs: number }

export async function run(ns = [1, 16, 64, 256, 1024, 4096]): Promise<ObsBenchRow[]> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // keep the GPU instance referenced for the whole run: Dawn's objects die with it (segfault when collected)
  keep = create([]);
  const adapter = await keep.requestAdapter();
  if (!adapter) {
    console.log('obs bench: no WebGPU adapter (Dawn); CPU only');
  }
  const device = adapter ? await requestObsDevice(adapter) : null;
  const rows: ObsBenchRow[] = [];
  for (const n of ns) {
    const ctx = makeContext(n, 42);
    const cpu = new CpuObservationBuilder(beyondmimic154, ctx);
    const out = new Float32Array(n * cpu.size);
    const reps = n >= 1024 ? 9 : 21;
    const cpuT: number[] = [], totalT: number[] = [], dispT: number[] = [];
    for (let k = 0; k < reps + 3; k++) {
      const t = performance.now();
      cpu.build(out);
      if (k >= 3) cpuT.push(performance.now() - t);
    }
    if (device) {
      const gpu = await GpuObservationBuilder.create(device, beyondmimic154, ctx);
      for (let k = 0; k < reps + 3; k++) {
        let t = performance.now();
        gpu.upload();
        gpu.build();
        await gpu.read(out);
        if (k >= 3) totalT.push(performance.now() - t);
        gpu.upload();
        await device.queue.onSubmittedWorkDone();
        t = performance.now();
        gpu.build();
        await device.queue.onSubmittedWorkDone();
        if (k >= 3) dispT.push(performance.now() - t);
      }
      gpu.destroy();
    }
    rows.push({ n, cpuMs: median(cpuT), gpuTotalMs: device ? median(totalT) : NaN, gpuDispatchMs: device ? median(dispT) : NaN });
  }
  device?.destroy();
  const f = (x: number) => (Number.isNaN(x) ? '-' : x < 1 ? x.toFixed(4) : x.toFixed(2));
  console.log(`\nObservation build (beyondmimic154, 154 values/env), ms per build, median; CPU: ${os.cpus()[0]?.model} ×${os.cpus().length}`);
  console.log(`WebGPU adapter: ${adapter ? adapterDescription(adapter) : 'none'}${process.env.VK_ICD_FILENAMES ? ` (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES})` : ''}`);
  const head = ['N', 'CPU ms', 'GPU total ms', 'GPU dispatch ms', 'CPU/GPU total', 'CPU/GPU dispatch'];
  const table = rows.map((r) => [String(r.n), f(r.cpuMs), f(r.gpuTotalMs), f(r.gpuDispatchMs),
    f(r.cpuMs / r.gpuTotalMs), f(r.cpuMs / r.gpuDispatchMs)]);
  const w = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  for (const line of [head, ...table]) console.log(line.map((c, i) => c.padStart(w[i])).join('  '));
  console.log('(ratio > 1: the GPU path is faster; "total" includes upload + readback, "dispatch" excludes both)');
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
