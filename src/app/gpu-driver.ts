/**
 * The ONNX policy driver with observations built on the GPU. The core PolicyController builds its
 * observations on the CPU inside act(); this driver keeps the controller for everything else (gains, reset,
 * the reference track, alignment, last action) and replaces act(): reference → ctx.ref (as the controller
 * does) → GpuObservationBuilder.upload/build on the app's GPUDevice → PolicyHandoff (onnxruntime-web's
 * WebGPU EP on the same device, the observation buffer as the input tensor, only the actions read back) →
 * PD targets (the controller's mapping, policy order → model order by name).
 * Device lost: the builder rebuilds itself on a new device, the hand-off session is recreated; meanwhile
 * the controller's own CPU path (CPU observations, wasm session) keeps the robot going.
 */
import type { PhysicsEngine } from '../core/physics/types';
import type { ReferenceTrack } from '../core/motion/reference';
import type { PolicyConfig } from '../core/policy/config';
import { PolicyController } from '../core/policy/controller';
import { PolicySession } from '../core/policy/session';
import { applyAlignment } from '../core/policy/refio';
import { GpuObservationBuilder } from '../core/observation/gpu';
import { controlStep } from '../core/physics/control';
import type { PolicyHandoff } from '../core/observation/handoff';
import type { LiveReference } from './live-reference';
import type { Driver } from './drivers';

export interface GpuDriverEvents {
  /** the device was lost (reason); CPU observations until onRestored */
  onLost?: (reason: string) => void;
  onRestored?: (ep: string) => void;
  /** the GPU path could not be restored: the driver stays on the CPU */
  onFailed?: (reason: string) => void;
}

export class GpuPolicyDriver implements Driver {
  readonly kind = 'policy' as const;
  readonly backend = 'gpu' as const;
  latencyMs = 0;
  push: ((engine: PhysicsEngine) => void) | null = null;
  /** false while the device is lost / the hand-off is rebuilt: the controller's CPU path runs */
  onGpu = true;
  /** control steps run on the GPU path / on the CPU path */
  gpuSteps = 0;
  cpuSteps = 0;
  private disposed = false;
  /** the control step in flight: dispose() waits for it before releasing the session and buffers */
  private inflight: Promise<void> = Promise.resolve();

  private constructor(
    private readonly engine: PhysicsEngine, readonly ctrl: PolicyController, readonly builder: GpuObservationBuilder,
    private handoff: PolicyHandoff, private readonly bytes: Uint8Array, private readonly events: GpuDriverEvents,
  ) {
    builder.onLost = (reason) => {
      this.onGpu = false;
      this.ctrl.builder.reset(); // the CPU path takes over with a fresh history
      try { this.handoff.release(); } catch { /* the session died with the device */ }
      this.events.onLost?.(reason);
    };
    builder.onRestored = () => void this.restore();
    builder.ready.catch(() => undefined);
  }

  get ep(): string { return this.handoff.ep; }
  get epReason(): string { return this.handoff.reason; }

  static async create(
    engine: PhysicsEngine, ref: LiveReference, config: PolicyConfig, bytes: Uint8Array, file: string,
    device: GPUDevice, recreateDevice: () => Promise<GPUDevice>, events: GpuDriverEvents = {},
  ): Promise<GpuPolicyDriver> {
    if (config.embeddedReference) throw new Error('GPU observations: a policy with an embedded reference needs its reference outputs every step; the GPU hand-off reads back only the actions');
    const session = await PolicySession.create(bytes, config, { file });
    const ctrl = new PolicyController({ model: engine.model, engine, config, session, track: ref as unknown as ReferenceTrack, start: 'reset', file });
    const builder = await GpuObservationBuilder.create(device, config.observations, ctrl.ctx, { recreateDevice });
    const { PolicyHandoff } = await import('./ort-webgpu');
    const handoff = await PolicyHandoff.create({ model: bytes, builder, file, inputName: session.obsInput, outputName: session.actionsOutput });
    return new GpuPolicyDriver(engine, ctrl, builder, handoff, bytes, events);
  }

  private async restore(): Promise<void> {
    try {
      const { PolicyHandoff } = await import('./ort-webgpu');
      const h = await PolicyHandoff.create({ model: this.bytes, builder: this.builder, file: this.ctrl.file, inputName: this.ctrl.session.obsInput, outputName: this.ctrl.session.actionsOutput });
      if (this.disposed) { h.release(); return; }
      this.handoff = h;
      this.builder.reset();
      this.onGpu = true;
      this.events.onRestored?.(h.ep);
    } catch (e) {
      this.events.onFailed?.((e as Error).message);
    }
  }

  /** The controller's act() with the observations built on the GPU. */
  private async gpuAct(): Promise<void> {
    const c = this.ctrl, { n, na, nj, ctx, config } = c;
    for (let e = 0; e < n; e++) {
      c.track!.write(c.refStep[e], ctx.ref, e);
      applyAlignment(ctx.ref, e, c.alignment[e]);
    }
    this.builder.upload();
    this.builder.build();
    const a = await this.handoff.run();
    if (this.disposed) return;
    c.onActions?.(a);
    const last = ctx.lastAction, pj = ctx.policyJoints, scale = config.actionScale, offset = config.actionOffset;
    const [lo, hi] = config.actionClip ?? [-Infinity, Infinity];
    for (let e = 0; e < n; e++) {
      let finite = true;
      for (let i = 0; i < na; i++) if (!Number.isFinite(a[e * na + i])) { finite = false; break; }
      if (!finite) { c.nonFiniteActions++; continue; }
      for (let i = 0; i < na; i++) {
        const v = a[e * na + i];
        last[e * na + i] = v;
        c.targets[e * nj + pj[i]] = Math.min(Math.max(offset[i] + scale[i] * v, lo), hi);
      }
    }
    c.engine.setTargets(c.targets);
  }

  step(s: number): Promise<void> {
    if (this.disposed) return Promise.resolve();
    const p = this.run(s);
    this.inflight = p.catch(() => undefined);
    return p;
  }

  private async run(s: number): Promise<void> {
    this.ctrl.refStep[0] = s;
    const t0 = performance.now();
    if (this.onGpu) {
      const device = this.builder.device;
      try {
        await this.gpuAct();
        this.gpuSteps++;
      } catch (e) {
        // a step caught by a device loss: it is done on the CPU; any other failure is reported
        const lost = await Promise.race([device.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 250))]);
        if (!lost) throw e;
        await this.ctrl.act();
        this.cpuSteps++;
      }
    } else {
      await this.ctrl.act();
      this.cpuSteps++;
    }
    if (this.disposed) return; // replaced while inferring: the new driver owns the robot now
    this.latencyMs = performance.now() - t0;
    this.engine.clearForces(0);
    this.push?.(this.engine);
    controlStep(this.engine, this.ctrl.config.decimation);
  }

  reset(s: number): void {
    void this.ctrl.reset(0, s);
    this.builder.reset();
  }

  dispose(): void {
    this.disposed = true;
    this.engine.clearForces(0);
    void this.inflight.then(() => {
      try { this.handoff.release(); } catch { /* already gone */ }
      this.builder.destroy();
      void this.ctrl.session.release().catch(() => undefined);
    });
  }
}
