/**
 * A reference computed live from the timeline or the blend (which can change while playing), with the
 * same shape as the core's ReferenceTrack (nSteps, dt, frame(step), write(step, ref, env)): root and joint
 * poses from the sampler, body poses by forward kinematics, velocities by central differences.
 */
import { forwardKinematics } from '../core/model/fk';
import { poseVelocities, writeFrame } from '../core/motion/reference';
import type { RobotModel } from '../core/model/types';
import type { BatchState } from '../core/physics/types';
import { referenceFrame, type MotionClip, type ReferenceFrame } from '../core/motion/types';
import type { PoseOut } from '../core/motion/timeline';

export type PoseSampler = (t: number, out: PoseOut) => void;

const H = 1 / 120; // half-width of the difference, s

export class LiveReference {
  readonly nj: number;
  readonly nb: number;
  /** for code that reads ReferenceTrack.clip (name only) */
  readonly clip: MotionClip;
  private readonly cache = new Map<number, ReferenceFrame>();
  private readonly lo: ReferenceFrame;
  private readonly hi: ReferenceFrame;
  private readonly names: string[];
  private readonly modelOrder: PoseOut;

  constructor(
    readonly model: RobotModel,
    private sampler: PoseSampler,
    readonly dt: number,
    public nSteps: number,
    name = 'composed',
  ) {
    this.nj = model.joints.length;
    this.nb = model.bodies.length;
    this.names = model.joints.map((j) => j.name);
    this.lo = this.alloc();
    this.hi = this.alloc();
    this.modelOrder = { rootPos: new Float32Array(3), rootQuat: new Float32Array(4), jointPos: new Float32Array(this.nj) };
    this.clip = {
      name,
      fps: 1 / dt,
      nFrames: Math.max(1, Math.min(nSteps, 1e6)),
      jointNames: this.names,
      rootPos: new Float32Array(3),
      rootQuat: new Float32Array([1, 0, 0, 0]),
      jointPos: new Float32Array(this.nj),
    };
  }

  /** Swap the sampler (blend weights changed, timeline edited); cached frames are dropped. */
  setSampler(s: PoseSampler, nSteps?: number): void {
    this.sampler = s;
    if (nSteps !== undefined) this.nSteps = nSteps;
    this.cache.clear();
  }

  private alloc(): ReferenceFrame {
    return referenceFrame(this.nj, this.nb, (_, k) => new Float32Array(k));
  }

  private pose(t: number, out: ReferenceFrame): void {
    const p = this.modelOrder;
    this.sampler(t, p);
    out.rootPos.set(p.rootPos);
    out.rootQuat.set(p.rootQuat);
    out.jointPos.set(p.jointPos);
    forwardKinematics(this.model, out.rootPos, out.rootQuat, out.jointPos, out.bodyPos, out.bodyQuat);
  }

  /** Reference at time t (s), not cached. */
  at(t: number, out: ReferenceFrame = this.alloc()): ReferenceFrame {
    this.pose(t, out);
    const lo = this.lo,
      hi = this.hi;
    const ta = Math.max(0, t - H),
      tb = t + H;
    this.pose(ta, lo);
    this.pose(tb, hi);
    poseVelocities(lo, hi, 1 / (tb - ta), out);
    return out;
  }

  frame(step: number): ReferenceFrame {
    const s = Math.max(0, Math.floor(step));
    let f = this.cache.get(s);
    if (!f) {
      if (this.cache.size > 8) this.cache.clear();
      f = this.at(s * this.dt);
      this.cache.set(s, f);
    }
    return f;
  }

  write(step: number, ref: BatchState, env: number): void {
    writeFrame(this.frame(step), ref, env);
  }
}
