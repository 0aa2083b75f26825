/**
 * CPU or WebGPU observations. 'auto' measures both once at start-up for the current N (median of a few
 * builds; GPU time includes upload + dispatch + readback, the conservative case when inference runs on
 * wasm) and keeps the faster.
 */
import { createBatchState } from '../physics/types';
import { CpuObservationBuilder } from './builder';
import { GpuObservationBuilder } from './gpu';
import { beyondmimic154 } from './layouts';
import type { ObsContext, ObsLayoutEntry } from './types';

export interface BackendChoice {
  backend: 'cpu' | 'gpu';
  reason: string;
  device?: GPUDevice;
  adapterInfo?: string;
  /** measured medians (auto mode), ms per build */
  cpuMs?: number;
  gpuMs?: number;
}

export interface ChooseOptions {
  mode: 'cpu' | 'gpu' | 'auto';
  n: number;
  /** layout and context to measure with (default: beyondmimic154 on a G1-sized context) */
  layout?: ObsLayoutEntry[];
  ctx?: ObsContext;
  /** WebGPU entry point (default navigator.gpu; in Node pass Dawn's `create([])`) */
  gpu?: GPU | null;
  /** timed builds per backend in auto mode (default 7) */
  repeats?: number;
}

export function adapterDescription(a: GPUAdapter): string {
  const i = a.info;
  return [i?.vendor, i?.architecture, i?.device, i?.description].filter(Boolean).join(' / ') || 'unnamed adapter';
}

/**
 * A device for observations that onnxruntime-web's WebGPU EP can share: the adapter's own maxima for the
 * limits ORT asks for when it creates its device itself.
 */
export function requestObsDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const keys = [
    'maxComputeWorkgroupStorageSize',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupSizeY',
    'maxComputeWorkgroupSizeZ',
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const k of keys) requiredLimits[k] = adapter.limits[k];
  const requiredFeatures = (['shader-f16', 'subgroups'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  return adapter.requestDevice({ requiredLimits, requiredFeatures });
}

/** A G1-sized context (29 joints, 30 bodies, anchor body 15) with identity poses, for timing only. */
function timingContext(n: number): ObsContext {
  const state = createBatchState(n, 29, 30),
    ref = createBatchState(n, 29, 30);
  for (const s of [state, ref]) {
    for (let e = 0; e < n; e++) s.rootQuat[e * 4] = 1;
    for (let k = 0; k < n * 30; k++) s.bodyQuat[k * 4] = 1;
  }
  return {
    n,
    state,
    ref,
    policyJoints: Int32Array.from({ length: 29 }, (_, i) => i),
    defaultJointPos: new Float32Array(29),
    lastAction: new Float32Array(n * 29),
    anchorBody: 15,
    skill: new Float32Array(0),
    nSkills: 0,
    phase: new Float32Array(n),
    command: new Float32Array(n * 3),
    gaitPhase: new Float32Array(n * 2),
  };
}

const now = () => globalThis.performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function chooseObservationBackend(opts: ChooseOptions): Promise<BackendChoice> {
  if (opts.mode === 'cpu') return { backend: 'cpu', reason: 'CPU selected' };
  const gpu = opts.gpu !== undefined ? opts.gpu : ((globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ?? null);
  let adapter: GPUAdapter | null;
  try {
    adapter = gpu ? await gpu.requestAdapter() : null;
  } catch {
    adapter = null;
  }
  if (!adapter) return { backend: 'cpu', reason: 'no WebGPU adapter' };
  const adapterInfo = adapterDescription(adapter);
  let device: GPUDevice;
  try {
    device = await requestObsDevice(adapter);
  } catch (e) {
    return { backend: 'cpu', reason: `WebGPU device request failed: ${(e as Error).message}`, adapterInfo };
  }
  if (opts.mode === 'gpu') return { backend: 'gpu', reason: 'WebGPU selected', device, adapterInfo };

  const ctx = opts.ctx ?? timingContext(opts.n);
  const layout = opts.layout ?? beyondmimic154;
  const repeats = opts.repeats ?? 7;
  const cpu = new CpuObservationBuilder(layout, ctx);
  const out = new Float32Array(ctx.n * cpu.size);
  const cpuTimes: number[] = [],
    gpuTimes: number[] = [];
  let builder: GpuObservationBuilder | null = null;
  try {
    builder = await GpuObservationBuilder.create(device, layout, ctx);
    const host = new Float32Array(ctx.n * builder.size);
    for (let k = 0; k <= repeats; k++) {
      let t = now();
      cpu.build(out);
      if (k > 0) cpuTimes.push(now() - t);
      t = now();
      builder.upload();
      builder.build();
      await builder.read(host);
      if (k > 0) gpuTimes.push(now() - t); // first round = warm-up (pipeline, buffers)
    }
  } catch (e) {
    device.destroy();
    return { backend: 'cpu', reason: `WebGPU observation build failed: ${(e as Error).message}`, adapterInfo };
  } finally {
    builder?.destroy();
  }
  const cpuMs = median(cpuTimes),
    gpuMs = median(gpuTimes);
  const numbers = `N=${ctx.n}: CPU ${cpuMs.toFixed(3)} ms, WebGPU ${gpuMs.toFixed(3)} ms per build (${adapterInfo})`;
  if (gpuMs < cpuMs) return { backend: 'gpu', reason: `WebGPU faster at ${numbers}`, device, adapterInfo, cpuMs, gpuMs };
  device.destroy();
  return { backend: 'cpu', reason: `CPU faster at ${numbers}`, adapterInfo, cpuMs, gpuMs };
}
