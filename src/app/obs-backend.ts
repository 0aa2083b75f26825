/**
 * Which backend builds the ONNX policy's observations: CPU, WebGPU, or 'auto' (the faster of the two, measured
 * once at start-up for the app's N = 1 with the core's `chooseObservationBackend`). The probe is timed out
 * (a hung adapter or read-back → CPU with the reason). One GPUDevice is kept for the app: the observation
 * builder and onnxruntime-web's WebGPU EP share it.
 */
import { chooseObservationBackend, requestObsDevice, adapterDescription, type BackendChoice } from '../core/observation/select';
import type { ObsMode } from './store';

export const PROBE_TIMEOUT_MS = 15000;
export const APP_N = 1;
/** timed builds per backend (after one warm-up): a software adapter takes ~1 s per GPU build + read-back */
export const PROBE_REPEATS = 3;

export interface Decision {
  backend: 'cpu' | 'gpu';
  /** short, shown in the status line and the Run box */
  reason: string;
  /** a notice worth showing (no adapter while GPU was asked for...) */
  notice?: string;
}

const ms = (v: number | undefined) => (v === undefined ? '?' : v < 0.1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1));

function withTimeout<T>(p: Promise<T>, t: number, onLate: (v: T) => void): Promise<T | 'timeout'> {
  let done = false;
  return Promise.race([
    p.then((v) => {
      if (done) onLate(v);
      done = true;
      return v;
    }),
    new Promise<'timeout'>((r) =>
      setTimeout(() => {
        if (!done) {
          done = true;
          r('timeout');
        }
      }, t),
    ),
  ]);
}

/** The app's observation backend: the start-up probe, its result and the one GPUDevice; the App holds one. */
export class ObsBackend {
  private probe: Promise<BackendChoice> | null = null;
  private probed: BackendChoice | null = null;
  private device: GPUDevice | null = null;
  private adapterInfo = '';

  probeStarted(): boolean {
    return this.probe !== null;
  }

  /** The one-time start-up measurement (auto mode). Never rejects; never hangs longer than PROBE_TIMEOUT_MS. */
  probeOnce(): Promise<BackendChoice> {
    this.probe ??= this.measure();
    return this.probe;
  }

  private async measure(): Promise<BackendChoice> {
    let r: BackendChoice | 'timeout';
    try {
      r = await withTimeout(chooseObservationBackend({ mode: 'auto', n: APP_N, repeats: PROBE_REPEATS }), PROBE_TIMEOUT_MS, (late) =>
        late.device?.destroy(),
      );
    } catch (e) {
      r = { backend: 'cpu', reason: `WebGPU probe failed: ${(e as Error).message}` };
    }
    if (r === 'timeout') r = { backend: 'cpu', reason: `WebGPU measurement did not finish within ${PROBE_TIMEOUT_MS / 1000} s` };
    if (r.device) this.device = r.device;
    if (r.adapterInfo) this.adapterInfo = r.adapterInfo;
    this.probed = r;
    return r;
  }

  /** The app's GPUDevice (the probe's, or a fresh one on the first adapter); null when there is no WebGPU. */
  async appDevice(): Promise<GPUDevice | null> {
    if (this.device) return this.device;
    const gpu = (navigator as { gpu?: GPU }).gpu;
    if (!gpu) return null;
    const adapter = await withTimeout(
      gpu.requestAdapter().catch(() => null),
      PROBE_TIMEOUT_MS,
      () => {},
    );
    if (!adapter || adapter === 'timeout') return null;
    this.adapterInfo = adapterDescription(adapter);
    this.device = await requestObsDevice(adapter);
    return this.device;
  }

  /** A fresh device after a device loss (the lost one is forgotten). */
  async replaceDevice(): Promise<GPUDevice> {
    this.device = null;
    const d = await this.appDevice();
    if (!d) throw new Error('no WebGPU adapter after the device loss');
    return d;
  }

  gpuAdapterInfo(): string {
    return this.adapterInfo;
  }

  /** The backend for a mode, with the reason in plain words. Waits for the start-up probe. */
  async decide(mode: ObsMode): Promise<Decision> {
    if (mode === 'cpu') return { backend: 'cpu', reason: 'forced CPU' };
    const p = await this.probeOnce();
    if (mode === 'gpu') return this.forcedGpu(p);
    return autoDecision(p);
  }

  private async forcedGpu(p: BackendChoice): Promise<Decision> {
    const noAdapter = /no WebGPU adapter/.test(p.reason);
    if (noAdapter || !(await this.appDevice().catch(() => null))) {
      const why = noAdapter ? p.reason : 'no WebGPU device';
      return {
        backend: 'cpu',
        reason: `${why} → CPU`,
        notice: `GPU observations asked for, but ${why}: observations are built on the CPU`,
      };
    }
    return { backend: 'gpu', reason: `forced GPU (${this.adapterInfo})` };
  }

  probeResult(): BackendChoice | null {
    return this.probed;
  }

  /** Debugging aid (tests): destroy the app's GPUDevice as a device loss would; false when there is none. */
  loseDeviceForTesting(): boolean {
    if (!this.device) return false;
    this.device.destroy();
    return true;
  }
}

/** 'auto': the probe's faster backend, or CPU (with the reason) when it measured no GPU time. */
function autoDecision(p: BackendChoice): Decision {
  if (p.cpuMs === undefined || p.gpuMs === undefined) {
    const noAdapter = /no WebGPU adapter/.test(p.reason);
    return {
      backend: 'cpu',
      reason: `auto: ${p.reason} → CPU`,
      notice: noAdapter ? 'no WebGPU adapter: observations are built on the CPU' : undefined,
    };
  }
  return {
    backend: p.backend,
    reason: `auto: CPU ${ms(p.cpuMs)} ms vs GPU ${ms(p.gpuMs)} ms at N=${APP_N} → ${p.backend.toUpperCase()}`,
  };
}
