/**
 * Three-axis joints (issue 16): a MuJoCo ball joint, or three hinges on one body through one anchor with
 * orthonormal axes (the SMPL humanoid of PHC / ProtoMotions). Both are 3 model joints, coordinates = intrinsic
 * Euler angles about the three axes in order (what sequential hinges are, so forward kinematics needs nothing
 * new); velocities = the Euler rates. PD is per coordinate, tau_i = clip(kp_i (q*_i - q_i) - kd_i qd_i, ±effort_i),
 * applied as the world torque T with a_i · T = tau_i (a_i = the i-th axis in the world at the current angles; the
 * generalized forces of the Euler coordinates), the same law as three PD hinges.
 *   Rapier: three revolute joints through two small bodies at the anchor, position motors per coordinate
 *   (rapier-ball.ts; a spherical joint with these torques locked up on a 2-link chain).
 *   MuJoCo: a native ball (qpos 4 = quaternion, qvel 3 = angular velocity in the child frame) gets the spring part
 *   as qfrc_applied in the child frame and kd as the dofs' damping (implicit); three hinges stay native hinges
 *   with their servos.
 */
import { fail } from '../errors';
import { matToQuat, qMul, qRotate, qToMat, type Quat, type Vec3 } from '../math';
import type { RobotModel } from '../model/types';
import type { BatchState } from './types';

export interface BallGroup {
  name: string;
  body: number;
  parent: number;
  joints: [number, number, number];
  /** rotation taking x, y, z onto the three axes (child rest frame) */
  qM: Quat;
  /** the body's rest rotation in its parent */
  rest: Quat;
  /** a model ball joint (MuJoCo: native ball) rather than three hinges */
  native: boolean;
}

/** How many coordinates each model joint has in our arrays and in MuJoCo's qpos / qvel. */
export function jointLayout(model: RobotModel): { name: string; type: string; ours: number; mjQpos: number; mjQvel: number }[] {
  const out: { name: string; type: string; ours: number; mjQpos: number; mjQvel: number }[] = [];
  for (const j of model.joints) {
    if (j.ball && j.ball.axis !== 0) continue;
    if (j.ball) out.push({ name: j.ball.name, type: 'ball', ours: 3, mjQpos: 4, mjQvel: 3 });
    else out.push({ name: j.name, type: j.type, ours: 1, mjQpos: 1, mjQvel: 1 });
  }
  return out;
}

const conj = (q: ArrayLike<number>): Quat => [q[0], -q[1], -q[2], -q[3]];
const rx = (a: number): Quat => [Math.cos(a / 2), Math.sin(a / 2), 0, 0];
const ry = (a: number): Quat => [Math.cos(a / 2), 0, Math.sin(a / 2), 0];
const rz = (a: number): Quat => [Math.cos(a / 2), 0, 0, Math.sin(a / 2)];

/** Bodies whose three joints form one ball (a model ball, or three hinges at one anchor with orthonormal axes). */
export function ballGroups(model: RobotModel, onlyNative = false): BallGroup[] {
  const out: BallGroup[] = [];
  for (const b of model.bodies) {
    const js = b.joints.map((j) => model.joints[j]);
    if (b.parent < 0 || js.length < 2) continue;
    const native = js.some((j) => j.ball);
    if (onlyNative && !native) continue;
    const where = `body ${b.name}`;
    if (js.length !== 3) fail('ModelError', model.source.file, where, `${js.length} joints on one body: three-axis joints need exactly 3`);
    if (js.some((j) => j.type === 'slide')) fail('ModelError', model.source.file, where, 'a slide joint among several joints on one body');
    const p0 = js[0].pos;
    if (js.some((j) => Math.hypot(j.pos[0] - p0[0], j.pos[1] - p0[1], j.pos[2] - p0[2]) > 1e-6))
      fail('ModelError', model.source.file, where, 'the three joints do not share one anchor');
    const A = js.map((j) => j.axis);
    const dot = (u: Vec3, v: Vec3) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    if (Math.abs(dot(A[0], A[1])) > 1e-6 || Math.abs(dot(A[0], A[2])) > 1e-6 || Math.abs(dot(A[1], A[2])) > 1e-6)
      fail('ModelError', model.source.file, where, 'the three hinge axes are not orthogonal');
    const M = [A[0][0], A[1][0], A[2][0], A[0][1], A[1][1], A[2][1], A[0][2], A[1][2], A[2][2]];
    const det = M[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * M[7] - M[4] * M[6]);
    if (det < 0) fail('ModelError', model.source.file, where, 'the three hinge axes are left-handed (x × y = -z)');
    out.push({
      name: js[0].ball?.name ?? b.name,
      body: b.index,
      parent: b.parent,
      joints: [js[0].index, js[1].index, js[2].index],
      qM: matToQuat(M),
      rest: b.quat,
      native,
    });
  }
  return out;
}

/** The joint rotation (child in the parent's rest frame) of Euler angles θ. */
export function ballQuat(g: BallGroup, th: ArrayLike<number>): Quat {
  return qMul(qMul(g.qM, qMul(qMul(rx(th[0]), ry(th[1])), rz(th[2]))), conj(g.qM));
}

/** Euler angles (intrinsic, about the group's axes in order) of a joint rotation. */
export function ballAngles(g: BallGroup, qj: ArrayLike<number>): Vec3 {
  const R = qToMat(qMul(qMul(conj(g.qM), qj), g.qM));
  const b = Math.asin(Math.max(-1, Math.min(1, R[2])));
  return [Math.atan2(-R[5], R[8]), b, Math.atan2(-R[1], R[0])];
}

/** The three axes in the world at angles θ, for a parent at world rotation qp. */
export function ballAxes(g: BallGroup, qp: ArrayLike<number>, th: ArrayLike<number>): [Vec3, Vec3, Vec3] {
  const F = qMul(qMul(qp, g.rest), g.qM);
  const F1 = qMul(F, rx(th[0]));
  return [qRotate(F, [1, 0, 0]), qRotate(F1, [0, 1, 0]), qRotate(qMul(F1, ry(th[1])), [0, 0, 1])];
}

/** Solve [a0 a1 a2] x = w (Cramer; 0 at the gimbal singularity). */
function solve3(a: [Vec3, Vec3, Vec3], w: ArrayLike<number>): Vec3 {
  const det = (c0: ArrayLike<number>, c1: ArrayLike<number>, c2: ArrayLike<number>) =>
    c0[0] * (c1[1] * c2[2] - c1[2] * c2[1]) - c1[0] * (c0[1] * c2[2] - c0[2] * c2[1]) + c2[0] * (c0[1] * c1[2] - c0[2] * c1[1]);
  const d = det(a[0], a[1], a[2]);
  if (Math.abs(d) < 1e-9) return [0, 0, 0];
  return [det(w, a[1], a[2]) / d, det(a[0], w, a[2]) / d, det(a[0], a[1], w) / d];
}

const wrap = (x: number, near: number): number => x + 2 * Math.PI * Math.round((near - x) / (2 * Math.PI));

/**
 * The Euler angles of a rotation nearest to `prev`: of the two branches (a, b, c) and (a + π, π - b, c + π),
 * each angle moved by whole turns towards prev (coordinates stay continuous past b = ±π/2 and ±π).
 */
export function nearestAngles(th: Vec3, prev: ArrayLike<number>): Vec3 {
  const one: Vec3 = [wrap(th[0], prev[0]), wrap(th[1], prev[1]), wrap(th[2], prev[2])];
  const two: Vec3 = [wrap(th[0] + Math.PI, prev[0]), wrap(Math.PI - th[1], prev[1]), wrap(th[2] + Math.PI, prev[2])];
  const d = (t: Vec3) => Math.abs(t[0] - prev[0]) + Math.abs(t[1] - prev[1]) + Math.abs(t[2] - prev[2]);
  return d(two) < d(one) ? two : one;
}

/**
 * Env e's coordinates and rates of every group, from the body rotations and angular velocities in `s`; `prev`
 * (n × nj, the engine's) holds the last coordinates: the branch nearest them is taken and they are updated.
 */
export function readBalls(groups: BallGroup[], s: BatchState, e: number, prev: Float64Array): void {
  const { nb, nj } = s;
  for (const g of groups) {
    const kp = (e * nb + g.parent) * 4,
      kc = (e * nb + g.body) * 4;
    const qp = s.bodyQuat.subarray(kp, kp + 4),
      qc = s.bodyQuat.subarray(kc, kc + 4);
    const p0 = e * nj;
    const th = nearestAngles(ballAngles(g, qMul(conj(qMul(qp, g.rest)), qc)), [
      prev[p0 + g.joints[0]],
      prev[p0 + g.joints[1]],
      prev[p0 + g.joints[2]],
    ]);
    const wp = (e * nb + g.parent) * 3,
      wc = (e * nb + g.body) * 3;
    const w = [0, 1, 2].map((c) => s.bodyAngVel[wc + c] - s.bodyAngVel[wp + c]);
    const rate = solve3(ballAxes(g, qp, th), w);
    for (let c = 0; c < 3; c++) {
      s.jointPos[p0 + g.joints[c]] = th[c];
      s.jointVel[p0 + g.joints[c]] = rate[c];
      prev[p0 + g.joints[c]] = th[c];
    }
  }
}

/**
 * Env e's PD torque of group g in the world frame (from the state's coordinates; jointTorque gets the three
 * coordinate torques). `torque(i, q, qd)` is the engine's clipped PD law for flat index i.
 */
export function ballTorque(g: BallGroup, s: BatchState, e: number, torque: (i: number, q: number, qd: number) => number): Vec3 {
  const { nb, nj } = s;
  const kp = (e * nb + g.parent) * 4;
  const th = g.joints.map((j) => s.jointPos[e * nj + j]);
  const axes = ballAxes(g, s.bodyQuat.subarray(kp, kp + 4), th);
  const tau: Vec3 = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const i = e * nj + g.joints[c];
    tau[c] = torque(i, s.jointPos[i], s.jointVel[i]);
    s.jointTorque[i] = tau[c];
  }
  // the torque T whose generalized forces a_i · T are the coordinate torques (the axes are not orthogonal)
  const col = (k: number): Vec3 => [axes[0][k], axes[1][k], axes[2][k]];
  return solve3([col(0), col(1), col(2)], tau);
}

/** A native ball's MuJoCo qpos (joint quaternion) and qvel (angular velocity in the child frame) from θ, θ̇. */
export function ballQposQvel(g: BallGroup, th: ArrayLike<number>, rate: ArrayLike<number>): { quat: Quat; vel: Vec3 } {
  const quat = ballQuat(g, th);
  const axes = ballAxes(g, [1, 0, 0, 0], th).map((a) => qRotate(conj(g.rest), a)); // in the joint (rest) frame
  const w: Vec3 = [0, 0, 0];
  for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) w[k] += rate[c] * axes[c][k];
  return { quat, vel: qRotate(conj(quat), w) };
}

/**
 * Per frame (n × nj, model order), every three-axis joint's angles moved to the equivalent Euler branch nearest the
 * previous frame's (the first frame: nearest zero): a retargeted clip can land on (a + π, π - b, c + π), the same
 * rotation, which PD would then chase the long way round. The pose does not change.
 */
export function continuousBallAngles(model: RobotModel, jointPos: Float32Array | Float64Array, n: number): void {
  const nj = model.joints.length;
  let groups: BallGroup[];
  try {
    groups = ballGroups(model);
  } catch {
    return; // bodies with several joints that do not form a ball: nothing to do here
  }
  for (const g of groups) {
    let prev: Vec3 = [0, 0, 0];
    for (let k = 0; k < n; k++) {
      const th = nearestAngles([jointPos[k * nj + g.joints[0]], jointPos[k * nj + g.joints[1]], jointPos[k * nj + g.joints[2]]], prev);
      for (let c = 0; c < 3; c++) jointPos[k * nj + g.joints[c]] = th[c];
      prev = th;
    }
  }
}
