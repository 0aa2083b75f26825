/**
 * The simulation loop: real time, independent of the frame rate (fixed-step accumulator at the control rate,
 * catch-up capped), a live reference (timeline or blend) — or the driver's own (a policy carrying its
 * reference) — one of three drivers, tracking metrics (the evaluation's metric functions).
 * A new driver that fails its first control step is dropped and the previous one keeps running.
 */
import type { RobotModel } from '../core/model/types';
import type { PhysicsEngine } from '../core/physics/types';
import type { ReferenceFrame } from '../core/motion/types';
import type { DriverKind } from '../core/motion/timeline';
import { robotCom } from '../core/model/fk';
import { frameOnTerrain } from '../core/physics/terrain-reference';
import { bodyPosError } from '../core/evaluation/metrics';
import { baseVelocity } from '../core/evaluation/ends';
import { ballSpans, jointErrors, type BallSpan } from '../core/evaluation/joint-error';
import { LiveReference, type PoseSampler } from './live-reference';
import { PolicyDriverBase, ReplayDriver, type Driver, type OwnReference } from './drivers';
import type { EnvState } from '../core/physics/types';
import type { ObjectState } from '../core/physics/objects';
import type { DriverInfo } from './sim-worker/protocol';
import type { EngineInfo, SimView } from './sim-view';

/** wall time one animation frame may spend simulating, ms; what is left waits for the next frame */
export const BUDGET_MS = 120;
/** simulated time behind real time that is kept to catch up, s; more is dropped */
export const MAX_BACKLOG = 0.5;
export const HISTORY = 500;

export interface Metrics {
  t: number[];
  jointErr: number[];
  anchorErr: number[];
  torque: number[];
}

export class Sim implements SimView {
  readonly host = 'page' as const;
  model: RobotModel | null = null;
  private balls: BallSpan[] = []; // three-axis joints: geodesic joint error (issue 16)
  engine: PhysicsEngine | null = null;
  ref: LiveReference | null = null;
  driver: Driver = new ReplayDriver();
  /** the driver before the last change, kept until the new one has run a control step */
  private previous: Driver | null = null;
  step = 0;
  dt = 0.02;
  decimation = 4;
  acc = 0;
  busy = false;
  fallenFor = 0;
  /** how long the robot may stay fallen before it is put back on the reference, s (set per robot by the app) */
  fallenDelay = 1;
  /** the app's own choices about the physics, shown with the engine's model adjustments */
  appNotes: string[] = [];
  anchor = 0;
  readonly metrics: Metrics = { t: [], jointErr: [], anchorErr: [], torque: [] };
  /** drawn robot pose (physics state, or the reference in replay) */
  bodyPos = new Float32Array(0);
  bodyQuat = new Float32Array(0);
  jointPos = new Float32Array(0);
  rootPos = new Float32Array(3);
  com: number[] | null = null;
  /** the mouse push applied in the last physics step (body, force N world), null when none */
  lastPush: { body: number; force: number[] } | null = null;
  refFrame: ReferenceFrame | null = null;
  /** wall-clock bookkeeping for the real-time factor */
  private simAdvanced = 0;
  private wall = 0;
  rtf = 0;
  physicsMs = 0;
  onError: (e: unknown) => void = () => {};
  onFallen: () => void = () => {};
  /** steered locomotion (app/steer): the reference's end neither loops nor stops the robot (its last frame holds) */
  endless = false;
  /**
   * control steps that failed in a driver already replaced while the step was in flight (the new driver had reset
   * the robot under it): not the running driver's error, so not shown; counted for the hook
   */
  replacedFailures = 0;
  /** after each control step (the run recorder listens) */
  onStep: () => void = () => {};

  get time(): number {
    return this.step * this.dt;
  }

  setRobot(model: RobotModel, engine: PhysicsEngine | null): void {
    for (const d of [this.driver, this.previous])
      try {
        d?.dispose();
      } catch {
        /* bound to the old engine */
      }
    this.previous = null;
    this.driver = new ReplayDriver(); // until the app builds the driver for the new robot
    this.engine?.free();
    this.ref = null;
    this.step = 0;
    this.model = model;
    this.balls = ballSpans(model);
    this.engine = engine;
    const nb = model.bodies.length;
    this.bodyPos = new Float32Array(nb * 3);
    this.bodyQuat = new Float32Array(nb * 4);
    this.jointPos = new Float32Array(model.joints.length);
    this.anchor = model.bodyIndex.get('torso_link') ?? 0;
    this.clearMetrics();
  }

  /**
   * Swap the engine of the same robot (the simulation moves between the page and the worker): the drivers bound to
   * the old one are dropped (replay until the app builds one for the new); step, reference and metrics stay.
   */
  setEngine(engine: PhysicsEngine | null): void {
    for (const d of [this.driver, this.previous])
      try {
        d?.dispose();
      } catch {
        /* bound to the old engine */
      }
    this.previous = null;
    this.driver = new ReplayDriver();
    this.engine?.free();
    this.engine = engine;
    this.refresh();
  }

  setSource(sampler: PoseSampler, nSteps: number, name: string): void {
    if (!this.model) return;
    if (this.ref && this.ref.model === this.model) this.ref.setSampler(sampler, nSteps);
    else this.ref = new LiveReference(this.model, sampler, this.dt, nSteps, name);
    this.refresh();
  }

  /**
   * Switch driver live. From replay the robot is put on the reference; between physical drivers the robot
   * keeps its current state (no teleport): the new driver is reset, then the state is put back.
   */
  setDriver(d: Driver, carried: EnvState | null = null): void {
    const e = this.engine;
    const keep = e && this.driver.kind !== 'replay' && d.kind !== 'replay' && this.ref;
    const saved =
      carried && d.kind !== 'replay'
        ? carried
        : keep
          ? {
              rootPos: e.state.rootPos.slice(0, 3),
              rootQuat: e.state.rootQuat.slice(0, 4),
              rootLinVel: e.state.rootLinVel.slice(0, 3),
              rootAngVel: e.state.rootAngVel.slice(0, 3),
              jointPos: e.state.jointPos.slice(0, e.state.nj),
              jointVel: e.state.jointVel.slice(0, e.state.nj),
            }
          : null;
    this.previous?.dispose();
    // a physical driver is kept until the new one has run a control step (a failed change falls back to it)
    if (this.driver.kind === 'replay') {
      this.driver.dispose();
      this.previous = null;
    } else this.previous = this.driver;
    this.driver = d;
    this.driver.reset(this.step);
    if (e && saved) e.reset(0, saved);
    this.fallenFor = 0;
    this.refresh();
  }

  /** The new driver failed its first control step: drop it, the previous one runs on from where the robot is. */
  private fallBack(failed: Driver, e: unknown): void {
    const prev = this.previous!;
    this.previous = null;
    try {
      failed.dispose();
    } catch {
      /* already broken */
    }
    this.driver = prev;
    prev.resume?.();
    const why = e instanceof Error ? e.message : String(e);
    this.onError(
      new Error(`the new ${failed.kind} driver failed its first control step; the previous (${prev.kind}) driver keeps running: ${why}`),
    );
  }

  /** The reference being tracked: the driver's own, else the live one's. */
  private own(): OwnReference | null {
    return this.driver.ownReference?.() ?? null;
  }

  /** Control steps of the reference being tracked. */
  get nSteps(): number {
    return this.own()?.nSteps ?? this.ref?.nSteps ?? 0;
  }

  clearMetrics(): void {
    for (const k of ['t', 'jointErr', 'anchorErr', 'torque'] as const) this.metrics[k].length = 0;
  }

  /** jump to time t (scrub): the robot is put back on the reference */
  seek(t: number): void {
    this.step = Math.max(0, Math.round(t / this.dt));
    if (this.ref) this.step = Math.min(this.step, Math.max(0, this.nSteps - 1));
    this.acc = 0;
    this.driver.reset(this.step);
    this.clearMetrics();
    this.refresh();
  }

  /** one control step (also the "step" button) */
  async controlStep(loop: boolean): Promise<void> {
    if (!this.ref || !this.model) return;
    if (this.step + 1 >= this.nSteps && !this.endless) {
      if (!loop) return;
      this.step = 0;
      this.driver.reset(0);
      this.clearMetrics();
    }
    const t0 = performance.now();
    const d = this.driver;
    try {
      await d.step(this.step);
      if (this.previous && d === this.driver) {
        this.previous.dispose();
        this.previous = null;
      }
    } catch (e) {
      if (this.previous && d === this.driver) this.fallBack(d, e);
      else if (d !== this.driver)
        this.replacedFailures++; // replaced while its step was in flight: its step is discarded
      else {
        this.onError(e);
        this.driver.reset(this.step + 1);
      }
    }
    this.physicsMs = performance.now() - t0 - this.driver.latencyMs;
    this.step++;
    this.refresh();
    this.record();
    this.onStep();
  }

  /**
   * Advance by real time (s) × speed: whole control steps while they are due and the frame's budget (ms of wall
   * time) lasts; a backlog beyond `MAX_BACKLOG` s is dropped (the real-time factor shows it).
   */
  async tick(realDt: number, speed: number, loop: boolean, budgetMs = BUDGET_MS): Promise<number> {
    if (this.busy || !this.ref) return 0;
    this.busy = true;
    let n = 0;
    const t0 = performance.now();
    try {
      this.acc += Math.min(realDt, MAX_BACKLOG) * speed;
      while (this.acc >= this.dt && performance.now() - t0 < budgetMs) {
        this.acc -= this.dt;
        await this.controlStep(loop);
        n++;
      }
      this.acc = Math.min(this.acc, MAX_BACKLOG * speed);
      this.simAdvanced += n * this.dt;
      this.wall += realDt;
      if (this.wall > 0.5) {
        this.rtf = this.simAdvanced / this.wall / Math.max(speed, 1e-6);
        this.simAdvanced = 0;
        this.wall = 0;
      }
    } finally {
      this.busy = false;
    }
    return n;
  }

  advance(realDt: number, speed: number, loop: boolean, playing: boolean): Promise<number> {
    return playing ? this.tick(realDt, speed, loop) : Promise.resolve(0);
  }

  /** the page's simulation draws its last state as it is */
  prepareDraw(): void {}

  engineInfo(): EngineInfo | null {
    const e = this.engine;
    return e ? { name: e.name, dt: e.options.dt, adjustments: e.adjustments } : null;
  }

  /** recompute the drawn poses from the engine (or the reference) */
  refresh(): void {
    if (!this.ref || !this.model) return;
    this.refFrame = frameOnTerrain(this.ref.frame(this.step), this.model.bodies.length, this.engine?.options.terrain); // issue 16
    const f = this.refFrame;
    const e = this.engine;
    if (this.driver.kind === 'replay' || !e) {
      this.bodyPos.set(f.bodyPos);
      this.bodyQuat.set(f.bodyQuat);
      this.jointPos.set(f.jointPos);
      this.rootPos.set(f.rootPos);
    } else {
      const s = e.state;
      this.bodyPos.set(s.bodyPos.subarray(0, this.bodyPos.length));
      this.bodyQuat.set(s.bodyQuat.subarray(0, this.bodyQuat.length));
      this.jointPos.set(s.jointPos.subarray(0, this.jointPos.length));
      this.rootPos.set(s.rootPos.subarray(0, 3));
    }
    this.com = robotCom(this.model, this.bodyPos, this.bodyQuat);
  }

  /** The reference pose compared with the robot now: the driver's own (env 0) or the live frame. */
  private tracked(): {
    nj: number;
    nb: number;
    jointPos: Float32Array;
    rootPos: ArrayLike<number>;
    bodyPos: Float32Array;
    bodyQuat: Float32Array;
  } | null {
    const o = this.own(),
      m = this.model;
    if (!m) return null;
    const nj = m.joints.length,
      nb = m.bodies.length;
    if (o)
      return {
        nj,
        nb,
        jointPos: o.ref.jointPos.subarray(0, nj),
        rootPos: o.ref.rootPos.subarray(0, 3),
        bodyPos: o.ref.bodyPos.subarray(0, nb * 3),
        bodyQuat: o.ref.bodyQuat.subarray(0, nb * 4),
      };
    const f = this.refFrame;
    return f ? { nj, nb, jointPos: f.jointPos, rootPos: f.rootPos, bodyPos: f.bodyPos, bodyQuat: f.bodyQuat } : null;
  }

  private record(): void {
    const f = this.tracked();
    if (!f || !this.model) return;
    const nj = this.jointPos.length,
      all = this.allJoints();
    const d = jointErrors({ nj, nb: f.nb, jointPos: this.jointPos, bodyQuat: this.bodyQuat }, f, 0, all, this.balls, new Float64Array(nj));
    const je = d.reduce((a, x) => a + Math.abs(x), 0);
    const ae = bodyPosError({ nj, nb: f.nb, bodyPos: this.bodyPos, bodyQuat: this.bodyQuat }, f, 0, [this.anchor]);
    let tq = 0;
    if (this.engine && this.driver.kind !== 'replay') {
      const t = this.engine.state.jointTorque;
      for (let j = 0; j < nj; j++) tq += t[j] * t[j];
      tq = Math.sqrt(tq / nj);
    }
    const m = this.metrics;
    m.t.push(this.time);
    m.jointErr.push(je / nj);
    m.anchorErr.push(ae);
    m.torque.push(tq);
    if (m.t.length > HISTORY) for (const k of ['t', 'jointErr', 'anchorErr', 'torque'] as const) m[k].shift();
    // fallen: the root far below the reference for `fallenDelay` → back onto the reference; at once when the
    // root is below the floor (a robot whose shapes miss the ground sinks through it)
    if (this.driver.kind !== 'replay' && this.rootPos[2] < 0.55 * f.rootPos[2]) {
      this.fallenFor += this.dt;
      if (this.fallenFor > this.fallenDelay || this.rootPos[2] < 0.05) {
        this.fallenFor = 0;
        this.onFallen();
        this.driver.reset(this.step);
        this.refresh();
      }
    } else this.fallenFor = 0;
  }

  private allJointsCache: number[] = [];
  private allJoints(): number[] {
    const nj = this.jointPos.length;
    if (this.allJointsCache.length !== nj) this.allJointsCache = Array.from({ length: nj }, (_, j) => j);
    return this.allJointsCache;
  }

  /** the reference body poses for the ghost (FK of the current reference) */
  ghostPose(): { pos: Float32Array; quat: Float32Array } | null {
    const o = this.own(),
      nb = this.model?.bodies.length ?? 0;
    if (o) return { pos: o.ref.bodyPos.subarray(0, nb * 3), quat: o.ref.bodyQuat.subarray(0, nb * 4) };
    return this.refFrame ? { pos: this.refFrame.bodyPos, quat: this.refFrame.bodyQuat } : null;
  }

  driverKind(): DriverKind {
    return this.driver.kind;
  }

  /** What the page reads of the running driver (the worker sends the same). */
  driverInfo(): DriverInfo {
    const d = this.driver,
      c = d instanceof PolicyDriverBase ? d.ctrl : null;
    return {
      kind: d.kind,
      latencyMs: d.latencyMs,
      config: c?.config ?? null,
      startShift: c && c.start === 'ground' ? { dz: c.startShift[0], body: c.startShiftBody || null } : null,
      ownSteps: this.own()?.nSteps ?? null,
      skill: c && c.ctx.nSkills > 0 ? Array.from(c.ctx.skill.subarray(0, c.ctx.nSkills)) : [],
      obs: d instanceof PolicyDriverBase ? d.obsOn : d.kind === 'policy' ? 'cpu' : null,
      gpuSteps: d instanceof PolicyDriverBase ? d.gpuSteps : 0,
    };
  }

  /** The simulated robot's state (env 0), null when nothing is simulated (replay, no engine). */
  physical(): EnvState | null {
    const e = this.engine;
    if (!e || this.driver.kind === 'replay') return null;
    const s = e.state,
      nj = s.nj;
    return {
      rootPos: s.rootPos.slice(0, 3),
      rootQuat: s.rootQuat.slice(0, 4),
      rootLinVel: s.rootLinVel.slice(0, 3),
      rootAngVel: s.rootAngVel.slice(0, 3),
      jointPos: s.jointPos.slice(0, nj),
      jointVel: s.jointVel.slice(0, nj),
    };
  }

  /** the scene's objects in the engine, null without objects */
  objects(): ObjectState | null {
    return this.engine?.objects ?? null;
  }

  /** env 0's contact forces (physical drivers), else null */
  contactForce(): Float32Array | null {
    return this.engine && this.driver.kind !== 'replay' ? this.engine.state.contactForce : null;
  }

  baseVelocity(): [number, number, number] | null {
    return this.engine && this.driver.kind !== 'replay' ? baseVelocity(this.engine.state, 0) : null;
  }

  /** env 0's simulated root orientation (physical drivers), else null */
  physicsRootQuat(): Float32Array | null {
    return this.engine && this.driver.kind !== 'replay' ? this.engine.state.rootQuat.subarray(0, 4) : null;
  }
}
