/** Pieces both backends share: options, the PD law and its gains, explosion checks. */
import { MimicError } from '../errors';
import type { Body, RobotModel, Shape } from '../model/types';
import { colliding, footBodies } from '../model/feet';
import { defaultPhysicsOptions, type BatchState, type PhysicsOptions } from './types';

export function resolveOptions(model: RobotModel, options?: Partial<PhysicsOptions>): PhysicsOptions {
  const o: PhysicsOptions = { ...defaultPhysicsOptions, ...(options ?? {}) };
  const file = model.source.file;
  const bad = (key: string, detail: string) => new MimicError('SimulationError', file, `option ${key}`, detail);
  if (!(o.dt > 0 && o.dt < 0.1)) throw bad('dt', `time step must be in (0, 0.1) s, got ${o.dt}`);
  if (!(Number.isInteger(o.n) && o.n >= 1)) throw bad('n', `batch size must be a positive integer, got ${o.n}`);
  if (o.armature && o.armature.length !== model.joints.length) {
    throw bad('armature', `needs ${model.joints.length} values (model joint order), got ${o.armature.length}`);
  }
  return o;
}

/** Armature per joint: options.armature overrides the model's. */
export const jointArmature = (model: RobotModel, o: PhysicsOptions): number[] =>
  model.joints.map((j, i) => (o.armature ? o.armature[i] : j.armature));

/** PD gains for a batch: per-env copies so setGains accepts nj or n*nj values. */
export class Gains {
  readonly kp: Float64Array;
  readonly kd: Float64Array;
  readonly effort: Float64Array;
  readonly target: Float64Array;
  /** true when every env has the same gains */
  uniform = true;
  constructor(
    readonly n: number,
    readonly nj: number,
    model: RobotModel,
  ) {
    this.kp = new Float64Array(n * nj);
    this.kd = new Float64Array(n * nj);
    this.effort = new Float64Array(n * nj);
    this.target = new Float64Array(n * nj);
    for (let e = 0; e < n; e++) for (let j = 0; j < nj; j++) this.effort[e * nj + j] = model.joints[j].effortLimit;
  }

  set(kp: ArrayLike<number>, kd: ArrayLike<number>, effort?: ArrayLike<number>): void {
    const { n, nj } = this;
    const fill = (dst: Float64Array, src: ArrayLike<number>, what: string) => {
      if (src.length !== nj && src.length !== n * nj) {
        throw new MimicError('SimulationError', '<memory>', `setGains ${what}`, `needs ${nj} or ${n * nj} values, got ${src.length}`);
      }
      for (let i = 0; i < n * nj; i++) dst[i] = src[src.length === nj ? i % nj : i];
    };
    this.uniform = kp.length === nj && kd.length === nj && (!effort || effort.length === nj);
    fill(this.kp, kp, 'kp');
    fill(this.kd, kd, 'kd');
    if (effort) fill(this.effort, effort, 'effortLimit');
  }

  setTargets(t: ArrayLike<number>): void {
    if (t.length !== this.n * this.nj) {
      throw new MimicError('SimulationError', '<memory>', 'setTargets', `needs n*nj = ${this.n * this.nj} values, got ${t.length}`);
    }
    for (let i = 0; i < t.length; i++) this.target[i] = t[i];
  }

  /** tau = clip(kp (target - q) - kd qd, ±effort) */
  torque(i: number, q: number, qd: number): number {
    const tau = this.kp[i] * (this.target[i] - q) - this.kd[i] * qd;
    const lim = this.effort[i];
    return tau > lim ? lim : tau < -lim ? -lim : tau;
  }
}

const LIMIT = 1e3;

/** Throw SimulationError naming env and body when any body state is NaN or |v| > 1e3. */
export function checkExplosion(model: RobotModel, s: BatchState, engine: string): void {
  const { n, nb } = s;
  for (let e = 0; e < n; e++) {
    for (let b = 0; b < nb; b++) {
      const k = (e * nb + b) * 3;
      let bad = false;
      for (let c = 0; c < 3; c++) {
        const p = s.bodyPos[k + c],
          v = s.bodyLinVel[k + c],
          w = s.bodyAngVel[k + c];
        if (!Number.isFinite(p) || !Number.isFinite(v) || !Number.isFinite(w) || Math.abs(v) > LIMIT || Math.abs(w) > LIMIT) bad = true;
      }
      if (bad) {
        const v = [0, 1, 2].map((c) => s.bodyLinVel[k + c].toFixed(1)).join(', ');
        const w = [0, 1, 2].map((c) => s.bodyAngVel[k + c].toFixed(1)).join(', ');
        throw new MimicError(
          'SimulationError',
          model.source.file,
          `env ${e} body ${model.bodies[b].name}`,
          `${engine} simulation exploded (NaN or |v| > ${LIMIT}): linear velocity [${v}], angular velocity [${w}]`,
        );
      }
    }
  }
}

/**
 * The collision shapes of a body that the engine creates, each with whether it touches the ground: 'feet' = the
 * foot bodies' spheres (or all their shapes when they have no spheres), 'all' = every shape; shapes that do not
 * touch the ground are kept only with self-collision. Shapes with contype = conaffinity = 0 are dropped.
 */
export function contactShapes(model: RobotModel, b: Body, o: PhysicsOptions): { shape: Shape; touchesGround: boolean }[] {
  const foot = footBodies(model).has(b.index);
  const hasSpheres = b.collision.some((s) => s.type === 'sphere');
  const out: { shape: Shape; touchesGround: boolean }[] = [];
  for (const shape of b.collision) {
    if (!colliding(shape)) continue;
    const touchesGround = o.groundContact === 'all' || (foot && (!hasSpheres || shape.type === 'sphere'));
    const selfColliding = o.selfCollision && (shape.contype | shape.conaffinity) !== 0; // not a floor-only <pair> geom
    if (touchesGround || selfColliding) out.push({ shape, touchesGround });
  }
  return out;
}

/** One persistent external load on a body: force (N, world) at `point` (world) or the body origin, torque (N·m). */
export interface Push {
  body: number;
  force?: number[];
  torque?: number[];
  point?: number[];
}

/** Per-env persistent external loads (PhysicsEngine.applyForce / applyTorque until clearForces or reset). */
export class Pushes {
  private readonly lists: Push[][];
  constructor(n: number) {
    this.lists = Array.from({ length: n }, () => []);
  }
  of(env: number): readonly Push[] {
    return this.lists[env];
  }
  force(env: number, body: number, force: ArrayLike<number>, point?: ArrayLike<number>): void {
    this.lists[env].push({ body, force: Array.from(force), point: point ? Array.from(point) : undefined });
  }
  torque(env: number, body: number, torque: ArrayLike<number>): void {
    this.lists[env].push({ body, torque: Array.from(torque) });
  }
  clear(env: number): void {
    this.lists[env] = [];
  }
}

/** applyForce / applyTorque / clearForces of both backends: persistent loads kept per env in `pushes`. */
export abstract class ExternalLoads {
  protected readonly pushes: Pushes;
  constructor(n: number) {
    this.pushes = new Pushes(n);
  }
  applyForce(env: number, body: number, force: ArrayLike<number>, point?: ArrayLike<number>): void {
    this.pushes.force(env, body, force, point);
  }
  applyTorque(env: number, body: number, torque: ArrayLike<number>): void {
    this.pushes.torque(env, body, torque);
  }
  clearForces(env: number): void {
    this.pushes.clear(env);
  }
}

/** Root state of env e = its first body's (the root body is body 0 in every RobotModel). */
export function copyRootState(s: BatchState, e: number): void {
  const nb = s.nb;
  for (let c = 0; c < 3; c++) {
    s.rootPos[e * 3 + c] = s.bodyPos[e * nb * 3 + c];
    s.rootLinVel[e * 3 + c] = s.bodyLinVel[e * nb * 3 + c];
    s.rootAngVel[e * 3 + c] = s.bodyAngVel[e * nb * 3 + c];
  }
  for (let c = 0; c < 4; c++) s.rootQuat[e * 4 + c] = s.bodyQuat[e * nb * 4 + c];
}
