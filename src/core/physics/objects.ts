/**
 * Free objects in a physics batch: their state beside BatchState, structure of arrays over envs
 * (env e, object k → pos[(e*nk + k)*3 ...]), world frame relative to the env (like BatchState), [w,x,y,z].
 * `contact[(e*nk + k)*nb + b]` = 1 when robot body b touches object k in env e in the last step (else 0).
 */
import { qMul, qRotate } from '../math';
import type { ObjectSpec } from '../model/objects';

export interface ObjectState {
  n: number;
  nk: number;
  nb: number;
  names: string[];
  pos: Float32Array; // n*nk*3 (object frame origin)
  quat: Float32Array; // n*nk*4
  linVel: Float32Array; // n*nk*3 (velocity of the origin, world)
  angVel: Float32Array; // n*nk*3 (world)
  contact: Float32Array; // n*nk*nb, 0 / 1
}

export function createObjectState(n: number, names: string[], nb: number): ObjectState {
  const nk = names.length;
  const f = (k: number) => new Float32Array(n * nk * k);
  return { n, nk, nb, names, pos: f(3), quat: f(4), linVel: f(3), angVel: f(3), contact: f(nb) };
}

/** A pose (and velocities) an object is reset to; env-relative world frame. */
export interface ObjectPose {
  pos: ArrayLike<number>;
  quat: ArrayLike<number>;
  linVel?: ArrayLike<number>;
  angVel?: ArrayLike<number>;
}

/** Write one object's pose into the state (readers of both engines end here). */
export function writeObject(s: ObjectState, e: number, k: number, p: ObjectPose): void {
  const i = e * s.nk + k;
  for (let c = 0; c < 3; c++) {
    s.pos[i * 3 + c] = p.pos[c];
    s.linVel[i * 3 + c] = p.linVel ? p.linVel[c] : 0;
    s.angVel[i * 3 + c] = p.angVel ? p.angVel[c] : 0;
  }
  for (let c = 0; c < 4; c++) s.quat[i * 4 + c] = p.quat[c];
}

/** The start pose of each object (its spec). */
export const startPose = (o: ObjectSpec): ObjectPose => ({ pos: o.pos, quat: o.quat });

/** Velocity of the centre of mass from the origin's: v_c = v_o + w × (R·com). */
export function comVelocity(q: ArrayLike<number>, com: ArrayLike<number>, vo: ArrayLike<number>, w: ArrayLike<number>): number[] {
  const d = qRotate(q, com);
  return [vo[0] + w[1] * d[2] - w[2] * d[1], vo[1] + w[2] * d[0] - w[0] * d[2], vo[2] + w[0] * d[1] - w[1] * d[0]];
}

/** World pose of a shape of an object at pose (pos, quat). */
export function shapeWorld(pos: ArrayLike<number>, quat: ArrayLike<number>, sp: ArrayLike<number>, sq: ArrayLike<number>) {
  const p = qRotate(quat, sp);
  return { pos: [pos[0] + p[0], pos[1] + p[1], pos[2] + p[2]], quat: qMul(quat, sq) };
}
