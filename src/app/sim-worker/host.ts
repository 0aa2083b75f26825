/**
 * The simulation as the worker runs it: the app's own `Sim` with its drivers (the same classes the page uses when it
 * simulates itself), fed by plain-data messages (protocol.ts) and paced by the worker's clock, not by animation
 * frames. After every tick that ran control steps it posts a snapshot; the page draws from the latest two.
 * It owns the observation backend of the policies it runs (the start-up probe, the one GPUDevice shared by the
 * WebGPU observation builder and onnxruntime's WebGPU EP) and posts their status lines to the page.
 * DOM-free: it runs in a Web Worker and, for the tests, in Node.
 */
import { createEngine } from '../../core/physics/index';
import { errorToData } from '../../core/errors';
import { sampleTimeline } from '../../core/motion/timeline';
import { sampleBlend } from '../../core/motion/blend';
import { Sim } from '../sim';
import { RunRecorder } from '../record/run';
import { buildSkillDriver, skillInfo } from '../skills/timeline-skills';
import { buildBlendDriver, updateBlendWeights } from '../skills/blend-driver';
import { SkillTimelineDriver } from '../skills/skill-driver';
import { LiveCommand, type PolicyBytes } from '../skills/plan';
import { BuiltinDriver, PolicyDriverBase, ReplayDriver, type Driver } from '../drivers';
import { ObsBackend } from '../obs-backend';
import { obsPolicyDriver } from '../obs-policy';
import type { PhysicsEngine } from '../../core/physics/types';
import type { ObjectState } from '../../core/physics/objects';
import type { LiveReference } from '../live-reference';
import * as ort from 'onnxruntime-web';
import { warmOrt } from '../../core/policy/identity-model';
import type { DriverSpec, FromWorker, PushSpec, Snapshot, SourceSpec, ToWorker } from './protocol';

/** the worker's tick, ms: short enough that a 50 Hz policy's steps are taken on time */
export const TICK_MS = 4;
/** the most wall time one tick simulates, ms: a message (pause, seek, push) waits no longer than this and a step */
const TICK_BUDGET_MS = 16;

export class SimHost {
  readonly sim = new Sim();
  /** the observation backend of the policies run here: probe, decision, the one GPUDevice */
  readonly obs = new ObsBackend();
  private readonly run = new RunRecorder(this.sim);
  private playing = false;
  private speed = 1;
  private loop = true;
  private push: PushSpec | null = null;
  private command: [number, number, number] | null = null;
  /** what 'live' command skills follow: the steering command sent last */
  private readonly live = new LiveCommand();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = 0;
  /** the simulated time of the last metric sent (the series is cleared on a seek or loop, and keeps its last 500) */
  private sentT = -Infinity;
  private cleared = true;
  /** seeks handled (sent in each snapshot) */
  private seeks = 0;
  /** messages are handled one at a time, in order (a driver build awaits its ONNX session) */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly post: (m: FromWorker, transfer?: Transferable[]) => void) {
    const sim = this.sim;
    this.live.provider = () => this.command ?? [0, 0, 0];
    sim.onError = (e) => post({ type: 'error', error: errorToData(e) });
    sim.onFallen = () => post({ type: 'fallen', time: sim.time });
    sim.onStep = () => {
      try {
        this.run.onStep();
      } catch (e) {
        post({ type: 'error', error: errorToData(e) });
      }
    };
    const clear = sim.clearMetrics.bind(sim);
    sim.clearMetrics = () => {
      clear();
      this.sentT = -Infinity;
      this.cleared = true;
    };
  }

  /** Handle one message (after the ones before it; the observation backend's at once). */
  receive(m: ToWorker): Promise<void> {
    if (m.type === 'obs' || m.type === 'lose-gpu') return this.answerObs(m);
    return this.enqueue(() => this.handle(m));
  }

  /**
   * The observation backend's questions, answered beside the queue: the start-up probe (seconds on a software
   * adapter) must not hold the simulation, nor wait for a driver build.
   */
  private async answerObs(m: Extract<ToWorker, { type: 'obs' | 'lose-gpu' }>): Promise<void> {
    try {
      const extra = m.type === 'obs' ? { decision: await this.obs.decide(m.mode) } : { lost: this.obs.loseDeviceForTesting() };
      this.post({ type: 'reply', id: m.id, error: null, ...extra });
    } catch (e) {
      this.post({ type: 'reply', id: m.id, error: errorToData(e) });
    }
  }

  /** run `fn` after what is queued; an error is reported and the queue goes on (one bad message stops nothing) */
  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn).catch((e: unknown) => this.post({ type: 'error', error: errorToData(e) }));
    return this.queue;
  }

  private async handle(m: ToWorker): Promise<void> {
    const sim = this.sim;
    switch (m.type) {
      case 'run':
        this.playing = m.playing;
        this.speed = m.speed;
        this.loop = m.loop;
        this.schedule();
        return;
      case 'seek':
        this.seeks++;
        sim.seek(m.t);
        return this.snapshot();
      case 'step':
        await sim.controlStep(m.loop);
        return this.snapshot();
      case 'assist':
        if (sim.driver instanceof BuiltinDriver) sim.driver.assist = m.value;
        return;
      case 'push':
        this.push = m.push;
        return;
      case 'command':
        this.command = m.command;
        this.steer(sim.driver);
        return;
      case 'layers':
        updateBlendWeights(sim.driver, m.layers);
        return;
      case 'skill': {
        const d = sim.driver;
        if (d instanceof SkillTimelineDriver) d.switchLive(m.index ?? d.currentIndex() + (m.by ?? 0));
        return;
      }
      default:
        return this.request(m);
    }
  }

  /** The messages that are answered (those with an id): their error goes back in the reply. */
  private async request(m: Extract<ToWorker, { id: number }>): Promise<void> {
    // the snapshot first: when the page's request settles, what it reads is the state after it
    try {
      const extra = await this.apply(m);
      this.snapshot();
      this.post({ type: 'reply', id: m.id, error: null, ...extra });
    } catch (e) {
      this.snapshot();
      this.post({ type: 'reply', id: m.id, error: errorToData(e) });
    }
  }

  private async apply(m: Extract<ToWorker, { id: number }>): Promise<Partial<Extract<FromWorker, { type: 'reply' }>>> {
    const sim = this.sim;
    if (m.type === 'robot') {
      const engine = await createEngine('rapier', m.model, m.options);
      sim.setRobot(m.model, engine);
      sim.fallenDelay = m.fallenDelay;
      sim.appNotes = m.appNotes;
      return { adjustments: engine.adjustments };
    }
    if (m.type === 'source') {
      sim.dt = m.dt;
      sim.decimation = m.decimation;
      sim.setSource(samplerOf(m.source), m.source.nSteps, m.source.name);
      return {};
    }
    if (m.type === 'driver') {
      sim.dt = m.dt;
      sim.decimation = m.decimation;
      const d = await this.build(m.driver);
      if (m.handover) sim.step = m.handover.step;
      sim.setDriver(d, m.handover?.state ?? null);
      sim.clearMetrics();
      return {};
    }
    if (m.type === 'skill-condition') {
      const d = sim.driver;
      if (d instanceof PolicyDriverBase) d.ctrl.setSkill(0, m.skill);
      return {};
    }
    if (m.type === 'record') {
      if (m.on) this.run.start();
      return m.on ? {} : { files: this.run.stop() };
    }
    if (m.type === 'warm') {
      await warmOrt(ort);
      return {};
    }
    const handover = { step: sim.step, state: sim.physical() };
    this.playing = false;
    sim.setEngine(null); // the drivers bound to it dropped, then freed
    return { handover };
  }

  private async build(spec: DriverSpec): Promise<Driver> {
    const sim = this.sim,
      engine = sim.engine,
      ref = sim.ref;
    if (spec.kind === 'replay') return new ReplayDriver();
    if (!engine || !ref) throw new Error('the worker has no robot or reference yet');
    const d = await this.make(spec, engine, ref);
    if (d instanceof PolicyDriverBase && spec.kind === 'policy') d.ctrl.start = spec.start;
    this.steer(d);
    d.push = (e) => {
      const p = this.push;
      sim.lastPush = p ? { body: p.body, force: p.force } : null;
      if (p) e.applyForce(0, p.body, p.force, p.point);
    };
    return d;
  }

  private make(spec: Exclude<DriverSpec, { kind: 'replay' }>, engine: PhysicsEngine, ref: LiveReference) {
    const sim = this.sim;
    if (spec.kind === 'builtin') return new BuiltinDriver(engine, ref, sim.decimation, spec.assist);
    if (spec.kind === 'policy') return this.policy(spec, engine, ref);
    const configOf = (id: string): PolicyBytes => {
      const p = spec.policies[id];
      if (!p) throw new Error(`policy ${id} was not sent to the simulation worker`);
      return { ...p, live: this.live };
    };
    if (spec.kind === 'skills')
      return buildSkillDriver(engine, spec.timeline, sim.dt, configOf, spec.policyId, () => sim.ref?.nSteps ?? 0, spec.takeOver);
    const clipOf = (id: string) => {
      const c = spec.clips[id];
      if (!c) throw new Error(`clip ${id} was not sent to the simulation worker`);
      return c;
    };
    return buildBlendDriver(engine, spec.layers, configOf, clipOf, spec.takeOver);
  }

  /** The ONNX policy on the backend the worker's probe decides for the mode; its status lines go to the page. */
  private async policy(
    spec: Extract<DriverSpec, { kind: 'policy' }>,
    engine: PhysicsEngine,
    ref: LiveReference,
  ): Promise<PolicyDriverBase> {
    const inputs = { engine, ref, config: spec.config, bytes: spec.bytes, file: spec.file };
    return obsPolicyDriver(this.obs, inputs, await this.obs.decide(spec.obs), (status) => this.post({ type: 'status', status }));
  }

  /** the steering command into a policy driver (its next control step reads it); endless while steered */
  private steer(d: Driver): void {
    this.sim.endless = !!this.command;
    if (this.command && d instanceof PolicyDriverBase) d.ctrl.ctx.command.set(this.command, 0);
  }

  private schedule(): void {
    if (!this.playing || this.timer !== null || !this.sim.engine) return; // released: nothing to simulate
    this.last = performance.now();
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }

  /** One tick of the worker's clock: the control steps due since the last (real time × speed), then a snapshot. */
  private tick(): void {
    this.timer = null;
    if (!this.playing) return;
    const now = performance.now(),
      dt = (now - this.last) / 1000;
    this.last = now;
    void this.enqueue(async () => {
      const n = await this.sim.tick(dt, this.speed, this.loop, TICK_BUDGET_MS);
      if (n) this.snapshot();
    }).finally(() => {
      if (this.playing && this.timer === null) {
        const spent = performance.now() - now;
        this.last = now;
        this.timer = setTimeout(() => this.tick(), Math.max(0, TICK_MS - spent));
      }
    });
  }

  /** Post the state after the last control step. */
  snapshot(): void {
    const sim = this.sim,
      m = sim.metrics;
    if (!sim.model) return;
    let from = m.t.length;
    while (from > 0 && m.t[from - 1] > this.sentT) from--;
    this.sentT = m.t.at(-1) ?? -Infinity;
    const g = sim.ghostPose();
    const s: Snapshot = {
      seeks: this.seeks,
      step: sim.step,
      nSteps: sim.nSteps,
      bodyPos: sim.bodyPos.slice(),
      bodyQuat: sim.bodyQuat.slice(),
      jointPos: sim.jointPos.slice(),
      rootPos: sim.rootPos.slice(),
      com: sim.com,
      refFrame: sim.refFrame,
      ghost: g ? { pos: g.pos.slice(), quat: g.quat.slice() } : null,
      contactForce: sim.contactForce()?.slice() ?? null,
      baseVelocity: sim.baseVelocity(),
      objects: objectsOf(sim.objects()),
      state: sim.physical(),
      metrics: { t: m.t.slice(from), jointErr: m.jointErr.slice(from), anchorErr: m.anchorErr.slice(from), torque: m.torque.slice(from) },
      metricsCleared: this.cleared,
      rtf: sim.rtf,
      physicsMs: sim.physicsMs,
      lastPush: sim.lastPush,
      replacedFailures: sim.replacedFailures,
      driver: sim.driverInfo(),
      recordedSteps: this.run.active ? this.run.steps : null,
      skills: skillInfo(sim.driver),
    };
    this.cleared = false;
    this.post({ type: 'snapshot', snapshot: s }, [s.bodyPos.buffer, s.bodyQuat.buffer, s.jointPos.buffer]);
  }
}

/** env 0's objects, copied (the snapshot is posted) */
function objectsOf(o: ObjectState | null): ObjectState | null {
  if (!o) return null;
  const k = o.nk;
  return {
    n: 1,
    nk: k,
    nb: o.nb,
    names: o.names,
    pos: o.pos.slice(0, k * 3),
    quat: o.quat.slice(0, k * 4),
    linVel: o.linVel.slice(0, k * 3),
    angVel: o.angVel.slice(0, k * 3),
    contact: o.contact.slice(0, k * o.nb),
  };
}

function samplerOf(src: SourceSpec): (t: number, out: Parameters<typeof sampleBlend>[2]) => void {
  if (src.kind === 'blend') {
    const b = src.blend;
    return (t, out) => sampleBlend(b, t, out);
  }
  const tl = src.timeline;
  return (t, out) => void sampleTimeline(tl, t, out);
}
