/**
 * Observation → policy hand-off (browser). With onnxruntime-web's WebGPU execution provider on the SAME
 * GPUDevice as the observation builder, the observation buffer is fed to the session without leaving the
 * GPU (Tensor.fromGpuBuffer) and only the actions are read back. Where the WebGPU EP is unavailable
 * (no navigator.gpu, Node, session creation fails) the observations are read back and run on wasm.
 * A policy whose input batch is fixed to 1 runs once per env on a per-env copy of its observation row.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { MimicError } from '../errors';
import type { GpuObservationBuilder } from './gpu';

const COPY_SRC = 0x4, COPY_DST = 0x8, STORAGE = 0x80;

export interface PolicyHandoffOptions {
  /** the ONNX model bytes */
  model: Uint8Array;
  builder: GpuObservationBuilder;
  /** observation input (default: the session's first input) and action output (default 'actions' or the first) */
  inputName?: string;
  outputName?: string;
  /** force an execution provider ('auto' = WebGPU when possible, else wasm) */
  ep?: 'auto' | 'webgpu' | 'wasm';
  /** extra inputs (e.g. BeyondMimic's time_step) as CPU tensors, for `rows` envs starting at `env` */
  extraFeeds?: (env: number, rows: number) => Record<string, ort.Tensor>;
  /** file name for error messages */
  file?: string;
}

export class PolicyHandoff {
  private rows: { buffer: GPUBuffer; tensor: ort.Tensor }[] = [];
  private rowsDevice: GPUDevice | null = null;
  private batched: { buffer: GPUBuffer; tensor: ort.Tensor } | null = null;
  private host: Float32Array | null = null;
  private actions: Float32Array;

  private constructor(
    readonly session: ort.InferenceSession, readonly ep: 'webgpu' | 'wasm', readonly reason: string,
    readonly fixedBatch: boolean, readonly nActions: number, private readonly opts: PolicyHandoffOptions,
    private readonly inputName: string, private readonly outputName: string,
  ) {
    this.actions = new Float32Array(opts.builder.ctx.n * nActions);
  }

  static async create(opts: PolicyHandoffOptions): Promise<PolicyHandoff> {
    const file = opts.file ?? '<policy>';
    const want = opts.ep ?? 'auto';
    let session: ort.InferenceSession | null = null, ep: 'webgpu' | 'wasm' = 'wasm', reason = 'wasm selected';
    const hasGpu = typeof navigator !== 'undefined' && !!(navigator as { gpu?: GPU }).gpu;
    if (want !== 'wasm' && hasGpu) {
      try {
        // onnxruntime-web 1.30's WebGPU EP takes a custom device as an EP option (`device`); older versions
        // read ort.env.webgpu.device. Set both so the session shares the observation builder's device.
        try {
          ort.env.webgpu.device = opts.builder.device;
        } catch {
          /* read-only once ORT has initialised WebGPU */
        }
        const webgpu = { name: 'webgpu', device: opts.builder.device } as ort.InferenceSession.WebGpuExecutionProviderOption;
        session = await ort.InferenceSession.create(opts.model, { executionProviders: [webgpu] });
        ep = 'webgpu';
        reason = 'WebGPU execution provider on the observation device';
      } catch (e) {
        if (want === 'webgpu') throw new MimicError('GpuError', file, 'webgpu EP', (e as Error).message);
        reason = `WebGPU execution provider failed (${(e as Error).message}); wasm`;
      }
    } else if (want !== 'wasm') {
      if (want === 'webgpu') throw new MimicError('GpuError', file, 'webgpu EP', 'no navigator.gpu here');
      reason = 'no WebGPU in this context; wasm';
    }
    session ??= await ort.InferenceSession.create(opts.model, { executionProviders: ['wasm'] });
    const inputName = opts.inputName ?? session.inputNames[0];
    const outputName = opts.outputName ?? (session.outputNames.includes('actions') ? 'actions' : session.outputNames[0]);
    const meta = session.inputMetadata.find((m) => m.name === inputName);
    const outMeta = session.outputMetadata.find((m) => m.name === outputName);
    const shape = meta?.isTensor ? meta.shape : [];
    const size = opts.builder.size;
    if (typeof shape[1] === 'number' && shape[1] !== size) {
      throw new MimicError('PolicyError', file, `input ${inputName}`, `policy expects ${shape[1]} observations, layout gives ${size}`);
    }
    const outShape = outMeta?.isTensor ? outMeta.shape : [];
    const nActions = typeof outShape[1] === 'number' ? outShape[1] : opts.builder.ctx.policyJoints.length;
    const fixedBatch = shape[0] !== undefined && typeof shape[0] === 'number';
    return new PolicyHandoff(session, ep, reason, fixedBatch, nActions, opts, inputName, outputName);
  }

  /** Run the policy on the builder's last built observations; returns actions [n × nActions] (reused array). */
  async run(): Promise<Float32Array> {
    const { builder } = this.opts, n = builder.ctx.n, size = builder.size;
    if (this.ep === 'webgpu') {
      const obs = builder.output;
      if (!obs) throw new MimicError('GpuError', '<webgpu>', 'handoff', 'observation buffer unavailable (device lost?)');
      if (!this.fixedBatch) {
        if (this.batched?.buffer !== obs) {
          this.batched = { buffer: obs, tensor: ort.Tensor.fromGpuBuffer(obs, { dataType: 'float32', dims: [n, size] }) };
        }
        return this.runOne(this.batched.tensor, 0, n);
      }
      this.ensureRows(size, n);
      const enc = builder.device.createCommandEncoder();
      for (let e = 0; e < n; e++) enc.copyBufferToBuffer(obs, e * size * 4, this.rows[e].buffer, 0, size * 4);
      builder.device.queue.submit([enc.finish()]);
      for (let e = 0; e < n; e++) await this.runOne(this.rows[e].tensor, e, 1);
      return this.actions;
    }
    this.host ??= new Float32Array(n * size);
    await builder.read(this.host);
    if (!this.fixedBatch) return this.runOne(new ort.Tensor('float32', this.host, [n, size]), 0, n);
    for (let e = 0; e < n; e++) {
      await this.runOne(new ort.Tensor('float32', this.host.subarray(e * size, (e + 1) * size), [1, size]), e, 1);
    }
    return this.actions;
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

  private async runOne(input: ort.Tensor, env: number, rows: number): Promise<Float32Array> {
    const feeds: Record<string, ort.Tensor> = { [this.inputName]: input, ...(this.opts.extraFeeds?.(env, rows) ?? {}) };
    const out = await this.session.run(feeds, [this.outputName]);
    const t = out[this.outputName];
    const data = (t.location === 'cpu' ? t.data : await t.getData()) as Float32Array;
    this.actions.set(data.subarray(0, rows * this.nActions), env * this.nActions);
    t.dispose();
    return this.actions;
  }

  release(): void {
    this.rows.forEach((r) => r.buffer.destroy());
    this.rows = [];
    this.batched = null;
    void this.session.release();
  }
}
