/**
 * Observation build time, CPU vs WebGPU (Dawn in Node), beyondmimic154 on G1 sizes, N = 1 … 4096
 * (the timing itself is in obs-timing.ts, shared with the Chromium bench, obs-chromium.bench.ts).
 * Uses SwiftShader unless VK_ICD_FILENAMES is already set.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { adapterDescription, requestObsDevice } from '../src/core/observation/select';
import { obsTable, OBS_BENCH_NS, timeObsBuilds, type ObsBenchRow } from './obs-timing';
import { runIfMain } from './chromium';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

let keep: GPU | null = null;

export async function run(ns = OBS_BENCH_NS): Promise<ObsBenchRow[]> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // keep the GPU instance referenced for the whole run: Dawn's objects die with it (segfault when collected)
  keep = create([]);
  const adapter = await keep.requestAdapter();
  if (!adapter) console.log('obs bench: no WebGPU adapter (Dawn); CPU only');
  const device = adapter ? await requestObsDevice(adapter) : null;
  const rows = await timeObsBuilds(device, ns);
  device?.destroy();
  console.log(
    `\nObservation build in Node (beyondmimic154, 154 values/env), ms per build, median; CPU: ${os.cpus()[0]?.model} ×${os.cpus().length}`,
  );
  console.log(
    `WebGPU adapter (Dawn): ${adapter ? adapterDescription(adapter) : 'none'}${process.env.VK_ICD_FILENAMES ? ` (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES})` : ''}`,
  );
  for (const line of obsTable(rows)) console.log(line);
  return rows;
}

runIfMain(import.meta.url, run);
