/**
 * Small numeric inverse kinematics: move a few joints (within limits) so that one body reaches a world pose,
 * with the root pose given. Damped Gauss-Newton on a finite-difference Jacobian of forward kinematics.
 */
import { qConj, qLog, qMul } from '../math';
import { forwardKinematics } from '../model/fk';
import type { RobotModel } from '../model/types';
import { solveSmall } from './chain';

export interface IkTarget {
  body: number;
  pos: ArrayLike<number>;
  /** world orientation [w,x,y,z]; omitted = position only */
  quat?: ArrayLike<number>;
  /** weight of the orientation error (rad) against the position error (m); default 1 */
  rotWeight?: number;
}

/**
 * Solve `joints` (model indices) in `q` (model order, warm start, modified in place).
 * Returns the final error: position (m) + orientation (rad).
 */
export function solveIk(
  model: RobotModel,
  rootPos: ArrayLike<number>,
  rootQuat: ArrayLike<number>,
  q: Float64Array,
  joints: number[],
  target: IkTarget,
  iters = 30,
): number {
  const nb = model.bodies.length,
    b = target.body;
  const P = new Float64Array(nb * 3),
    Q = new Float64Array(nb * 4);
  const rows = target.quat ? 6 : 3;
  const residual = (): number[] => {
    forwardKinematics(model, rootPos, rootQuat, q, P, Q);
    const r = [target.pos[0] - P[b * 3], target.pos[1] - P[b * 3 + 1], target.pos[2] - P[b * 3 + 2]];
    if (target.quat) r.push(...qLog(qMul(target.quat, qConj(Q.subarray(b * 4, b * 4 + 4)))).map((v) => v * (target.rotWeight ?? 1)));
    return r;
  };
  const lo = joints.map((j) => model.joints[j].range?.[0] ?? -Math.PI);
  const hi = joints.map((j) => model.joints[j].range?.[1] ?? Math.PI);
  let r = residual();
  const norm = (v: number[]) => Math.hypot(v[0], v[1], v[2]) + (rows === 6 ? Math.hypot(v[3], v[4], v[5]) : 0);
  for (let it = 0; it < iters && norm(r) > 1e-7; it++) {
    const J: number[][] = joints.map((j) => {
      const h = 1e-6;
      q[j] += h;
      const rh = residual();
      q[j] -= h;
      return rh.map((v, k) => -(v - r[k]) / h); // d(FK)/dq = -d(residual)/dq
    });
    // (JᵀJ + λI) dq = Jᵀ r
    const A = J.map((a, i) => J.map((c, k) => a.reduce((s, v, t) => s + v * c[t], 0) + (i === k ? 1e-6 : 0)));
    const g = J.map((a) => a.reduce((s, v, t) => s + v * r[t], 0));
    const dq = solveSmall(A, g);
    joints.forEach((j, k) => {
      q[j] = Math.min(Math.max(q[j] + Math.max(-0.5, Math.min(0.5, dq[k])), lo[k]), hi[k]);
    });
    r = residual();
  }
  return norm(r);
}
