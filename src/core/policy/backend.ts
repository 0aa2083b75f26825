/**
 * The observation backend of a PolicyController: what turns the ObsContext (state, reference, last action)
 * into the policy's actions. The CPU backend builds the observations with CpuObservationBuilder and runs the
 * PolicySession; the app supplies a WebGPU one (GPU builder + onnxruntime-web WebGPU hand-off, see
 * src/app/gpu-driver.ts). Everything else of a control step (reference, action → PD targets) is the
 * controller's.
 */
import { CpuObservationBuilder } from '../observation/builder';
import type { ObsContext, ObsLayoutEntry } from '../observation/types';
import type { PolicyRunResult, PolicySession } from './session';

export interface ObservationBackend {
  /** for messages: 'cpu', 'webgpu'... */
  readonly name: string;
  /** observations of every env from the context, then the policy: actions n × na (policy order) + other outputs */
  infer(timeStep: Float32Array | undefined): Promise<PolicyRunResult>;
  /** forget env `env`'s (or every env's) observation history */
  reset(env?: number): void;
}

export class CpuBackend implements ObservationBackend {
  readonly name = 'cpu';
  readonly builder: CpuObservationBuilder;
  /** the last observations, n × size */
  readonly obs: Float32Array;
  /** optional hook: edit the observations before inference (evaluation noise, tests) */
  onObservation: ((obs: Float32Array) => void) | null = null;

  constructor(
    layout: ObsLayoutEntry[],
    readonly ctx: ObsContext,
    readonly session: PolicySession,
  ) {
    this.builder = new CpuObservationBuilder(layout, ctx);
    this.obs = new Float32Array(ctx.n * this.builder.size);
  }

  infer(timeStep: Float32Array | undefined): Promise<PolicyRunResult> {
    this.builder.build(this.obs);
    this.onObservation?.(this.obs);
    return this.session.run(this.obs, this.ctx.n, timeStep);
  }

  reset(env?: number): void {
    this.builder.reset(env);
  }
}
