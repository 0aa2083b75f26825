/**
 * ReferenceTrack: a clip resampled to the control rate for one robot, with everything precomputed per control
 * step — root pose and velocity, joint positions and velocities in the MODEL's joint order (matched by name),
 * and every body's pose and velocity by forward kinematics.
 */
import { fail } from '../errors';
import { checkClipSize, checkRate, nameList } from '../validate';
import { diffRate, quatRate, qSlerp } from '../math';
import { forwardKinematics } from '../model/fk';
import type { RobotModel } from '../model/types';
import type { BatchState } from '../physics/types';
import { clipDuration, referenceFrame, type MotionClip, type ReferenceFrame } from './types';

/** The pose half of a reference frame. */
export type Pose = Pick<ReferenceFrame, 'rootPos' | 'rootQuat' | 'jointPos' | 'bodyPos' | 'bodyQuat'>;

/**
 * The velocities of `out` from two poses of the same robot `1 / inv` seconds apart: root, joint and body
 * velocities by difference, angular velocities (world) by the SO(3) log of hi · conj(lo).
 */
export function poseVelocities(lo: Pose, hi: Pose, inv: number, out: ReferenceFrame): void {
  const nj = out.jointVel.length,
    nb = out.bodyLinVel.length / 3;
  diffRate(hi.rootPos, 0, lo.rootPos, 0, 3, inv, out.rootLinVel, 0);
  quatRate(hi.rootQuat, 0, lo.rootQuat, 0, inv, out.rootAngVel, 0);
  diffRate(hi.jointPos, 0, lo.jointPos, 0, nj, inv, out.jointVel, 0);
  diffRate(hi.bodyPos, 0, lo.bodyPos, 0, nb * 3, inv, out.bodyLinVel, 0);
  for (let b = 0; b < nb; b++) quatRate(hi.bodyQuat, b * 4, lo.bodyQuat, b * 4, inv, out.bodyAngVel, b * 3);
}

/** Copy a reference frame into env `env` of a BatchState of the same robot (its nj and nb). */
export function writeFrame(f: ReferenceFrame, ref: BatchState, env: number): void {
  const nj = ref.nj,
    nb = ref.nb;
  ref.rootPos.set(f.rootPos, env * 3);
  ref.rootQuat.set(f.rootQuat, env * 4);
  ref.rootLinVel.set(f.rootLinVel, env * 3);
  ref.rootAngVel.set(f.rootAngVel, env * 3);
  ref.jointPos.set(f.jointPos, env * nj);
  ref.jointVel.set(f.jointVel, env * nj);
  ref.bodyPos.set(f.bodyPos, env * nb * 3);
  ref.bodyQuat.set(f.bodyQuat, env * nb * 4);
  ref.bodyLinVel.set(f.bodyLinVel, env * nb * 3);
  ref.bodyAngVel.set(f.bodyAngVel, env * nb * 3);
}

export class ReferenceTrack {
  readonly nSteps: number;
  readonly dt: number;
  readonly nj: number;
  readonly nb: number;
  /** robot joints the clip lacks (held at 0) */
  readonly missingJoints: string[];
  readonly rootPos: Float32Array;
  readonly rootQuat: Float32Array;
  readonly rootLinVel: Float32Array;
  readonly rootAngVel: Float32Array;
  readonly jointPos: Float32Array;
  readonly jointVel: Float32Array;
  readonly bodyPos: Float32Array;
  readonly bodyQuat: Float32Array;
  readonly bodyLinVel: Float32Array;
  readonly bodyAngVel: Float32Array;

  constructor(
    readonly model: RobotModel,
    readonly clip: MotionClip,
    controlDt: number,
  ) {
    if (!(controlDt > 0)) fail('MotionError', clip.name, 'controlDt', `control step must be > 0 (got ${controlDt})`);
    if (clip.nFrames < 1) fail('MotionError', clip.name, 'frames', 'clip has no frames');
    const nj = (this.nj = model.joints.length);
    const nb = (this.nb = model.bodies.length);
    const cj = clip.jointNames.length;
    const unknown = clip.jointNames.filter((name) => !model.jointIndex.has(name));
    if (unknown.length) {
      fail(
        'MotionError',
        clip.name,
        `joint ${unknown[0]}`,
        `${unknown.length} clip joint(s) the robot ${model.name} lacks: ${nameList(unknown)} (robot joints: ${nameList(
          model.joints.map((j) => j.name),
          40,
        )})`,
      );
    }
    const twice = [...new Set(clip.jointNames.filter((n, k) => clip.jointNames.indexOf(n) !== k))];
    if (twice.length) fail('MotionError', clip.name, `joint ${twice[0]}`, `clip names joints twice: ${nameList(twice)}`);
    const toModel = clip.jointNames.map((name) => model.jointIndex.get(name)!);
    checkRate(clip.fps, { file: clip.name, where: 'fps' });
    checkRate(1 / controlDt, { file: clip.name, where: 'control rate' });
    const steps = Math.floor(clipDuration(clip) / controlDt + 1e-6) + 1;
    checkClipSize(steps, model.joints.length * 2 + model.bodies.length * 13 + 13, 1 / controlDt, {
      file: clip.name,
      where: 'reference track',
    });
    const covered = new Set(toModel);
    this.missingJoints = model.joints.filter((_, j) => !covered.has(j)).map((jt) => jt.name);
    this.dt = controlDt;
    const n = (this.nSteps = Math.floor(clipDuration(clip) / controlDt + 1e-6) + 1);
    const f32 = (k: number) => new Float32Array(n * k);
    this.rootPos = f32(3);
    this.rootQuat = f32(4);
    this.rootLinVel = f32(3);
    this.rootAngVel = f32(3);
    this.jointPos = f32(nj);
    this.jointVel = f32(nj);
    this.bodyPos = f32(nb * 3);
    this.bodyQuat = f32(nb * 4);
    this.bodyLinVel = f32(nb * 3);
    this.bodyAngVel = f32(nb * 3);

    // pose at any time (clamped), written into a frame's pose arrays in model order
    const last = clip.nFrames - 1;
    const pose = (t: number, f: Pose) => {
      const x = Math.min(Math.max(t * clip.fps, 0), last);
      const a = Math.min(Math.floor(x), Math.max(last - 1, 0)),
        b = Math.min(a + 1, last),
        u = x - a;
      for (let k = 0; k < 3; k++) f.rootPos[k] = clip.rootPos[a * 3 + k] * (1 - u) + clip.rootPos[b * 3 + k] * u;
      f.rootQuat.set(qSlerp(clip.rootQuat.subarray(a * 4, a * 4 + 4), clip.rootQuat.subarray(b * 4, b * 4 + 4), u));
      for (let c = 0; c < cj; c++) f.jointPos[toModel[c]] = clip.jointPos[a * cj + c] * (1 - u) + clip.jointPos[b * cj + c] * u;
      forwardKinematics(model, f.rootPos, f.rootQuat, f.jointPos, f.bodyPos, f.bodyQuat);
    };
    const mk = (): Pose => ({
      rootPos: new Float32Array(3),
      rootQuat: new Float32Array(4),
      jointPos: new Float32Array(nj),
      bodyPos: new Float32Array(nb * 3),
      bodyQuat: new Float32Array(nb * 4),
    });
    const lo = mk(),
      hi = mk();
    const h = 1 / clip.fps; // central difference over one source frame: interpolated central differences
    const end = clipDuration(clip);
    for (let s = 0; s < n; s++) {
      const t = Math.min(s * controlDt, end);
      const cur = this.frame(s);
      pose(t, cur);
      if (clip.nFrames < 2) continue;
      const ta = Math.max(0, t - h),
        tb = Math.min(end, t + h);
      pose(ta, lo);
      pose(tb, hi);
      poseVelocities(lo, hi, 1 / (tb - ta), cur);
    }
    if (clip.jointVel) this.useClipJointVel(clip.jointVel, toModel);
  }

  /** NPZ clips carry exact joint velocities: interpolate them instead of differencing. */
  private useClipJointVel(vel: Float32Array, toModel: number[]): void {
    const c = this.clip,
      cj = c.jointNames.length,
      last = c.nFrames - 1;
    for (let s = 0; s < this.nSteps; s++) {
      const x = Math.min(s * this.dt * c.fps, last);
      const a = Math.min(Math.floor(x), Math.max(last - 1, 0)),
        b = Math.min(a + 1, last),
        u = x - a;
      for (let k = 0; k < cj; k++) this.jointVel[s * this.nj + toModel[k]] = vel[a * cj + k] * (1 - u) + vel[b * cj + k] * u;
    }
  }

  private clampStep(step: number): number {
    return Math.min(Math.max(Math.floor(step), 0), this.nSteps - 1);
  }

  /** The reference at a control step (clamped past the end), as views into the precomputed arrays. */
  frame(step: number): ReferenceFrame {
    const s = this.clampStep(step);
    return referenceFrame(this.nj, this.nb, (key, k) => this[key].subarray(s * k, (s + 1) * k));
  }

  /** Copy the reference at `step` (clamped) into env `env` of a BatchState (same robot). */
  write(step: number, ref: BatchState, env: number): void {
    const f = this.frame(step);
    if (ref.nj !== this.nj || ref.nb !== this.nb) {
      fail('MotionError', this.clip.name, 'write', `batch has ${ref.nj} joints/${ref.nb} bodies, robot ${this.nj}/${this.nb}`);
    }
    writeFrame(f, ref, env);
  }

  /** The whole track as a clip at the control rate (model joint order, body poses and velocities filled in). */
  toClip(): MotionClip {
    return {
      name: this.clip.name,
      fps: 1 / this.dt,
      nFrames: this.nSteps,
      jointNames: this.model.joints.map((j) => j.name),
      rootPos: this.rootPos.slice(),
      rootQuat: this.rootQuat.slice(),
      jointPos: this.jointPos.slice(),
      jointVel: this.jointVel.slice(),
      bodyNames: this.model.bodies.map((b) => b.name),
      bodyPos: this.bodyPos.slice(),
      bodyQuat: this.bodyQuat.slice(),
      bodyLinVel: this.bodyLinVel.slice(),
      bodyAngVel: this.bodyAngVel.slice(),
    };
  }
}
