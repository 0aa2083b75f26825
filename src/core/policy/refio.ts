/**
 * Writing the reference into an ObsContext's `ref` BatchState: from a policy's embedded-reference outputs
 * (BeyondMimic exports), and the yaw + position alignment used when a reference is aligned to the robot.
 */
import { fail } from '../errors';
import { qConj, qMul, qNormalize, qRotate, qYaw } from '../math';
import { forwardKinematics } from '../model/fk';
import type { RobotModel } from '../model/types';
import type { BatchState } from '../physics/types';

/**
 * Where a controller reads its reference: a ReferenceTrack, or anything with the same two members (the app's
 * live, composed reference).
 */
export interface ReferenceSource {
  /** control steps available (write clamps past the end) */
  readonly nSteps: number;
  /** control step length, s (optional) */
  readonly dt?: number;
  /** copy the reference at `step` into env `env` of a BatchState of the same robot */
  write(step: number, ref: BatchState, env: number): void;
}

/** A planar rigid transform: rotate by `yaw` about z, then translate by (x, y, z). Identity = all 0. */
export interface Alignment {
  yaw: number;
  x: number;
  y: number;
  z: number;
}

export const identityAlignment = (): Alignment => ({ yaw: 0, x: 0, y: 0, z: 0 });

/**
 * The alignment that puts the reference anchor (pose refPos/refQuat) onto the robot anchor by yaw and
 * horizontal position (heights are kept), as BeyondMimic's deployment does at start.
 */
export function alignmentFor(
  robotPos: ArrayLike<number>,
  robotQuat: ArrayLike<number>,
  refPos: ArrayLike<number>,
  refQuat: ArrayLike<number>,
): Alignment {
  const yaw = qYaw(robotQuat) - qYaw(refQuat);
  const c = Math.cos(yaw),
    s = Math.sin(yaw);
  return { yaw, x: robotPos[0] - (c * refPos[0] - s * refPos[1]), y: robotPos[1] - (s * refPos[0] + c * refPos[1]), z: 0 };
}

/** alignmentFor of body row i (env · nb + body) of a state onto the same row of a reference. */
export function bodyAlignment(state: BatchState, ref: BatchState, i: number): Alignment {
  return alignmentFor(
    state.bodyPos.subarray(i * 3, i * 3 + 3),
    state.bodyQuat.subarray(i * 4, i * 4 + 4),
    ref.bodyPos.subarray(i * 3, i * 3 + 3),
    ref.bodyQuat.subarray(i * 4, i * 4 + 4),
  );
}

function rotVec(c: number, s: number, a: Float32Array, o: number, tx = 0, ty = 0, tz = 0): void {
  const x = a[o],
    y = a[o + 1];
  a[o] = c * x - s * y + tx;
  a[o + 1] = s * x + c * y + ty;
  a[o + 2] += tz;
}

function rotQuat(hw: number, hz: number, a: Float32Array, o: number): void {
  // q' = qz(yaw) · q, qz = [hw, 0, 0, hz]
  const w = a[o],
    x = a[o + 1],
    y = a[o + 2],
    z = a[o + 3];
  a[o] = hw * w - hz * z;
  a[o + 1] = hw * x - hz * y;
  a[o + 2] = hw * y + hz * x;
  a[o + 3] = hw * z + hz * w;
}

/** Apply an alignment in place to env e's root and body poses and velocities. */
export function applyAlignment(ref: BatchState, e: number, al: Alignment): void {
  if (al.yaw === 0 && al.x === 0 && al.y === 0 && al.z === 0) return;
  const c = Math.cos(al.yaw),
    s = Math.sin(al.yaw);
  const hw = Math.cos(al.yaw / 2),
    hz = Math.sin(al.yaw / 2);
  // one pose (element i of each array): position rotated and moved, orientation and velocities rotated
  const align = (pos: Float32Array, quat: Float32Array, lin: Float32Array, ang: Float32Array, i: number): void => {
    rotVec(c, s, pos, i * 3, al.x, al.y, al.z);
    rotQuat(hw, hz, quat, i * 4);
    rotVec(c, s, lin, i * 3);
    rotVec(c, s, ang, i * 3);
  };
  align(ref.rootPos, ref.rootQuat, ref.rootLinVel, ref.rootAngVel, e);
  for (let b = 0; b < ref.nb; b++) align(ref.bodyPos, ref.bodyQuat, ref.bodyLinVel, ref.bodyAngVel, e * ref.nb + b);
}

/** Maps a BeyondMimic export's reference outputs (policy joint order, tracked bodies) onto model order. */
export class EmbeddedReference {
  private readonly bodies: number[];
  private readonly rootSlot: number;
  private readonly scratchPos: Float32Array;
  private readonly scratchQuat: Float32Array;

  constructor(
    readonly model: RobotModel,
    readonly policyJoints: Int32Array,
    bodyNames: string[],
    readonly file: string,
  ) {
    this.bodies = bodyNames.map((b) => {
      const i = model.bodyIndex.get(b);
      if (i === undefined)
        fail('PolicyError', file, `body ${b}`, `tracked body ${b} of the embedded reference is not in robot "${model.name}"`);
      return i!;
    });
    this.rootSlot = this.bodies.indexOf(0);
    this.scratchPos = new Float32Array(model.bodies.length * 3);
    this.scratchQuat = new Float32Array(model.bodies.length * 4);
  }

  /**
   * Root pose from body b's world pose and the joints: q_root = q_b · conj(q_rel), p_root = p_b − q_root·p_rel
   * with (p_rel, q_rel) the body's pose in the root frame. Without a position the root stands at the model's
   * own root position (heights are then approximate).
   */
  private rootFrom(b: number, pos: ArrayLike<number> | null, quat: ArrayLike<number>, q: ArrayLike<number>): [number[], number[]] {
    forwardKinematics(this.model, [0, 0, 0], [1, 0, 0, 0], q, this.scratchPos, this.scratchQuat);
    const pRel = Array.from(this.scratchPos.subarray(b * 3, b * 3 + 3));
    const qRel = Array.from(this.scratchQuat.subarray(b * 4, b * 4 + 4));
    const rq = qNormalize(qMul(quat, qConj(qRel)));
    if (!pos) return [Array.from(this.model.bodies[0].pos), rq];
    const off = qRotate(rq, pRel);
    return [[pos[0] - off[0], pos[1] - off[1], pos[2] - off[2]], rq];
  }

  /** Write env e of the outputs (each n × per-env size) into ref env e. */
  write(out: Record<string, Float32Array>, n: number, ref: BatchState, e: number): void {
    const na = this.policyJoints.length,
      nj = ref.nj,
      nb = ref.nb,
      nt = this.bodies.length;
    const get = (k: string, per: number): Float32Array | null => {
      const a = out[k];
      if (!a) return null;
      if (a.length !== n * per) fail('PolicyError', this.file, `output ${k}`, `has ${a.length / n} values per env, expected ${per}`);
      return a.subarray(e * per, (e + 1) * per);
    };
    const jp = get('joint_pos', na),
      jv = get('joint_vel', na);
    if (!jp) return fail('PolicyError', this.file, 'output joint_pos', 'the embedded-reference policy has no joint_pos output');
    for (let i = 0; i < na; i++) {
      ref.jointPos[e * nj + this.policyJoints[i]] = jp[i];
      ref.jointVel[e * nj + this.policyJoints[i]] = jv ? jv[i] : 0;
    }
    const bp = get('body_pos_w', nt * 3),
      bq = get('body_quat_w', nt * 4);
    const bl = get('body_lin_vel_w', nt * 3),
      ba = get('body_ang_vel_w', nt * 3);
    const q = ref.jointPos.subarray(e * nj, (e + 1) * nj);
    if (bp && bq && this.rootSlot >= 0) {
      // every body from the root pose and the joints, then the tracked ones exactly as the policy gives them
      const r = this.rootSlot;
      forwardKinematics(this.model, bp.subarray(r * 3, r * 3 + 3), bq.subarray(r * 4, r * 4 + 4), q, this.scratchPos, this.scratchQuat);
      ref.bodyPos.set(this.scratchPos, e * nb * 3);
      ref.bodyQuat.set(this.scratchQuat, e * nb * 4);
    } else if (bq && nt > 0) {
      // only a non-root body (holosoma: the torso orientation, maybe its position): the root pose that puts
      // that body there given the reference joints, then every body by FK
      const [rp, rq] = this.rootFrom(this.bodies[0], bp?.subarray(0, 3) ?? null, bq.subarray(0, 4), q);
      forwardKinematics(this.model, rp, rq, q, this.scratchPos, this.scratchQuat);
      ref.bodyPos.set(this.scratchPos, e * nb * 3);
      ref.bodyQuat.set(this.scratchQuat, e * nb * 4);
    }
    ref.bodyLinVel.fill(0, e * nb * 3, (e + 1) * nb * 3);
    ref.bodyAngVel.fill(0, e * nb * 3, (e + 1) * nb * 3);
    for (let t = 0; t < nt; t++) {
      const b = e * nb + this.bodies[t];
      if (bp) ref.bodyPos.set(bp.subarray(t * 3, t * 3 + 3), b * 3);
      if (bq) ref.bodyQuat.set(bq.subarray(t * 4, t * 4 + 4), b * 4);
      if (bl) ref.bodyLinVel.set(bl.subarray(t * 3, t * 3 + 3), b * 3);
      if (ba) ref.bodyAngVel.set(ba.subarray(t * 3, t * 3 + 3), b * 3);
    }
    // root = body 0
    ref.rootPos.set(ref.bodyPos.subarray(e * nb * 3, e * nb * 3 + 3), e * 3);
    ref.rootQuat.set(ref.bodyQuat.subarray(e * nb * 4, e * nb * 4 + 4), e * 4);
    ref.rootLinVel.set(ref.bodyLinVel.subarray(e * nb * 3, e * nb * 3 + 3), e * 3);
    ref.rootAngVel.set(ref.bodyAngVel.subarray(e * nb * 3, e * nb * 3 + 3), e * 3);
  }
}
