/**
 * Joint position error with three-axis joints (issue 16): a ball (or three hinges at one anchor) is scored by the
 * geodesic angle between the reference's and the robot's joint rotation (parent → child body), not coordinate by
 * coordinate. Its three Euler-like coordinates are not unique: near the middle angle ±π/2 only a ± c is defined,
 * and (a + π, π - b, c + π) is the same rotation, so coordinate differences can read π for a pose that matches.
 * Each of the three coordinates gets angle / √3, so their squares sum to angle² (RMSE matches the coordinate
 * version for small errors on well-conditioned joints). Hinges keep the signed difference.
 */
import type { RobotModel } from '../model/types';
import { ballGroups } from '../physics/ball';
import type { BatchState } from '../physics/types';

/** One three-axis joint: its three coordinates (model joint indices) and the bodies it joins. */
export interface BallSpan {
  joints: readonly [number, number, number];
  parent: number;
  body: number;
}

type S = Pick<BatchState, 'nj' | 'nb' | 'jointPos' | 'bodyQuat'>;

/** The model's three-axis joints (none when several joints on one body do not form one). */
export function ballSpans(model: RobotModel): BallSpan[] {
  try {
    return ballGroups(model).map((g) => ({ joints: g.joints, parent: g.parent, body: g.body }));
  } catch {
    return [];
  }
}

type Q = [number, number, number, number];

/** conj(p) · c */
function conjMul(p: ArrayLike<number>, c: ArrayLike<number>): Q {
  const [pw, px, py, pz] = [p[0], -p[1], -p[2], -p[3]];
  return [
    pw * c[0] - px * c[1] - py * c[2] - pz * c[3],
    pw * c[1] + px * c[0] + py * c[3] - pz * c[2],
    pw * c[2] - px * c[3] + py * c[0] + pz * c[1],
    pw * c[3] + px * c[2] - py * c[1] + pz * c[0],
  ];
}

/** Joint rotation parent → child of env e (conj(q_parent) · q_child). */
function relRot(s: S, e: number, b: BallSpan): Q {
  const p = (e * s.nb + b.parent) * 4,
    c = (e * s.nb + b.body) * 4;
  return conjMul(s.bodyQuat.subarray(p, p + 4), s.bodyQuat.subarray(c, c + 4));
}

/** Geodesic angle (rad, 0..π) between the reference's and the robot's rotation of one three-axis joint. */
export function ballAngleError(state: S, ref: S, e: number, b: BallSpan): number {
  const d = conjMul(relRot(ref, e, b), relRot(state, e, b));
  return 2 * Math.atan2(Math.hypot(d[1], d[2], d[3]), Math.abs(d[0]));
}

/**
 * Per evaluated joint, env e's position error (written to out, length joints.length): state - ref for hinges and
 * slides; for a three-axis joint whose three coordinates are all evaluated, the geodesic angle / √3 on each.
 */
export function jointErrors(state: S, ref: S, e: number, joints: number[], balls: readonly BallSpan[], out: Float64Array): Float64Array {
  const nj = state.nj;
  for (let k = 0; k < joints.length; k++) out[k] = state.jointPos[e * nj + joints[k]] - ref.jointPos[e * nj + joints[k]];
  for (const b of balls) {
    const ks = b.joints.map((j) => joints.indexOf(j));
    if (ks.some((k) => k < 0)) continue;
    const v = ballAngleError(state, ref, e, b) / Math.sqrt(3);
    for (const k of ks) out[k] = v;
  }
  return out;
}
