/**
 * Small kinematics helpers shared by the physics backends: body poses and velocities from a root state +
 * joint angles/velocities (used by reset), joint angles from body rotations (used by the Rapier read-back),
 * and a symmetric 3x3 eigen-decomposition (armature emulation re-diagonalises link inertias).
 */
import type { RobotModel } from '../model/types';
import { qConj, qFromAxisAngle, qMul, qNormalize, qRotate, vAdd, vCross, vScale, vSub, type Quat, type Vec3 } from '../math';
import type { EnvState } from './types';

export interface BodyMotion {
  pos: Vec3[]; // body frame origin, world
  quat: Quat[]; // wxyz
  linVel: Vec3[]; // velocity of the body frame origin, world
  angVel: Vec3[]; // world
}

/**
 * Poses and velocities of every body for a full state. A hinge joint rotates its child about the joint anchor
 * (joint.pos in the child frame) by q about joint.axis; a slide joint translates the child along the axis.
 */
export function bodyMotion(model: RobotModel, s: EnvState): BodyMotion {
  const nb = model.bodies.length;
  const out: BodyMotion = { pos: new Array(nb), quat: new Array(nb), linVel: new Array(nb), angVel: new Array(nb) };
  const zero: Vec3 = [0, 0, 0];
  for (const body of model.bodies) {
    const b = body.index;
    let pos: Vec3, quat: Quat, v: Vec3, w: Vec3;
    if (body.parent < 0) {
      pos = [s.rootPos[0], s.rootPos[1], s.rootPos[2]];
      quat = qNormalize(s.rootQuat);
      v = s.rootLinVel ? [s.rootLinVel[0], s.rootLinVel[1], s.rootLinVel[2]] : zero;
      w = s.rootAngVel ? [s.rootAngVel[0], s.rootAngVel[1], s.rootAngVel[2]] : zero;
    } else {
      const p = body.parent;
      pos = vAdd(out.pos[p], qRotate(out.quat[p], body.pos));
      quat = qMul(out.quat[p], body.quat);
      w = out.angVel[p];
      v = vAdd(out.linVel[p], vCross(w, vSub(pos, out.pos[p])));
    }
    for (const j of body.joints) {
      const joint = model.joints[j];
      const q = s.jointPos[j];
      const qd = s.jointVel ? s.jointVel[j] : 0;
      const axisW = qRotate(quat, joint.axis);
      if (joint.type === 'slide') {
        pos = vAdd(pos, vScale(axisW, q));
        v = vAdd(v, vScale(axisW, qd));
      } else {
        const anchorW = vAdd(pos, qRotate(quat, joint.pos));
        quat = qMul(quat, qFromAxisAngle(joint.axis, q));
        // the child origin rotates about the anchor
        pos = vAdd(anchorW, qRotate(quat, vScale(joint.pos, -1)));
        const dw = vScale(axisW, qd);
        w = vAdd(w, dw);
        v = vAdd(v, vCross(dw, vSub(pos, anchorW)));
      }
    }
    out.pos[b] = pos;
    out.quat[b] = quat;
    out.linVel[b] = v;
    out.angVel[b] = w;
  }
  return out;
}

/** Angle of a hinge from the world rotations of parent and child: twist of conj(q0)·conj(qp)·qc about the axis. */
export function hingeAngle(qp: ArrayLike<number>, qc: ArrayLike<number>, rest: ArrayLike<number>, axis: ArrayLike<number>): number {
  const r = qMul(qConj(rest), qMul(qConj(qp), qc));
  const p = r[1] * axis[0] + r[2] * axis[1] + r[3] * axis[2];
  let a = 2 * Math.atan2(p, r[0]);
  if (a > Math.PI) a -= 2 * Math.PI;
  else if (a < -Math.PI) a += 2 * Math.PI;
  return a;
}

/** Eigen-decomposition of a symmetric 3x3 (row-major) by Jacobi rotations: values and the rotation (columns = vectors). */
export function symEigen(m: number[]): { values: Vec3; vectors: number[] } {
  const a = m.slice();
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]) + Math.abs(a[2]) + Math.abs(a[5]);
    if (off < 1e-15 * (Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]) + 1e-300)) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q];
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < 3; k++) { // A = A·J
        const akp = a[k * 3 + p], akq = a[k * 3 + q];
        a[k * 3 + p] = c * akp - s * akq;
        a[k * 3 + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) { // A = Jᵀ·A
        const apk = a[p * 3 + k], aqk = a[q * 3 + k];
        a[p * 3 + k] = c * apk - s * aqk;
        a[q * 3 + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p], vkq = v[k * 3 + q];
        v[k * 3 + p] = c * vkp - s * vkq;
        v[k * 3 + q] = s * vkp + c * vkq;
      }
    }
  }
  // make it a proper rotation
  const det = v[0] * (v[4] * v[8] - v[5] * v[7]) - v[1] * (v[3] * v[8] - v[5] * v[6]) + v[2] * (v[3] * v[7] - v[4] * v[6]);
  if (det < 0) for (let k = 0; k < 3; k++) v[k * 3 + 2] = -v[k * 3 + 2];
  return { values: [a[0], a[4], a[8]], vectors: v };
}

/** Quaternion (wxyz) of a row-major rotation matrix. */
export function quatFromMat(m: number[]): Quat {
  const tr = m[0] + m[4] + m[8];
  let q: Quat;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [0.25 * s, (m[7] - m[5]) / s, (m[2] - m[6]) / s, (m[3] - m[1]) / s];
  } else if (m[0] > m[4] && m[0] > m[8]) {
    const s = Math.sqrt(1 + m[0] - m[4] - m[8]) * 2;
    q = [(m[7] - m[5]) / s, 0.25 * s, (m[1] + m[3]) / s, (m[2] + m[6]) / s];
  } else if (m[4] > m[8]) {
    const s = Math.sqrt(1 + m[4] - m[0] - m[8]) * 2;
    q = [(m[2] - m[6]) / s, (m[1] + m[3]) / s, 0.25 * s, (m[5] + m[7]) / s];
  } else {
    const s = Math.sqrt(1 + m[8] - m[0] - m[4]) * 2;
    q = [(m[3] - m[1]) / s, (m[2] + m[6]) / s, (m[5] + m[7]) / s, 0.25 * s];
  }
  return qNormalize(q);
}

/** Shortest-arc rotation taking unit vector a to unit vector b. */
export function qBetween(a: ArrayLike<number>, b: ArrayLike<number>): Quat {
  const d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  if (d < -0.999999) {
    const ortho: Vec3 = Math.abs(a[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    const c = vCross(a, ortho);
    return qNormalize([0, c[0], c[1], c[2]]);
  }
  const c = vCross(a, b);
  return qNormalize([1 + d, c[0], c[1], c[2]]);
}
