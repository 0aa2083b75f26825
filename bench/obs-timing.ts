/**
 * Observation build timing shared by the Node (Dawn) bench and the Chromium bench page: CPU builder vs
 * WebGPU builder, beyondmimic154 on G1 sizes. No Node APIs here (the page imports it).
 * GPU "total" = upload + dispatch + readback (awaited); "dispatch" = build() until the queue is done.
 * Median of repeated samples after warm-up builds; a CPU sample averages as many builds as fill ~2 ms.
 */
import { CpuObservationBuilder } from '../src/core/observation/builder';
import { GpuObservationBuilder } from '../src/core/observation/gpu';
import { beyondmimic154 } from '../src/core/observation/layouts';
import { makeContext } from '../tests/gpu/obs-fixture';

export interface ObsBenchRow {
  n: number;
  cpuMs: number;
  gpuTotalMs: number;
  gpuDispatchMs: number;
}

export const OBS_BENCH_NS = [1, 16, 64, 256, 1024, 4096];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => globalThis.performance.now();

/** Time CPU and (when a device is given) GPU observation builds for each N. */
export async function timeObsBuilds(device: GPUDevice | null, ns = OBS_BENCH_NS): Promise<ObsBenchRow[]> {
  const rows: ObsBenchRow[] = [];
  for (const n of ns) {
    const ctx = makeContext(n, 42);
    const cpu = new CpuObservationBuilder(beyondmimic154, ctx);
    const out = new Float32Array(n * cpu.size);
    const reps = n >= 1024 ? 9 : 21;
    const cpuT: number[] = [],
      totalT: number[] = [],
      dispT: number[] = [];
    // a browser's clock can be as coarse as 0.1 ms: time `inner` builds together, ≥ ~2 ms a sample
    let inner = 0;
    for (const t = now(); now() - t < 2 || inner < 3; inner++) cpu.build(out);
    for (let k = 0; k < reps; k++) {
      const t = now();
      for (let i = 0; i < inner; i++) cpu.build(out);
      cpuT.push((now() - t) / inner);
    }
    if (device) {
      const gpu = await GpuObservationBuilder.create(device, beyondmimic154, ctx);
      for (let k = 0; k < reps + 3; k++) {
        let t = now();
        gpu.upload();
        gpu.build();
        await gpu.read(out);
        if (k >= 3) totalT.push(now() - t);
        gpu.upload();
        await device.queue.onSubmittedWorkDone();
        t = now();
        gpu.build();
        await device.queue.onSubmittedWorkDone();
        if (k >= 3) dispT.push(now() - t);
      }
      gpu.destroy();
    }
    rows.push({ n, cpuMs: median(cpuT), gpuTotalMs: device ? median(totalT) : NaN, gpuDispatchMs: device ? median(dispT) : NaN });
  }
  return rows;
}

/** The table as lines of text (right-aligned columns, ratios CPU/GPU: > 1 means the GPU path is faster). */
export function obsTable(rows: ObsBenchRow[]): string[] {
  const f = (x: number) => (Number.isNaN(x) ? '-' : x < 1 ? x.toFixed(4) : x.toFixed(2));
  const head = ['N', 'CPU ms', 'GPU total ms', 'GPU dispatch ms', 'CPU/GPU total', 'CPU/GPU dispatch'];
  const table = rows.map((r) => [
    String(r.n),
    f(r.cpuMs),
    f(r.gpuTotalMs),
    f(r.gpuDispatchMs),
    f(r.cpuMs / r.gpuTotalMs),
    f(r.cpuMs / r.gpuDispatchMs),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  return [
    ...[head, ...table].map((line) => line.map((c, i) => c.padStart(w[i])).join('  ')),
    '(ratio > 1: the GPU path is faster; "total" includes upload + readback, "dispatch" excludes both)',
  ];
}
