/**
 * An exported policy as an onnxruntime-web session (wasm backend in Node and the browser). Feeds the
 * observation matrix [n × obsSize] (and `time_step` [n × 1] for embedded-reference policies) and returns the
 * actions [n × na] plus any other outputs (the embedded reference), env-major. A model whose batch dim is
 * fixed at 1 is run once per env.
 */
import * as ort from 'onnxruntime-web';
import { fail, MimicError } from '../errors';
import type { PolicyConfig } from './config';

export interface PolicyRunResult {
  /** n × na, policy joint order */
  actions: Float32Array;
  /** other outputs by name (BeyondMimic: joint_pos, joint_vel, body_pos_w, body_quat_w...), n × per-env size */
  reference?: Record<string, Float32Array>;
}

export interface PolicySessionOptions {
  executionProviders?: string[];
  /** file name for messages */
  file?: string;
}

const isNode = typeof globalThis.process !== 'undefined' && !!globalThis.process.versions?.node;
let envSet = false;
function setUpEnv(): void {
  if (envSet) return;
  envSet = true;
  // Node: no cross-origin isolation questions, keep the runtime single-threaded and quiet
  if (isNode) ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
}

type Meta = { name: string; dims: readonly (number | string)[]; type: string };

function metaOf(m: ort.InferenceSession.ValueMetadata): Meta {
  if (!m.isTensor) return { name: m.name, dims: [], type: 'non-tensor' };
  return { name: m.name, dims: m.shape, type: m.type };
}

export class PolicySession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly obsInput: string;
  readonly actionsOutput: string;
  readonly timeStepInput: string | null;
  /** true when the graph's batch dim is fixed at 1 (then n envs are n runs) */
  readonly batchFixed: boolean;
  readonly obsSize: number;
  readonly nActions: number;
  private readonly timeStepType: string;

  private constructor(
    readonly session: ort.InferenceSession,
    readonly config: PolicyConfig,
    readonly file: string,
  ) {
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
    const ins = session.inputMetadata.map(metaOf);
    const obs = ins.find((i) => i.name === 'obs') ?? ins.find((i) => i.name !== 'time_step');
    if (!obs) fail('PolicyError', file, 'graph inputs', 'no observation input');
    this.obsInput = obs!.name;
    const ts = ins.find((i) => i.name === 'time_step');
    this.timeStepInput = ts ? ts.name : null;
    this.timeStepType = ts?.type ?? 'float32';
    const outs = session.outputMetadata.map(metaOf);
    this.actionsOutput = (outs.find((o) => o.name === 'actions') ?? outs[0]).name;
    this.batchFixed = obs!.dims[0] === 1;
    const last = obs!.dims[obs!.dims.length - 1];
    this.obsSize = typeof last === 'number' && last > 0 ? last : -1;
    this.nActions = config.jointNames.length;
    const others = ins.filter((i) => i.name !== this.obsInput && i.name !== this.timeStepInput);
    if (others.length) {
      fail('PolicyError', file, `input ${others[0].name}`, `unsupported extra input(s): ${others.map((i) => i.name).join(', ')}`);
    }
  }

  static async create(bytes: Uint8Array, config: PolicyConfig, opts: PolicySessionOptions = {}): Promise<PolicySession> {
    setUpEnv();
    const file = opts.file ?? 'policy.onnx';
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: opts.executionProviders ?? ['wasm'],
        graphOptimizationLevel: 'all',
      });
    } catch (e) {
      throw new MimicError('ParseError', file, '', `onnxruntime could not load the model: ${(e as Error).message ?? e}`);
    }
    return new PolicySession(session, config, file);
  }

  private timeTensor(values: ArrayLike<number>, n: number): ort.Tensor {
    if (this.timeStepType === 'int64') return new ort.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(Math.round(v)))), [n, 1]);
    if (this.timeStepType === 'int32') return new ort.Tensor('int32', Int32Array.from(values, Math.round), [n, 1]);
    return new ort.Tensor('float32', Float32Array.from(values), [n, 1]);
  }

  /**
   * obs: n × obsSize, env-major. timeStep: n values (the reference step of each env), required when the
   * graph has a `time_step` input.
   */
  async run(obs: Float32Array, n: number, timeStep?: Float32Array): Promise<PolicyRunResult> {
    const size = obs.length / n;
    if (!Number.isInteger(size) || (this.obsSize > 0 && size !== this.obsSize)) {
      fail('PolicyError', this.file, `input ${this.obsInput}`, `got ${obs.length} values for ${n} envs, the model takes ${this.obsSize} per env`);
    }
    if (this.timeStepInput && (!timeStep || timeStep.length < n)) {
      fail('PolicyError', this.file, 'input time_step', 'this policy needs the reference time step of every env');
    }
    if (!this.batchFixed || n === 1) return this.runBatch(obs, n, size, timeStep);
    // batch fixed at 1: one run per env, outputs gathered env-major
    const parts: PolicyRunResult[] = [];
    for (let e = 0; e < n; e++) {
      parts.push(await this.runBatch(obs.subarray(e * size, (e + 1) * size), 1, size, timeStep?.subarray(e, e + 1)));
    }
    const cat = (arrs: Float32Array[]): Float32Array => {
      const out = new Float32Array(arrs.reduce((s, a) => s + a.length, 0));
      let o = 0;
      for (const a of arrs) {
        out.set(a, o);
        o += a.length;
      }
      return out;
    };
    const result: PolicyRunResult = { actions: cat(parts.map((p) => p.actions)) };
    if (parts[0].reference) {
      result.reference = {};
      for (const k of Object.keys(parts[0].reference)) result.reference[k] = cat(parts.map((p) => p.reference![k]));
    }
    return result;
  }

  private async runBatch(obs: Float32Array, n: number, size: number, timeStep?: Float32Array): Promise<PolicyRunResult> {
    const feeds: Record<string, ort.Tensor> = { [this.obsInput]: new ort.Tensor('float32', obs, [n, size]) };
    if (this.timeStepInput) feeds[this.timeStepInput] = this.timeTensor(timeStep!.subarray(0, n), n);
    const out = await this.session.run(feeds);
    const toF32 = (t: ort.Tensor): Float32Array => {
      const d = t.data;
      return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>, Number);
    };
    const actions = toF32(out[this.actionsOutput]);
    if (actions.length !== n * this.nActions) {
      fail('PolicyError', this.file, `output ${this.actionsOutput}`, `returned ${actions.length} values for ${n} envs × ${this.nActions} joints`);
    }
    const result: PolicyRunResult = { actions };
    const extra = this.outputNames.filter((k) => k !== this.actionsOutput);
    if (extra.length) {
      result.reference = {};
      for (const k of extra) result.reference[k] = toF32(out[k]);
    }
    return result;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
