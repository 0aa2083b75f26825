/**
 * The ONNX policy driver with observations built on the GPU: the core PolicyController's one control step
 * with a WebGPU observation backend — GpuObservationBuilder.upload/build on the app's GPUDevice →
 * PolicyHandoff (onnxruntime-web's WebGPU EP on the same device, the observation buffer as the input tensor,
 * only the actions read back, and an embedded reference's outputs, which the controller keeps for the next
 * step). The reference, the action → PD-target mapping, reset and start are the controller's, as on the CPU.
 * Device lost: the controller switches to its CPU backend (CPU observations, wasm session); the builder
 * rebuilds itself on a new device and the hand-off session is recreated, then the GPU backend is used again.
 */
import type { PhysicsEngine } from '../core/physics/types';
import type { ObservationBackend } from '../core/policy/backend';
import type { PolicyRunResult } from '../core/policy/session';
import type { PolicyController } from '../core/policy/controller';
import { GpuObservationBuilder } from '../core/observation/gpu';
import type { PolicyHandoff } from '../core/observation/handoff';
import { createPolicyController, PolicyDriverBase, type PolicyInputs } from './drivers';

export interface GpuDriverEvents {
  /** the device was lost (reason); CPU observations until onRestored */
  onLost?: (reason: string) => void;
  onRestored?: (ep: string) => void;
  /** the GPU path could not be restored: the driver stays on the CPU */
  onFailed?: (reason: string) => void;
}

/** What runs the policy on the builder's last observations (PolicyHandoff: onnxruntime-web on the same device). */
export interface ActionsRunner {
  run(): Promise<Float32Array>;
  /** zero the recurrent state of env (or all) with the episode */
  resetRecurrent?(env?: number): void;
  /** actions and the embedded reference's outputs for these time steps (policies with a time_step input) */
  infer?(timeStep: Float32Array | undefined): Promise<PolicyRunResult>;
}

/** Observations built on the GPU and handed to the policy (WebGPU EP: only the actions come back). */
export class GpuBackend implements ObservationBackend {
  readonly name = 'webgpu';
  constructor(
    readonly builder: GpuObservationBuilder,
    public runner: ActionsRunner,
  ) {}

  async infer(timeStep: Float32Array | undefined): Promise<PolicyRunResult> {
    this.builder.upload();
    this.builder.build();
    if (this.runner.infer) return this.runner.infer(timeStep);
    return { actions: await this.runner.run() };
  }

  reset(env?: number): void {
    this.builder.reset(env);
    this.runner.resetRecurrent?.(env);
  }
}

const handoffFor = async (bytes: Uint8Array, builder: GpuObservationBuilder, ctrl: PolicyController): Promise<PolicyHandoff> => {
  const { PolicyHandoff } = await import('./ort-webgpu');
  return PolicyHandoff.create({
    model: bytes,
    builder,
    file: ctrl.file,
    // the controller's config: reference output names (holosoma's xyzw quaternions), recurrent state
    config: ctrl.config,
    inputName: ctrl.session.obsInput,
    outputName: ctrl.session.actionsOutput,
  });
};

/** how long a failed GPU step waits for the device's loss to be announced before its error counts as its own, ms */
const LOSS_WAIT_MS = 3000;

export class GpuPolicyDriver extends PolicyDriverBase {
  readonly backend = 'gpu' as const;
  /** false while the device is lost / the hand-off is rebuilt: the controller's CPU backend runs */
  onGpu = true;
  /** control steps run on the CPU path (those on the GPU path: `gpuSteps`) */
  cpuSteps = 0;

  private constructor(
    engine: PhysicsEngine,
    ctrl: PolicyController,
    readonly gpu: GpuBackend,
    private handoff: PolicyHandoff,
    private readonly bytes: Uint8Array,
    private readonly events: GpuDriverEvents,
  ) {
    super(engine, ctrl);
    ctrl.backend = gpu;
    gpu.builder.onLost = (reason) => {
      this.toCpu();
      this.events.onLost?.(reason);
    };
    gpu.builder.onRestored = () => void this.restore();
    gpu.builder.ready.catch(() => undefined);
  }

  override get obsOn(): 'cpu' | 'gpu' {
    return this.onGpu ? 'gpu' : 'cpu';
  }
  get builder(): GpuObservationBuilder {
    return this.gpu.builder;
  }
  get ep(): string {
    return this.handoff.ep;
  }
  get epReason(): string {
    return this.handoff.reason;
  }

  static async create(
    p: PolicyInputs,
    device: GPUDevice,
    recreateDevice: () => Promise<GPUDevice>,
    events: GpuDriverEvents = {},
  ): Promise<GpuPolicyDriver> {
    const ctrl = await createPolicyController(p);
    try {
      const builder = await GpuObservationBuilder.create(device, p.config.observations, ctrl.ctx, { recreateDevice });
      const handoff = await handoffFor(p.bytes, builder, ctrl);
      return new GpuPolicyDriver(p.engine, ctrl, new GpuBackend(builder, handoff), handoff, p.bytes, events);
    } catch (e) {
      await ctrl.session.release().catch(() => undefined);
      throw e;
    }
  }

  /** the CPU backend takes over (with a fresh history) */
  private toCpu(): void {
    this.onGpu = false;
    this.ctrl.backend = this.ctrl.cpu;
    this.ctrl.cpu.reset();
    try {
      this.handoff.release();
    } catch {
      /* the session died with the device */
    }
  }

  private async restore(): Promise<void> {
    try {
      const h = await handoffFor(this.bytes, this.gpu.builder, this.ctrl);
      if (this.disposed) {
        h.release();
        return;
      }
      this.handoff = h;
      this.gpu.runner = h;
      this.gpu.reset();
      this.ctrl.backend = this.gpu;
      this.onGpu = true;
      this.events.onRestored?.(h.ep);
    } catch (e) {
      this.events.onFailed?.((e as Error).message);
    }
  }

  /** The controller's act on the GPU backend; a step caught by a device loss is done on the CPU. */
  protected override async act(): Promise<void> {
    if (!this.onGpu) {
      await this.ctrl.act();
      this.cpuSteps++;
      return;
    }
    const device = this.gpu.builder.device;
    try {
      await this.ctrl.act();
      this.gpuSteps++;
    } catch (e) {
      // the loss is announced after the failed run it caused (seconds later on a loaded machine); onLost may have come first
      const lost =
        !this.onGpu ||
        (await Promise.race([device.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), LOSS_WAIT_MS))]));
      if (!lost) throw e;
      if (this.onGpu) this.toCpu();
      await this.ctrl.act();
      this.cpuSteps++;
    }
  }

  protected override release(): void {
    try {
      this.handoff.release();
    } catch {
      /* already gone */
    }
    this.gpu.builder.destroy();
    super.release();
  }
}
