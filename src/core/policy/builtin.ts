/**
 * The built-in controller: the default driver when no policy is loaded. PD targets are the reference joint
 * angles; gains follow the armature rule (kp = a·(2π·10)², kd = 2·2·a·(2π·10)) with a = the joint's armature,
 * else the shipped G1 motor figures (policies/builtin-controller.json), else a fallback. An optional assistive
 * wrench about the root (pelvis) pulls it toward the reference root pose: PD on position and orientation, scaled
 * by `assist` ∈ [0, 1], plus the robot's weight at 1 (spread over the links by mass, see applyAssist). Honest: with assist 0 this is plain joint tracking of a
 * kinematic clip without balance, and the robot may fall.
 */
import { fail } from '../errors';
import { qConj, qLog, qMul, qRotate, vAdd, vCross, vSub } from '../math';
import type { RobotModel } from '../model/types';
import { createBatchState, envState, type BatchState, type PhysicsEngine } from '../physics/types';
import settingsJson from '../../../policies/builtin-controller.json';
import { valuesByName } from './conventions';
import type { ReferenceSource } from './refio';

export interface AssistSettings {
  default: number;
  positionHz: number;
  orientationHz: number;
  dampingRatio: number;
  gravityCompensation: boolean;
}

export const builtinSettings = settingsJson as {
  name: string;
  gains: { rule: 'armature'; naturalFreqHz: number; dampingRatio: number };
  armature: Record<string, number>;
  fallbackArmature: number;
  assist: AssistSettings;
};

/** Gains of the built-in controller in model joint order, and the armature they came from. */
export function builtinGains(model: RobotModel, settings = builtinSettings): { kp: number[]; kd: number[]; armature: number[] } {
  const names = model.joints.map((j) => j.name);
  const armature = valuesByName(
    settings.armature,
    names,
    'policies/builtin-controller.json',
    'armature',
    () => settings.fallbackArmature,
  ).map((a, j) => (model.joints[j].armature > 0 ? model.joints[j].armature : a));
  const w = 2 * Math.PI * settings.gains.naturalFreqHz;
  return {
    armature,
    kp: armature.map((a) => a * w * w),
    kd: armature.map((a) => 2 * settings.gains.dampingRatio * a * w),
  };
}

export interface BuiltinControllerOptions {
  model: RobotModel;
  engine: PhysicsEngine;
  track: ReferenceSource;
  /** 0..1, default from the settings */
  assist?: number;
  decimation?: number;
}

export class BuiltinController {
  readonly n: number;
  readonly nj: number;
  readonly ref: BatchState;
  readonly targets: Float32Array;
  readonly refStep: Int32Array;
  readonly nSteps: number;
  readonly decimation: number;
  readonly mass: number;
  private assistLevel: number;
  readonly model: RobotModel;
  readonly engine: PhysicsEngine;
  readonly track: ReferenceSource;

  constructor(o: BuiltinControllerOptions) {
    this.model = o.model;
    this.engine = o.engine;
    this.track = o.track;
    this.n = o.engine.state.n;
    this.nj = o.model.joints.length;
    this.ref = createBatchState(this.n, this.nj, o.model.bodies.length);
    this.targets = new Float32Array(this.n * this.nj);
    this.refStep = new Int32Array(this.n);
    this.nSteps = o.track.nSteps;
    this.decimation = o.decimation ?? Math.max(1, Math.round((o.track.dt ?? 0.02) / o.engine.options.dt));
    this.mass = o.model.bodies.reduce((s, b) => s + b.mass, 0);
    this.assistLevel = 0;
    this.assist = o.assist ?? builtinSettings.assist.default;
    this.applyGains();
  }

  /** Give the engine this controller's PD gains (again, e.g. after another driver changed them). */
  applyGains(): void {
    const g = builtinGains(this.model);
    this.engine.setGains(
      g.kp,
      g.kd,
      this.model.joints.map((j) => j.effortLimit),
    );
  }

  get assist(): number {
    return this.assistLevel;
  }

  set assist(v: number) {
    if (!(v >= 0 && v <= 1)) fail('PolicyError', 'builtin-controller', 'assist', `assist must be in [0, 1], got ${v}`);
    this.assistLevel = v;
  }

  /** Put env e (or all) on the reference's first frame. */
  reset(env?: number, step = 0): void {
    const envs = env === undefined ? [...Array(this.n).keys()] : [env];
    for (const e of envs) {
      this.refStep[e] = step;
      this.track.write(step, this.ref, e);
      this.engine.reset(e, envState(this.ref, e));
    }
  }

  /** Targets = reference joint angles of the current step. Call applyAssist() before every physics step. */
  act(): void {
    const { n, nj, ref } = this;
    for (let e = 0; e < n; e++) {
      this.track.write(this.refStep[e], ref, e);
      this.targets.set(ref.jointPos.subarray(e * nj, (e + 1) * nj), e * nj);
    }
    this.engine.setTargets(this.targets);
  }

  /**
   * The assistive wrench toward the reference root pose, from the current state (replaces earlier forces on
   * each env). It is the wrench about the pelvis of a PD on the root's position and orientation, applied as a
   * mass-proportional acceleration field over every link: link b (mass m_b, centre of mass c_b) gets
   * F_b = m_b·(a + α × (c_b − p_root)), a = assist·(ω²·Δp + 2ζω·Δv) (+ assist·g upward), α = assist·(ω²·θ + 2ζω·Δω).
   * Putting it all on the light pelvis (3.8 of the G1's 35 kg) makes the explicit PD unstable; spread by mass,
   * every link sees the same acceleration and the loop is stable at physics rate. Evaluated every physics step.
   */
  applyAssist(): void {
    const { n, ref, engine, model } = this;
    const s = engine.state,
      nb = s.nb;
    const a = builtinSettings.assist;
    const wp = 2 * Math.PI * a.positionHz,
      wr = 2 * Math.PI * a.orientationHz,
      z = a.dampingRatio;
    const k = this.assistLevel;
    const lin = [0, 0, 0],
      ang = [0, 0, 0];
    for (let e = 0; e < n; e++) {
      engine.clearForces(e);
      if (k <= 0) continue;
      const qe = qLog(qMul(ref.rootQuat.subarray(e * 4, e * 4 + 4), qConj(s.rootQuat.subarray(e * 4, e * 4 + 4))));
      for (let i = 0; i < 3; i++) {
        lin[i] =
          k *
          (wp * wp * (ref.rootPos[e * 3 + i] - s.rootPos[e * 3 + i]) + 2 * z * wp * (ref.rootLinVel[e * 3 + i] - s.rootLinVel[e * 3 + i]));
        ang[i] = k * (wr * wr * qe[i] + 2 * z * wr * (ref.rootAngVel[e * 3 + i] - s.rootAngVel[e * 3 + i]));
      }
      if (a.gravityCompensation) lin[2] += k * -engine.options.gravity;
      for (let b = 0; b < nb; b++) {
        const body = model.bodies[b];
        if (!(body.mass > 0)) continue;
        const c = vAdd(
          s.bodyPos.subarray((e * nb + b) * 3, (e * nb + b) * 3 + 3),
          qRotate(s.bodyQuat.subarray((e * nb + b) * 4, (e * nb + b) * 4 + 4), body.com),
        );
        const r = vSub(c, s.rootPos.subarray(e * 3, e * 3 + 3));
        const t = vCross(ang, r);
        engine.applyForce(e, b, [body.mass * (lin[0] + t[0]), body.mass * (lin[1] + t[1]), body.mass * (lin[2] + t[2])], c);
      }
    }
  }

  /** One physics step with the assist. */
  physicsStep(): void {
    this.applyAssist();
    this.engine.step();
  }

  advance(): void {
    for (let e = 0; e < this.n; e++) this.refStep[e]++;
  }

  /** The built-in controller keeps no per-env policy state: nothing to forget after a park. */
  forget(_e: number): void {}

  step(): void {
    this.act();
    for (let k = 0; k < this.decimation; k++) this.physicsStep();
    this.advance();
  }
}
