/**
 * WebGPU observation builder: the same layout table as the CPU builder (term ids shared with
 * shaders/obs_terms.wgsl), history rings kept on the GPU, output [n × size] f32 in a STORAGE buffer that
 * onnxruntime-web's WebGPU execution provider can read directly (see handoff.ts).
 * Per step: upload() (queue.writeBuffer of the arrays the layout reads into persistent buffers) → build().
 */
import { MimicError } from '../errors';
import { resolveLayout, type ResolvedEntry } from './builder';
import { packObjects } from './objects';
import { obsShaderSource } from './shaders';
import type { StateArray } from './terms';
import type { ObsContext, ObsLayoutEntry } from './types';

// GPUBufferUsage / GPUMapMode values (spec constants; the globals are absent in some Node set-ups)
const MAP_READ = 0x1,
  COPY_SRC = 0x4,
  COPY_DST = 0x8,
  UNIFORM = 0x40,
  STORAGE = 0x80,
  COMPUTE = 0x4;
const STATE = ['rootQuat', 'rootLinVel', 'rootAngVel', 'jointPos', 'jointVel', 'bodyPos', 'bodyQuat'] as const;
const REF = ['jointPos', 'jointVel', 'bodyPos', 'bodyQuat'] as const;
const WIDTH: Record<string, number> = { rootQuat: 4, rootLinVel: 3, rootAngVel: 3, bodyPos: 3, bodyQuat: 4 };
const ENTRY_WORDS = 8;
const WORKGROUP = 64;

export interface GpuObservationOptions {
  /** a fresh device after a device loss (default: navigator.gpu → adapter → device) */
  recreateDevice?: () => Promise<GPUDevice>;
}

/**
 * per-env words of the packed phase / command / gait-clock block in I (see obs_common.wgsl iExtra):
 * [phase, vx, vy, wz, sin g0, sin g1, cos g0, cos g1]. sin/cos are taken on the CPU: WGSL's sin/cos are only
 * specified to 2^-11 absolute error, too coarse for GPU = CPU to 1e-5.
 */
const EXTRA_STRIDE = 8;
interface Upload {
  src: () => Float32Array;
  buffer: 's' | 'r' | 'i';
  offset: number;
}
interface Resources {
  pipelines: GPUComputePipeline[];
  bind: GPUBindGroup;
  uniform: GPUBuffer;
  flags: GPUBuffer;
  obs: GPUBuffer;
  readback: GPUBuffer;
  s: GPUBuffer;
  r: GPUBuffer;
  i: GPUBuffer;
  all: GPUBuffer[];
}

/** queue.writeBuffer of a whole typed array (any ArrayBufferLike backing) */
const write = (q: GPUQueue, b: GPUBuffer, byteOffset: number, a: Float32Array | Uint32Array | Int32Array) =>
  q.writeBuffer(b, byteOffset, a as unknown as GPUAllowSharedBufferSource);

/** Per device: the shader module, the bind group layout and the pipelines by (entry row, term id), shared by builders. */
interface DeviceKit {
  bindLayout: GPUBindGroupLayout;
  pipeline(entry: number, term: number, name: string): Promise<GPUComputePipeline>;
}
const kits = new WeakMap<GPUDevice, Promise<DeviceKit>>();

function deviceKit(device: GPUDevice): Promise<DeviceKit> {
  let kit = kits.get(device);
  if (!kit) {
    kit = makeKit(device);
    kits.set(device, kit);
    kit.catch(() => kits.delete(device));
  }
  return kit;
}

async function makeKit(device: GPUDevice): Promise<DeviceKit> {
  const module = device.createShaderModule({ code: obsShaderSource, label: 'obs' });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    throw new MimicError('GpuError', 'shaders/obs_*.wgsl', `line ${errors[0].lineNum}`, errors.map((m) => m.message).join('; '));
  }
  const ro = (binding: number): GPUBindGroupLayoutEntry => ({ binding, visibility: COMPUTE, buffer: { type: 'read-only-storage' } });
  const bindLayout = device.createBindGroupLayout({
    label: 'obs',
    entries: [
      { binding: 0, visibility: COMPUTE, buffer: { type: 'uniform' } },
      ro(1),
      ro(2),
      ro(3),
      ro(4),
      ro(5),
      { binding: 6, visibility: COMPUTE, buffer: { type: 'storage' } },
      { binding: 7, visibility: COMPUTE, buffer: { type: 'storage' } },
    ],
  });
  const layout = device.createPipelineLayout({ bindGroupLayouts: [bindLayout] });
  const pipelines = new Map<string, Promise<GPUComputePipeline>>();
  return {
    bindLayout,
    pipeline(entry, term, name) {
      const key = `${entry}:${term}`;
      let p = pipelines.get(key);
      if (!p) {
        p = device.createComputePipelineAsync({
          label: `obs ${name}`,
          layout,
          compute: { module, entryPoint: 'build_obs', constants: { ENTRY: entry, TERM: term } },
        });
        pipelines.set(key, p);
      }
      return p;
    },
  };
}

async function defaultDevice(): Promise<GPUDevice> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  if (!adapter) throw new MimicError('GpuError', '<webgpu>', 'device lost', 'no WebGPU adapter to recreate the device');
  return adapter.requestDevice();
}

export class GpuObservationBuilder {
  readonly size: number;
  /** Σ dim: values computed per env and step (one GPU invocation each, one dispatch per entry) */
  readonly rawSize: number;
  readonly entries: ResolvedEntry[];
  /** called when the device is lost (reason); the builder then rebuilds itself on a new device */
  onLost: ((reason: string) => void) | null = null;
  /** called with the new device once the builder works again after a loss (history restarts) */
  onRestored: ((device: GPUDevice) => void) | null = null;
  /** resolves when the builder is usable (after create, or after a device-loss rebuild) */
  ready: Promise<void> = Promise.resolve();
  device!: GPUDevice;
  private res: Resources | null = null;
  private readonly params = new Uint32Array(32);
  private readonly fresh: Uint32Array;
  private freshDirty = true;
  private readonly uploads: Upload[] = [];
  private readonly sizes = { s: 0, r: 0, i: 0 };
  private step = 0;
  private destroyed = false;
  private reading: Promise<unknown> = Promise.resolve();

  private constructor(
    layout: ObsLayoutEntry[],
    readonly ctx: ObsContext,
    private readonly opts: GpuObservationOptions,
  ) {
    this.entries = resolveLayout(layout, ctx);
    const cpuOnly = this.entries.findIndex((r) => r.pastOnly || r.newestFirst || r.zeroStart);
    if (cpuOnly >= 0) {
      throw new MimicError(
        'GpuError',
        '<layout>',
        `observations[${cpuOnly}] (${this.entries[cpuOnly].term.name})`,
        'past-only / newest-first history (HumanoidVerse) is built on the CPU only: use CPU observations for this policy',
      );
    }
    this.size = this.entries.reduce((s, r) => s + r.history * r.dim, 0);
    this.rawSize = this.entries.reduce((s, r) => s + r.dim, 0);
    this.fresh = new Uint32Array(ctx.n).fill(1);
    this.plan();
  }

  static async create(
    device: GPUDevice,
    layout: ObsLayoutEntry[],
    ctx: ObsContext,
    opts: GpuObservationOptions = {},
  ): Promise<GpuObservationBuilder> {
    const b = new GpuObservationBuilder(layout, ctx, opts);
    await b.init(device);
    return b;
  }

  /** Decide the packing of S, R and I and fill the constant part of the parameters. */
  private plan(): void {
    const { ctx, params: p } = this;
    const reads = new Set<StateArray>(this.entries.flatMap((r) => r.term.reads));
    const na = ctx.policyJoints.length;
    p.set([ctx.n, ctx.state.nj, ctx.state.nb, na, ctx.anchorBody, ctx.nSkills, this.rawSize, this.size], 0);
    p[9] = this.entries.length;
    p[10] = na; // entry table follows the policy joints in T
    const add = (buffer: 's' | 'r' | 'i', key: StateArray, len: number, src: () => Float32Array, slot: number) => {
      if (!reads.has(key)) return;
      p[slot] = this.sizes[buffer];
      this.uploads.push({ src, buffer, offset: p[slot] });
      this.sizes[buffer] += len;
    };
    STATE.forEach((f, k) =>
      add(
        's',
        `s.${f}` as StateArray,
        ctx.n * (WIDTH[f] ?? ctx.state.nj) * (f.startsWith('body') ? ctx.state.nb : 1),
        () => this.ctx.state[f],
        12 + k,
      ),
    );
    REF.forEach((f, k) =>
      add(
        'r',
        `r.${f}` as StateArray,
        ctx.n * (WIDTH[f] ?? ctx.ref.nj) * (f.startsWith('body') ? ctx.ref.nb : 1),
        () => this.ctx.ref[f],
        20 + k,
      ),
    );
    // I: default joint positions, scales (constant), then last action and skill (uploaded each step)
    p[24] = 0;
    p[25] = na;
    this.sizes.i = na + this.rawSize;
    add('i', 'i.lastAction', ctx.n * na, () => this.ctx.lastAction, 26);
    add('i', 'i.skill', ctx.n * ctx.nSkills, () => this.ctx.skill, 27);
    // phase, velocity command and gait clock, packed per env (EXTRA_STRIDE) at P.iExtra
    if (reads.has('i.phase') || reads.has('i.command') || reads.has('i.gaitPhase')) {
      p[11] = this.sizes.i;
      const packed = new Float32Array(ctx.n * EXTRA_STRIDE);
      const pack = (): Float32Array => {
        const c = this.ctx;
        for (let e = 0; e < c.n; e++) {
          packed[e * EXTRA_STRIDE] = c.phase[e];
          packed.set(c.command.subarray(e * 3, e * 3 + 3), e * EXTRA_STRIDE + 1);
          for (let k = 0; k < 2; k++) {
            packed[e * EXTRA_STRIDE + 4 + k] = Math.sin(c.gaitPhase[e * 2 + k]);
            packed[e * EXTRA_STRIDE + 6 + k] = Math.cos(c.gaitPhase[e * 2 + k]);
          }
        }
        return packed;
      };
      this.uploads.push({ src: pack, buffer: 'i', offset: p[11] });
      this.sizes.i += ctx.n * EXTRA_STRIDE;
    }
    // objects: the packed object block at P.iObj (observation/objects.ts)
    if (reads.has('i.objects')) {
      p[28] = this.sizes.i;
      const packed = packObjects(ctx);
      this.uploads.push({ src: () => packObjects(this.ctx, packed), buffer: 'i', offset: p[28] });
      this.sizes.i += packed.length;
    }
  }

  private async init(device: GPUDevice): Promise<void> {
    const kit = await deviceKit(device);
    // one pipeline per entry: ENTRY / TERM are override constants, so the term switch folds away
    const pipelines = await Promise.all(this.entries.map((e, k) => kit.pipeline(k, e.term.id, e.term.name)));
    const bindLayout = kit.bindLayout;
    const { ctx } = this;
    const bytes = this.ctx.n * this.size * 4;
    const buf = (size: number, usage: number, label: string) =>
      device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage, label });
    const uniform = buf(this.params.byteLength, UNIFORM | COPY_DST, 'obs params');
    const s = buf(this.sizes.s * 4, STORAGE | COPY_DST, 'obs state');
    const r = buf(this.sizes.r * 4, STORAGE | COPY_DST, 'obs reference');
    const i = buf(this.sizes.i * 4, STORAGE | COPY_DST, 'obs inputs');
    const na = ctx.policyJoints.length;
    const table = new Uint32Array(na + this.entries.length * ENTRY_WORDS);
    table.set(ctx.policyJoints, 0);
    const f32 = new Float32Array(1),
      u32 = new Uint32Array(f32.buffer);
    const bits = (v: number) => ((f32[0] = v), u32[0]);
    const scales = new Float32Array(this.rawSize);
    this.entries.forEach((e, k) => {
      const c = e.clip;
      table.set(
        [e.term.id, e.history, e.dim, e.offset, e.rawOffset, c ? 1 : 0, c ? bits(c[0]) : 0, c ? bits(c[1]) : 0],
        na + k * ENTRY_WORDS,
      );
      scales.set(e.scale, e.rawOffset);
    });
    const t = buf(table.byteLength, STORAGE | COPY_DST, 'obs table');
    write(device.queue, t, 0, table);
    write(device.queue, i, 0, ctx.defaultJointPos);
    write(device.queue, i, na * 4, scales);
    const flags = buf(ctx.n * 4, STORAGE | COPY_DST, 'obs reset flags');
    const hist = buf(bytes, STORAGE, 'obs history');
    const obs = buf(bytes, STORAGE | COPY_SRC | COPY_DST, 'observations');
    const readback = buf(bytes, MAP_READ | COPY_DST, 'obs readback');
    const bind = device.createBindGroup({
      layout: bindLayout,
      entries: [uniform, s, r, i, t, flags, hist, obs].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    this.device = device;
    this.res = { pipelines, bind, uniform, flags, obs, readback, s, r, i, all: [uniform, s, r, i, t, flags, hist, obs, readback] };
    void device.lost.then((lost) => this.lost(device, lost));
  }

  private lost(device: GPUDevice, info: GPUDeviceLostInfo): void {
    if (this.destroyed || device !== this.device) return;
    this.res = null;
    this.onLost?.(`${info.reason}: ${info.message}`);
    const rebuild = (async () => {
      const next = await (this.opts.recreateDevice ?? defaultDevice)();
      await this.init(next);
      this.reset();
      this.onRestored?.(next);
    })();
    rebuild.catch(() => undefined); // a failed rebuild rejects `ready` for whoever awaits it, never unhandled
    this.ready = rebuild;
  }

  private need(): Resources {
    if (!this.res) {
      throw new MimicError(
        'GpuError',
        '<webgpu>',
        'GpuObservationBuilder',
        this.destroyed ? 'builder destroyed' : 'device lost; rebuilding (await builder.ready)',
      );
    }
    return this.res;
  }

  /** Copy the arrays the layout reads (state, reference, last action, skill) into the GPU buffers. */
  upload(): void {
    const res = this.need(),
      q = this.device.queue;
    for (const u of this.uploads) write(q, res[u.buffer], u.offset * 4, u.src());
  }

  /** The observation buffer ([n × size] f32), null while the device is lost. */
  get output(): GPUBuffer | null {
    return this.res?.obs ?? null;
  }

  /** Forget the history of one env (or all): the next build fills it with that build's value. */
  reset(env?: number): void {
    if (env === undefined) this.fresh.fill(1);
    else this.fresh[env] = 1;
    this.freshDirty = true;
  }

  /** Dispatch the kernel; returns the observation buffer ([n × size] f32, STORAGE | COPY_SRC). */
  build(): GPUBuffer {
    const res = this.need(),
      q = this.device.queue;
    this.params[8] = this.step;
    write(q, res.uniform, 0, this.params);
    if (this.freshDirty) write(q, res.flags, 0, this.fresh);
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setBindGroup(0, res.bind);
    this.entries.forEach((e, k) => {
      const groups = Math.ceil((this.ctx.n * e.dim) / WORKGROUP);
      if (groups === 0) return;
      const gx = Math.min(groups, 65535),
        gy = Math.ceil(groups / gx);
      pass.setPipeline(res.pipelines[k]);
      pass.dispatchWorkgroups(gx, gy);
    });
    pass.end();
    q.submit([enc.finish()]);
    if (this.freshDirty) {
      this.fresh.fill(0);
      write(q, res.flags, 0, this.fresh);
      this.freshDirty = false;
    }
    this.step++;
    return res.obs;
  }

  /** Read the last built observations back ([n × size]); into `out` when given. */
  read(out?: Float32Array): Promise<Float32Array> {
    const next = this.reading.then(async () => {
      const res = this.need(),
        bytes = this.ctx.n * this.size * 4;
      const enc = this.device.createCommandEncoder();
      enc.copyBufferToBuffer(res.obs, 0, res.readback, 0, bytes);
      this.device.queue.submit([enc.finish()]);
      await res.readback.mapAsync(MAP_READ, 0, bytes);
      const dst = out ?? new Float32Array(this.ctx.n * this.size);
      dst.set(new Float32Array(res.readback.getMappedRange(0, bytes)));
      res.readback.unmap();
      return dst;
    });
    this.reading = next.catch(() => undefined);
    return next;
  }

  /** Release the GPU buffers (the device belongs to the caller). */
  destroy(): void {
    this.destroyed = true;
    this.res?.all.forEach((b) => b.destroy());
    this.res = null;
  }
}
