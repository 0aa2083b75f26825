/**
 * The page's side of the simulation worker: it sends the robot, the reference source and the driver as plain data
 * (protocol.ts), tells the worker to play, pause, seek or step, asks its observation backend (probe, decision, a
 * device loss for the tests), passes on its status lines, and keeps the worker's last two snapshots. A draw
 * shows the robot between them (positions linear, orientations normalised-linear), one snapshot behind, so a page
 * that draws at any rate shows smooth motion while the worker keeps real time on its own thread.
 */
import type { RobotModel } from '../../core/model/types';
import type { PhysicsOptions } from '../../core/physics/types';
import type { DriverKind } from '../../core/motion/timeline';
import type { ReferenceFrame } from '../../core/motion/types';
import type { Metrics } from '../sim';
import { errorFromData } from '../../core/errors';
import { HISTORY } from '../sim';
import type { EngineInfo, SimView } from '../sim-view';
import type { DriverInfo, DriverSpec, FromWorker, Handover, PushSpec, SkillInfo, Snapshot, SourceSpec, ToWorker } from './protocol';
import type { LayerSpec, ObsMode } from '../store';
import type { Decision } from '../obs-backend';
import type { ObsStatus } from '../obs-policy';
import type { ObjectState } from '../../core/physics/objects';

/** what the page needs of a Worker (a real one in the app; the tests may give the host's own channel) */
export interface WorkerPort {
  postMessage(m: ToWorker, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<FromWorker>) => void) | null;
  /** the worker failed (its script did not load, it crashed) */
  onerror?: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

type Reply = Extract<FromWorker, { type: 'reply' }>;
/** a request without its id (distributes over the union) */
type Request = Extract<ToWorker, { id: number }> extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const NO_DRIVER: DriverInfo = {
  kind: 'replay',
  latencyMs: 0,
  config: null,
  startShift: null,
  ownSteps: null,
  skill: [],
  obs: null,
  gpuSteps: 0,
};

export class RemoteSim implements SimView {
  readonly host = 'worker' as const;
  model: RobotModel | null = null;
  dt = 0.02;
  decimation = 4;
  step = 0;
  nSteps = 0;
  bodyPos = new Float32Array(0);
  bodyQuat = new Float32Array(0);
  jointPos: Float32Array = new Float32Array(0);
  rootPos: Float32Array = new Float32Array(3);
  com: number[] | null = null;
  refFrame: ReferenceFrame | null = null;
  rtf = 0;
  physicsMs = 0;
  lastPush: { body: number; force: number[] } | null = null;
  replacedFailures = 0;
  appNotes: string[] = [];
  readonly busy = false;
  onError: (e: Error) => void = () => {};
  onFallen: (time: number) => void = () => {};
  /** the worker failed: the page takes over from its last snapshot */
  onLost: (why: string) => void = () => {};
  /** the worker failed (lost): nothing is sent to it any more */
  dead = false;
  /** the worker's observation path changed the status line (obs-policy.ts) */
  onStatus: (s: ObsStatus) => void = () => {};
  /** after each snapshot taken (the Record button's label) */
  onSnapshot: () => void = () => {};
  /** snapshots received so far (the tests read it) */
  snapshots = 0;
  private engine: EngineInfo | null = null;
  private prev: { at: number; s: Snapshot } | null = null;
  private last: { at: number; s: Snapshot } | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  private run = { playing: false, speed: 1, loop: true };
  /** the engine was handed back (release): nothing runs here until the next robot */
  private released = false;
  /** seeks sent to the worker */
  private seeksSent = 0;
  /** the worker has been told the current play / speed / loop */
  private told = false;

  constructor(
    private readonly port: WorkerPort,
    readonly metrics: Metrics,
  ) {
    port.onmessage = (ev) => this.receive(ev.data);
    port.onerror = (ev) => {
      ev.preventDefault();
      this.lost(ev.message || 'the simulation worker failed');
    };
  }

  /** the worker is gone: every request waiting fails with `why`, and the page is told (onLost) */
  lost(why: string): void {
    if (this.dead) return;
    this.dead = true;
    this.port.terminate();
    for (const done of this.waiting.values()) done({ type: 'reply', id: 0, error: { message: `the simulation worker stopped: ${why}` } });
    this.waiting.clear();
    this.onLost(why);
  }

  get time(): number {
    return this.step * this.dt;
  }

  private receive(m: FromWorker): void {
    if (m.type === 'snapshot') return this.take(m.snapshot);
    if (m.type === 'reply') {
      this.waiting.get(m.id)?.(m);
      this.waiting.delete(m.id);
    } else if (m.type === 'error') this.onError(errorFromData(m.error));
    else if (m.type === 'status') this.onStatus(m.status);
    else this.onFallen(m.time);
  }

  /** send a request and wait for its reply (its error thrown here, named as in the worker) */
  private request(m: Request, transfer?: Transferable[]): Promise<Reply> {
    const id = this.nextId++;
    if (this.dead) return Promise.reject(new Error('the simulation worker stopped'));
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, (r) => (r.error ? reject(errorFromData(r.error)) : resolve(r)));
      this.port.postMessage({ ...m, id }, transfer);
    });
  }

  async setRobot(model: RobotModel, options: Partial<PhysicsOptions>, fallenDelay: number, appNotes: string[]): Promise<void> {
    const r = await this.request({ type: 'robot', model, options, fallenDelay, appNotes });
    this.released = false;
    this.told = false; // play / speed / loop told again at the next frame
    this.model = model;
    this.appNotes = appNotes;
    this.engine = { name: 'rapier', dt: options.dt ?? 0.005, adjustments: r.adjustments ?? [] };
    this.prev = this.last = null;
  }

  async setSource(source: SourceSpec, dt: number, decimation: number): Promise<void> {
    this.dt = dt;
    this.decimation = decimation;
    await this.request({ type: 'source', source, dt, decimation });
  }

  async setDriver(driver: DriverSpec, handover: Handover | null): Promise<void> {
    await this.request({ type: 'driver', driver, dt: this.dt, decimation: this.decimation, handover });
  }

  /** stop the worker's simulation and free its engine; the robot's state comes back (to go on on the page) */
  async release(): Promise<Handover> {
    this.released = true; // the frame loop's play no longer reaches the worker
    const r = await this.request({ type: 'release' });
    this.engine = null;
    return r.handover ?? { step: this.step, state: null };
  }

  /** start recording the run in the worker (record/run.ts) */
  async recordStart(): Promise<void> {
    await this.request({ type: 'record', on: true });
  }

  /** stop recording: the files (CSV, NPZ, JSON) */
  async recordStop(): Promise<Record<string, Uint8Array>> {
    return (await this.request({ type: 'record', on: false })).files ?? {};
  }

  /** control steps recorded so far, null when not recording */
  recordedSteps(): number | null {
    return this.last?.s.recordedSteps ?? null;
  }

  /** onnxruntime compiled in the worker now (a policy is coming) */
  async warm(): Promise<void> {
    await this.request({ type: 'warm' });
  }

  /** the worker's observation backend for a mode (its start-up probe first, once) */
  async obsDecide(mode: ObsMode): Promise<Decision> {
    const r = await this.request({ type: 'obs', mode });
    if (!r.decision) throw new Error('the simulation worker gave no observation backend');
    return r.decision;
  }

  /** debugging aid: the worker's GPUDevice destroyed as a device loss would; false when it has none */
  async loseGpuDevice(): Promise<boolean> {
    return (await this.request({ type: 'lose-gpu' })).lost ?? false;
  }

  setAssist(value: number): void {
    this.port.postMessage({ type: 'assist', value });
  }

  setPush(push: PushSpec | null): void {
    this.port.postMessage({ type: 'push', push });
  }

  advance(_realDt: number, speed: number, loop: boolean, playing: boolean): Promise<number> {
    const r = this.run;
    if (this.released) return Promise.resolve(0);
    if (!this.told || r.playing !== playing || r.speed !== speed || r.loop !== loop) {
      this.told = true;
      this.run = { playing, speed, loop };
      this.port.postMessage({ type: 'run', playing, speed, loop });
    }
    return Promise.resolve(0);
  }

  /** Jump to time t: the transport shows it at once (as the page's Sim would), the worker's snapshot follows. */
  seek(t: number): void {
    let step = Math.max(0, Math.round(t / this.dt));
    if (this.nSteps > 0) step = Math.min(step, this.nSteps - 1);
    this.step = step;
    this.prev = null;
    this.seeksSent++;
    this.port.postMessage({ type: 'seek', t });
  }

  controlStep(loop: boolean): Promise<void> {
    this.port.postMessage({ type: 'step', loop });
    return Promise.resolve();
  }

  private take(s: Snapshot): void {
    if (s.seeks < this.seeksSent) return; // taken before the last seek: its time and pose are no longer the robot's
    this.snapshots++;
    const now = performance.now();
    this.prev = this.last && !s.metricsCleared && s.step > this.last.s.step ? this.last : null;
    this.last = { at: now, s };
    this.step = s.step;
    this.nSteps = s.nSteps;
    this.jointPos = s.jointPos;
    this.rootPos = s.rootPos;
    this.com = s.com;
    this.refFrame = s.refFrame;
    this.rtf = s.rtf;
    this.physicsMs = s.physicsMs;
    this.lastPush = s.lastPush;
    this.replacedFailures = s.replacedFailures;
    this.appendMetrics(s);
    if (this.bodyPos.length !== s.bodyPos.length) {
      this.bodyPos = new Float32Array(s.bodyPos.length);
      this.bodyQuat = new Float32Array(s.bodyQuat.length);
    }
    if (!this.prev) this.prepareDraw(now);
    this.onSnapshot();
  }

  private appendMetrics(s: Snapshot): void {
    const m = this.metrics,
      keys = ['t', 'jointErr', 'anchorErr', 'torque'] as const;
    if (s.metricsCleared) for (const k of keys) m[k].length = 0;
    for (const k of keys) m[k].push(...s.metrics[k]);
    const over = m.t.length - HISTORY;
    if (over > 0) for (const k of keys) m[k].splice(0, over);
  }

  /**
   * The drawn pose at `now`: from the previous snapshot to the last over the time between them, starting when the
   * last arrived (one snapshot behind: a draw never shows a pose the worker has not reached).
   */
  prepareDraw(now: number): void {
    const b = this.last,
      a = this.prev;
    if (!b) return;
    if (!a || b.at <= a.at) {
      this.bodyPos.set(b.s.bodyPos);
      this.bodyQuat.set(b.s.bodyQuat);
      return;
    }
    const w = Math.min(1, Math.max(0, (now - b.at) / (b.at - a.at)));
    lerpPoses(a.s, b.s, w, this.bodyPos, this.bodyQuat);
  }

  ghostPose(): { pos: Float32Array; quat: Float32Array } | null {
    return this.last?.s.ghost ?? null;
  }

  driverKind(): DriverKind {
    return this.driverInfo().kind;
  }

  driverInfo(): DriverInfo {
    return this.last?.s.driver ?? NO_DRIVER;
  }

  contactForce(): Float32Array | null {
    return this.last?.s.contactForce ?? null;
  }

  baseVelocity(): [number, number, number] | null {
    return this.last?.s.baseVelocity ?? null;
  }

  /** the skill timeline driving in the worker (null: none) */
  skills(): SkillInfo {
    return this.last?.s.skills ?? null;
  }

  /** the blend's weights and masks (live, smoothed there) */
  setLayers(layers: LayerSpec[]): void {
    this.port.postMessage({ type: 'layers', layers });
  }

  /** hand the robot to skill `index` (or `by` places on); its name as the last snapshot knows it, null: no skills */
  switchSkill(to: { index?: number; by?: number }): string | null {
    const s = this.skills();
    if (!s) return null;
    this.port.postMessage({ type: 'skill', ...to });
    const n = s.names.length,
      k = to.index ?? s.current + (to.by ?? 0);
    return s.names[((k % n) + n) % n] ?? null;
  }

  setCommand(command: [number, number, number] | null): void {
    this.port.postMessage({ type: 'command', command });
  }

  objects(): ObjectState | null {
    return this.last?.s.objects ?? null;
  }

  /** the running skill-conditioned policy's skill (its PolicyError when out of range) */
  async setSkillCondition(skill: number): Promise<void> {
    await this.request({ type: 'skill-condition', skill });
  }

  physicsRootQuat(): Float32Array | null {
    const q = this.last?.s.state?.rootQuat;
    return q ? Float32Array.from(q) : null;
  }

  engineInfo(): EngineInfo | null {
    return this.engine;
  }

  /** the worker's last whole state (for a change of host without a reply: the worker is gone) */
  lastHandover(): Handover {
    return { step: this.step, state: this.last?.s.state ?? null };
  }
}

/** Poses between two snapshots: positions linear, quaternions normalised-linear along the shorter arc. */
export function lerpPoses(a: Snapshot, b: Snapshot, w: number, pos: Float32Array, quat: Float32Array): void {
  for (let i = 0; i < pos.length; i++) pos[i] = a.bodyPos[i] + w * (b.bodyPos[i] - a.bodyPos[i]);
  for (let i = 0; i < quat.length; i += 4) {
    const s =
      a.bodyQuat[i] * b.bodyQuat[i] +
        a.bodyQuat[i + 1] * b.bodyQuat[i + 1] +
        a.bodyQuat[i + 2] * b.bodyQuat[i + 2] +
        a.bodyQuat[i + 3] * b.bodyQuat[i + 3] <
      0
        ? -1
        : 1;
    let n = 0;
    for (let k = 0; k < 4; k++) {
      quat[i + k] = (1 - w) * a.bodyQuat[i + k] + w * s * b.bodyQuat[i + k];
      n += quat[i + k] * quat[i + k];
    }
    n = Math.sqrt(n) || 1;
    for (let k = 0; k < 4; k++) quat[i + k] /= n;
  }
}
