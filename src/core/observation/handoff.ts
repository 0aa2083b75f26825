/**
 * Observation → policy hand-off (browser). A PolicySession on onnxruntime-web's WebGPU execution provider,
 * on the SAME GPUDevice as the observation builder: the observation buffer is fed without leaving the GPU
 * (Tensor.fromGpuBuffer) and only the actions are read back — plus, for a policy that embeds its reference,
 * that reference's outputs (joint_pos, body_pos_w...: a few hundred floats per env, selected by time_step, not
 * by the observation), which the controller keeps for the next step as on the CPU. Where the WebGPU EP is
 * unavailable (no navigator.gpu, Node, session creation fails) the observations are read back and run on wasm.
 * A policy whose input batch is fixed (fixedBatchOf) runs once per env on a per-env copy of its row.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { MimicError } from '../errors';
import type { PolicyConfig } from '../policy/config';
import type { OrtRuntime } from '../policy/ort-env';
import { PolicySession, type ExternalDataFile, type PolicyRunResult } from '../policy/session';
import type { GpuObservationBuilder } from './gpu';

const COPY_SRC = 0x4,
  COPY_DST = 0x8,
  STORAGE = 0x80;
const runtime: OrtRuntime = ort;

export interface PolicyHandoffOptions {
  /** the ONNX model bytes */
  model: Uint8Array;
  builder: GpuObservationBuilder;
  /** the policy's config (joints, recurrent state); default: as many actions as the builder's policy joints */
  config?: Pick<PolicyConfig, 'jointNames'> & Partial<PolicyConfig>;
  /** kept for callers that name them; the session finds the observation input and action output itself */
  inputName?: string;
  outputName?: string;
  /** force an execution provider ('auto' = WebGPU when possible, else wasm) */
  ep?: 'auto' | 'webgpu' | 'wasm';
  /** reference time step per env, for policies with a time_step input */
  timeStep?: () => ArrayLike<number>;
  externalData?: ExternalDataFile[];
  /** file name for error messages */
  file?: string;
}

async function openSession(opts: PolicyHandoffOptions, file: string): Promise<{ session: PolicySession; reason: string }> {
  const want = opts.ep ?? 'auto';
  const config = opts.config ?? { jointNames: Array.from(opts.builder.ctx.policyJoints, String) };
  const base = { file, runtime, externalData: opts.externalData };
  const hasGpu = typeof navigator !== 'undefined' && !!(navigator as { gpu?: GPU }).gpu;
  if (want !== 'wasm' && hasGpu) {
    try {
      const session = await PolicySession.create(opts.model, config, { ...base, ep: 'webgpu', device: opts.builder.device });
      return { session, reason: 'WebGPU execution provider on the observation device' };
    } catch (e) {
      if (want === 'webgpu' || (e instanceof MimicError && e.kind === 'PolicyError')) throw e;
      const session = await PolicySession.create(opts.model, config, { ...base, ep: 'wasm' });
      return { session, reason: `WebGPU execution provider failed (${(e as Error).message}); wasm` };
    }
  }
  if (want === 'webgpu') throw new MimicError('GpuError', file, 'webgpu EP', 'no navigator.gpu here');
  const session = await PolicySession.create(opts.model, config, { ...base, ep: 'wasm' });
  return { session, reason: want === 'wasm' ? 'wasm selected' : 'no WebGPU in this context; wasm' };
}

export class PolicyHandoff {
  private rows: { buffer: GPUBuffer; tensor: ort.Tensor }[] = [];
  private rowsDevice: GPUDevice | null = null;
  private batched: { buffer: GPUBuffer; tensor: ort.Tensor } | null = null;
  private host: Float32Array | null = null;
  /** the embedded reference's outputs of the last infer (fresh arrays each call: the controller keeps them) */
  private refs: Record<string, Float32Array> | null = null;
  private readonly actions: Float32Array;
  readonly ep: 'webgpu' | 'wasm';
  readonly nActions: number;

  private constructor(
    readonly session: PolicySession,
    readonly reason: string,
    private readonly opts: PolicyHandoffOptions,
  ) {
    this.ep = session.ep;
    this.nActions = session.nActions;
    this.actions = new Float32Array(opts.builder.ctx.n * this.nActions);
  }

  /** true when the model's batch is fixed: one run per env */
  get fixedBatch(): boolean {
    return this.session.batchFixed;
  }

  static async create(opts: PolicyHandoffOptions): Promise<PolicyHandoff> {
    const file = opts.file ?? '<policy>';
    const { session, reason } = await openSession(opts, file);
    const size = opts.builder.size;
    if (session.obsSize > 0 && session.obsSize !== size) {
      await session.release();
      throw new MimicError(
        'PolicyError',
        file,
        `input ${session.obsInput}`,
        `policy expects ${session.obsSize} observations, layout gives ${size}`,
      );
    }
    return new PolicyHandoff(session, reason, opts);
  }

  /** Run the policy on the builder's last built observations; returns actions [n × nActions] (reused array). */
  async run(): Promise<Float32Array> {
    return (await this.infer(this.opts.timeStep?.())).actions;
  }

  /**
   * Run the policy on the builder's last built observations with these time steps (one per env; graphs with a
   * time_step input): actions [n × nActions] (reused array) and, for an embedded reference, its outputs (n rows).
   */
  async infer(timeStep?: ArrayLike<number>): Promise<PolicyRunResult> {
    this.refs = null;
    const { builder } = this.opts,
      n = builder.ctx.n,
      size = builder.size;
    const perEnv = this.session.perEnv(n);
    if (this.ep === 'webgpu') {
      const obs = builder.output;
      if (!obs) throw new MimicError('GpuError', '<webgpu>', 'handoff', 'observation buffer unavailable (device lost?)');
      if (!perEnv) {
        if (this.batched?.buffer !== obs) {
          this.batched = { buffer: obs, tensor: ort.Tensor.fromGpuBuffer(obs, { dataType: 'float32', dims: [n, size] }) };
        }
        return this.runOne(this.batched.tensor, 0, n, n, timeStep);
      }
      this.ensureRows(size, n);
      const enc = builder.device.createCommandEncoder();
      for (let e = 0; e < n; e++) enc.copyBufferToBuffer(obs, e * size * 4, this.rows[e].buffer, 0, size * 4);
      builder.device.queue.submit([enc.finish()]);
      for (let e = 0; e < n; e++) await this.runOne(this.rows[e].tensor, e, 1, n, timeStep);
      return this.result();
    }
    this.host ??= new Float32Array(n * size);
    await builder.read(this.host);
    if (!perEnv) return this.runOne(new ort.Tensor('float32', this.host, [n, size]), 0, n, n, timeStep);
    for (let e = 0; e < n; e++) {
      await this.runOne(new ort.Tensor('float32', this.host.subarray(e * size, (e + 1) * size), [1, size]), e, 1, n, timeStep);
    }
    return this.result();
  }

  private result(): PolicyRunResult {
    return this.refs ? { actions: this.actions, reference: this.refs } : { actions: this.actions };
  }

  private ensureRows(size: number, n: number): void {
    const device = this.opts.builder.device;
    if (this.rows.length === n && this.rowsDevice === device) return;
    this.rows.forEach((r) => r.buffer.destroy());
    this.rowsDevice = device;
    this.rows = Array.from({ length: n }, () => {
      const buffer = device.createBuffer({ size: size * 4, usage: STORAGE | COPY_SRC | COPY_DST, label: 'obs row' });
      return { buffer, tensor: ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims: [1, size] }) };
    });
  }

  /** One run for envs [env, env + rows) of n; its reference outputs go to rows env.. of this.refs. */
  private async runOne(input: ort.Tensor, env: number, rows: number, n: number, timeStep?: ArrayLike<number>): Promise<PolicyRunResult> {
    const r = await this.session.runRows(input, env, rows, timeStep);
    this.actions.set(r.actions.subarray(0, rows * this.nActions), env * this.nActions);
    if (r.reference) {
      this.refs ??= {};
      for (const [k, v] of Object.entries(r.reference)) {
        const per = v.length / rows;
        (this.refs[k] ??= new Float32Array(n * per)).set(v, env * per);
      }
    }
    return this.result();
  }

  /** zero the recurrent state of env (or all) */
  resetRecurrent(env?: number): void {
    this.session.resetRecurrent(env);
  }

  release(): void {
    this.rows.forEach((r) => r.buffer.destroy());
    this.rows = [];
    this.batched = null;
    void this.session.release();
  }
}
