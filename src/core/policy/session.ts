/**
 * An exported policy as an onnxruntime-web session — the one session type of the project (CPU observations,
 * the WebGPU hand-off and the evaluation workers all use it). The execution provider is a parameter ('wasm',
 * or 'webgpu' on a given GPUDevice). Feeds the observation matrix [n × obsSize], `time_step` [n × 1] for
 * embedded-reference policies and the recurrent state (GRU/LSTM exports) and returns the actions [n × na]
 * plus the embedded reference (renamed to BeyondMimic's output names, quaternions wxyz), env-major.
 * A model whose batch dim is fixed (fixedBatchOf) is run once per env. The embedded reference's length: reference-length.ts. Recurrent state is kept per env,
 * fed to the state inputs and replaced by the state outputs each run; resetRecurrent(env) zeroes it.
 */
import * as ortDefault from 'onnxruntime-web';
import type * as ortTypes from 'onnxruntime-web';
import { concatBytes } from '../bytes';
import { fail, MimicError } from '../errors';
import type { PolicyConfig, RecurrentState } from './config';
import { withSymbolicBatch } from './batch-dim';
import { batchDisagreement } from './batch-probe';
import { requireExternalFiles } from './external';
import { configureOrt, fixedBatchOf, type OrtRuntime } from './ort-env';
import { RecurrentSlot } from './recurrent-state';

type Tensor = ortTypes.Tensor;

export interface PolicyRunResult {
  /** n × na, policy joint order */
  actions: Float32Array;
  /** embedded reference by BeyondMimic output name (joint_pos, joint_vel, body_pos_w, body_quat_w...), n × per-env size */
  reference?: Record<string, Float32Array>;
}

/** An external-data file of the model (PyTorch's exporter: `policy.onnx.data` beside `policy.onnx`). */
export interface ExternalDataFile {
  /** the name the model's initializers give (TensorProto external_data "location") */
  path: string;
  data: Uint8Array;
}

export interface PolicySessionOptions {
  /** execution provider (default 'wasm'); 'webgpu' runs on `device` when given */
  ep?: 'wasm' | 'webgpu';
  /** the GPUDevice to share with the WebGPU EP (the observation builder's) */
  device?: GPUDevice;
  /** the ORT module (default: onnxruntime-web; the WebGPU hand-off passes onnxruntime-web/webgpu) */
  runtime?: OrtRuntime;
  /** file name for messages */
  file?: string;
  /** external weights the model refers to */
  externalData?: ExternalDataFile[];
  /** false: keep a graph whose batch is fixed at 1 as it is (per-env runs) instead of trying to batch it */
  batch?: boolean;
}

/** What a session needs of the policy config. */
export type SessionConfig = Pick<PolicyConfig, 'jointNames'> & Partial<Pick<PolicyConfig, 'referenceOutputs' | 'recurrent'>>;

type Meta = { name: string; dims: readonly (number | string)[]; type: string };

function metaOf(m: ortTypes.InferenceSession.ValueMetadata): Meta {
  if (!m.isTensor) return { name: m.name, dims: [], type: 'non-tensor' };
  return { name: m.name, dims: m.shape, type: m.type };
}

const TIME_TYPES = ['float32', 'int64', 'int32'];

/** BeyondMimic names for the embedded-reference keys of ReferenceOutputs. */
const CANONICAL: Record<string, string> = {
  jointPos: 'joint_pos',
  jointVel: 'joint_vel',
  bodyPos: 'body_pos_w',
  bodyQuat: 'body_quat_w',
  bodyLinVel: 'body_lin_vel_w',
  bodyAngVel: 'body_ang_vel_w',
};

const toF32 = async (t: Tensor): Promise<Float32Array> => {
  const d = t.location === 'cpu' ? t.data : await t.getData();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>, Number);
};

/** Float32 arrays joined end to end (per-env outputs gathered env-major). */
const catF32 = (arrs: Float32Array[]): Float32Array =>
  new Float32Array(concatBytes(arrs.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))).buffer);

export class PolicySession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly obsInput: string;
  readonly actionsOutput: string;
  readonly timeStepInput: string | null;
  /** the fixed batch of the observation input (fixedBatchOf), null when symbolic */
  readonly fixedBatch: number | null;
  /** true when the graph's batch dim is fixed (then n envs are n runs) */
  readonly batchFixed: boolean;
  readonly obsSize: number;
  readonly nActions: number;
  /** the execution provider in use */
  readonly ep: 'wasm' | 'webgpu';
  /** how a graph whose batch was fixed at 1 runs n envs: made batchable (checked) or per-env runs, and why; null otherwise */
  batchNote: string | null = null;
  private readonly timeStepType: string;
  private readonly slots: RecurrentSlot[];
  /** graph output → [BeyondMimic name, xyzw → wxyz] */
  private readonly refMap: [string, string, boolean][];

  private constructor(
    readonly session: ortTypes.InferenceSession,
    readonly config: SessionConfig,
    readonly file: string,
    readonly runtime: OrtRuntime,
    ep: 'wasm' | 'webgpu',
  ) {
    this.ep = ep;
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
    const ins = session.inputMetadata.map(metaOf),
      outs = session.outputMetadata.map(metaOf);
    const rec = config.recurrent ?? [];
    const tsName = config.referenceOutputs?.timeStep ?? 'time_step';
    const recIn = new Set(rec.map((r) => r.input));
    const obs =
      ins.find((i) => i.name === 'obs') ??
      ins.find((i) => i.name !== tsName && !recIn.has(i.name)) ??
      fail('PolicyError', file, 'graph inputs', 'no observation input');
    if (obs.type !== 'float32') {
      fail(
        'PolicyError',
        file,
        `input ${obs.name}`,
        `the observation input has type ${obs.type}; policies take float32 observations (re-export with a float input)`,
      );
    }
    this.obsInput = obs.name;
    const ts = ins.find((i) => i.name === tsName);
    this.timeStepInput = ts ? ts.name : null;
    this.timeStepType = ts?.type ?? 'float32';
    if (ts && !TIME_TYPES.includes(ts.type)) {
      fail('PolicyError', file, `input ${ts.name}`, `has type ${ts.type}; a time-step input must be float32, int32 or int64`);
    }
    this.actionsOutput = (outs.find((o) => o.name === 'actions') ?? outs.find((o) => o.name === 'action') ?? outs[0]).name;
    this.fixedBatch = fixedBatchOf(obs.dims);
    this.batchFixed = this.fixedBatch !== null;
    const last = obs.dims[obs.dims.length - 1];
    this.obsSize = typeof last === 'number' && last > 0 ? last : -1;
    this.nActions = config.jointNames.length;
    this.slots = rec.map((r) => this.slotFor(r, ins, outs));
    const others = ins.filter((i) => i.name !== this.obsInput && i.name !== this.timeStepInput && !recIn.has(i.name));
    if (others.length) {
      fail(
        'PolicyError',
        file,
        `input ${others[0].name}`,
        `this runtime cannot feed input(s) ${others.map((i) => `${i.name} [${i.dims.join(', ')}] ${i.type}`).join('; ')} (it feeds the observation, time_step and recognised recurrent state)`,
      );
    }
    this.refMap = this.referenceMap(
      outs.map((o) => o.name),
      new Set(rec.map((r) => r.output)),
    );
  }

  private slotFor(r: RecurrentState, ins: Meta[], outs: Meta[]): RecurrentSlot {
    const i =
      ins.find((x) => x.name === r.input) ?? fail('PolicyError', this.file, `input ${r.input}`, 'recurrent state input not in the graph');
    if (!outs.some((o) => o.name === r.output))
      fail('PolicyError', this.file, `output ${r.output}`, 'recurrent state output not in the graph');
    if (i.type !== 'float32')
      fail('PolicyError', this.file, `input ${r.input}`, `recurrent state of type ${i.type}; only float32 state is fed`);
    const sym = i.dims.findIndex((d) => typeof d !== 'number');
    // PyTorch RNN state is [layers, batch, hidden]; others put the batch first
    const axis = sym >= 0 ? sym : i.dims.length === 3 ? 1 : 0;
    return new RecurrentSlot(r, i.dims, Math.min(axis, r.shape.length));
  }

  private referenceMap(outputs: string[], recOut: Set<string>): [string, string, boolean][] {
    const ro = this.config.referenceOutputs;
    const rest = outputs.filter((o) => o !== this.actionsOutput && !recOut.has(o));
    if (!ro) return rest.map((o) => [o, o, false]);
    const map: [string, string, boolean][] = [];
    for (const [key, canon] of Object.entries(CANONICAL)) {
      const name = (ro as unknown as Record<string, string | undefined>)[key];
      if (name === undefined) continue;
      if (!outputs.includes(name))
        fail(
          'PolicyError',
          this.file,
          `output ${name}`,
          `the config names "${name}" as the reference's ${canon}, the graph has no such output`,
        );
      map.push([name, canon, key === 'bodyQuat' && ro.quatOrder === 'xyzw']);
    }
    return map;
  }

  private static async load(
    ort: OrtRuntime,
    bytes: Uint8Array,
    opts: PolicySessionOptions,
    file: string,
  ): Promise<ortTypes.InferenceSession> {
    const ep = opts.ep ?? 'wasm';
    const provider =
      ep === 'webgpu'
        ? opts.device
          ? ({ name: 'webgpu', device: opts.device } as ortTypes.InferenceSession.ExecutionProviderConfig)
          : 'webgpu'
        : 'wasm';
    try {
      return await ort.InferenceSession.create(bytes, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(opts.externalData?.length ? { externalData: opts.externalData.map((d) => ({ path: d.path, data: d.data })) } : {}),
      });
    } catch (e) {
      const msg = String((e as Error).message ?? e).split('\n')[0];
      throw new MimicError(
        ep === 'webgpu' ? 'GpuError' : 'ParseError',
        file,
        `onnxruntime-web (${ep})`,
        `could not load the model: ${msg}`,
      );
    }
  }

  private static async wrap(
    ort: OrtRuntime,
    session: ortTypes.InferenceSession,
    config: SessionConfig,
    file: string,
    ep: 'wasm' | 'webgpu',
  ): Promise<PolicySession> {
    try {
      return new PolicySession(session, config, file, ort, ep);
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  static async create(bytes: Uint8Array, config: SessionConfig, opts: PolicySessionOptions = {}): Promise<PolicySession> {
    const ort = opts.runtime ?? ortDefault;
    configureOrt(ort);
    const file = opts.file ?? 'policy.onnx';
    requireExternalFiles(bytes, file, opts.externalData ?? []);
    const ep = opts.ep ?? 'wasm';
    const single = await PolicySession.wrap(ort, await PolicySession.load(ort, bytes, opts, file), config, file, ep);
    if (single.fixedBatch !== 1 || opts.batch === false) return single;
    return PolicySession.batchable(single, bytes, opts, file);
  }

  /**
   * A graph whose batch is fixed at 1: its batch dim made symbolic (batch-dim.ts) and checked against per-env runs
   * (batch-probe.ts); the batched session when they agree, else the single one (per-env runs) with a note.
   */
  private static async batchable(
    single: PolicySession,
    bytes: Uint8Array,
    opts: PolicySessionOptions,
    file: string,
  ): Promise<PolicySession> {
    let why: string;
    try {
      const rw = withSymbolicBatch(bytes, file);
      if (!rw) why = 'no input with a fixed batch of 1 found';
      else {
        const batched = await PolicySession.wrap(
          single.runtime,
          await PolicySession.load(single.runtime, rw.bytes, opts, file),
          single.config,
          file,
          single.ep,
        );
        const bad = batched.fixedBatch === null ? await batchDisagreement(single, batched) : 'the rewritten graph still fixes the batch';
        if (bad === null) {
          await single.release();
          batched.batchNote = `the graph fixes the batch at 1: made symbolic at load (${rw.changed.join(', ')}); a batch of 3 matched per-env runs (1e-5), so n envs are one run`;
          return batched;
        }
        await batched.release();
        why = bad;
      }
    } catch (e) {
      why = String((e as Error).message ?? e).split('\n')[0];
    }
    single.batchNote = `the graph fixes the batch at 1 and cannot be batched (${why}): n envs are n runs`;
    return single;
  }

  /** Zero the recurrent state of env `env` (or of every env): call on episode reset. */
  resetRecurrent(env?: number): void {
    for (const s of this.slots) {
      if (env === undefined) s.data.fill(0);
      else s.data.fill(0, env * s.per, (env + 1) * s.per);
    }
  }

  /** the recurrent state inputs, in config order */
  recurrentInputs(): string[] {
    return this.slots.map((s) => s.spec.input);
  }

  /** values per env of one recurrent state input */
  recurrentSize(input: string): number {
    return this.slots.find((s) => s.spec.input === input)?.per ?? 0;
  }

  /** Set the recurrent state of one input for n envs (env-major). */
  setRecurrentState(input: string, data: Float32Array, n: number): void {
    const s = this.slots.find((x) => x.spec.input === input);
    if (!s) return;
    s.ensure(n);
    s.data.set(data.subarray(0, n * s.per));
  }

  /** the recurrent state of one input (n × per-env size, env-major), for inspection */
  recurrentState(input: string): Float32Array | undefined {
    return this.slots.find((s) => s.spec.input === input)?.data;
  }

  private timeTensor(values: ArrayLike<number>, n: number): Tensor {
    const T = this.runtime.Tensor;
    if (this.timeStepType === 'int64') return new T('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(Math.round(v)))), [n, 1]);
    if (this.timeStepType === 'int32') return new T('int32', Int32Array.from(values, Math.round), [n, 1]);
    return new T('float32', values instanceof Float32Array ? values : Float32Array.from(values), [n, 1]);
  }

  private checkBatch(n: number): void {
    if (this.fixedBatch !== null && this.fixedBatch !== 1 && n !== this.fixedBatch) {
      fail('PolicyError', this.file, `input ${this.obsInput}`, `the model's batch is fixed at ${this.fixedBatch}; got ${n} envs`);
    }
    for (const s of this.slots) s.ensure(n);
  }

  /** true when n envs run as n single-env runs */
  perEnv(n: number): boolean {
    return this.fixedBatch === 1 && n > 1;
  }

  /**
   * obs: n × obsSize, env-major. timeStep: n values (the reference step of each env), required when the
   * graph has a `time_step` input.
   */
  async run(obs: Float32Array, n: number, timeStep?: Float32Array): Promise<PolicyRunResult> {
    const size = obs.length / n;
    if (!Number.isInteger(size) || (this.obsSize > 0 && size !== this.obsSize)) {
      fail(
        'PolicyError',
        this.file,
        `input ${this.obsInput}`,
        `got ${obs.length} values for ${n} envs, the model takes ${this.obsSize} per env`,
      );
    }
    this.checkBatch(n);
    const T = this.runtime.Tensor;
    if (!this.perEnv(n)) return this.runRows(new T('float32', obs, [n, size]), 0, n, timeStep);
    const parts: PolicyRunResult[] = [];
    for (let e = 0; e < n; e++) {
      parts.push(await this.runRows(new T('float32', obs.subarray(e * size, (e + 1) * size), [1, size]), e, 1, timeStep));
    }
    const result: PolicyRunResult = { actions: catF32(parts.map((p) => p.actions)) };
    if (parts[0].reference) {
      result.reference = {};
      for (const k of Object.keys(parts[0].reference)) result.reference[k] = catF32(parts.map((p) => p.reference![k]));
    }
    return result;
  }

  /**
   * One run for envs [env, env + rows) with the observation already a tensor (CPU or GPU buffer): feeds
   * time_step and the recurrent state of those envs, keeps the new state. The WebGPU hand-off calls this.
   */
  runRows(obs: Tensor, env: number, rows: number, timeStep?: ArrayLike<number>): Promise<PolicyRunResult> {
    const run = this.lane.then(() => this.runRowsNow(obs, env, rows, timeStep));
    this.lane = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs of this session, one after another: onnxruntime-web's asynchronous builds (the browser's) corrupt the
   * outputs of two runs of one session that overlap, and the recurrent state is read before and written after
   * each run. Whoever calls (a control step, a reset fetching an embedded reference, the WebGPU hand-off) waits
   * its turn; release() waits for the runs queued before it.
   */
  private lane: Promise<unknown> = Promise.resolve();

  private async runRowsNow(obs: Tensor, env: number, rows: number, timeStep?: ArrayLike<number>): Promise<PolicyRunResult> {
    const T = this.runtime.Tensor;
    const feeds: Record<string, Tensor> = { [this.obsInput]: obs };
    if (this.timeStepInput) {
      if (!timeStep || timeStep.length < env + rows)
        fail('PolicyError', this.file, `input ${this.timeStepInput}`, 'this policy needs the reference time step of every env');
      const rowsOf =
        timeStep instanceof Float32Array ? timeStep.subarray(env, env + rows) : Array.from({ length: rows }, (_, r) => timeStep![env + r]);
      feeds[this.timeStepInput] = this.timeTensor(rowsOf, rows);
    }
    for (const s of this.slots) {
      if (s.data.length < (env + rows) * s.per) s.ensure(env + rows);
      feeds[s.spec.input] = new T('float32', s.gather(env, rows), s.tensorDims(rows));
    }
    const out = await this.session.run(feeds);
    const actions = await toF32(out[this.actionsOutput]);
    if (actions.length !== rows * this.nActions) {
      fail(
        'PolicyError',
        this.file,
        `output ${this.actionsOutput}`,
        `returned ${actions.length} values for ${rows} envs × ${this.nActions} joints`,
      );
    }
    for (const s of this.slots) s.scatter(await toF32(out[s.spec.output]), env, rows, this.file);
    const result: PolicyRunResult = { actions };
    if (this.refMap.length) {
      result.reference = {};
      for (const [name, canon, xyzw] of this.refMap) {
        const v = await toF32(out[name]);
        result.reference[canon] = xyzw ? xyzwToWxyz(v.slice()) : v;
      }
    }
    for (const t of Object.values(out)) if (t.location !== 'cpu') t.dispose();
    return result;
  }

  async release(): Promise<void> {
    await this.lane;
    await this.session.release();
  }
}

/** Quaternions [x, y, z, w] → [w, x, y, z] in place (groups of 4). */
export function xyzwToWxyz(a: Float32Array): Float32Array {
  for (let o = 0; o + 3 < a.length; o += 4) {
    const w = a[o + 3];
    a[o + 3] = a[o + 2];
    a[o + 2] = a[o + 1];
    a[o + 1] = a[o];
    a[o] = w;
  }
  return a;
}
