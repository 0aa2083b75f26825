/**
 * Small kinematics helpers shared by the physics backends: body poses and velocities from a root state +
 * joint angles/velocities (used by reset), joint angles from body rotations (used by the Rapier read-back) (eigen-decomposition and matrix→quaternion: ../math.ts).
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
  const out: BodyMotion = { pos: new Array<Vec3>(nb), quat: new Array<Quat>(nb), linVel: new Array<Vec3>(nb), angVel: new Array<Vec3>(nb) };
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
