/**
 * Reference diagnostics of a clip, shown beside its results so a bad reference is not mistaken for a bad
 * policy. One concept with motion/diagnose.ts: `diagnoseEvalClip` runs its coded checks (jumps, floor, joint
 * limits, quaternions, rate; an isolated broken first/last frame dropped unless repair is false) and adds this
 * summary of the clip as run: length and rate, root height range and speed, the fastest joint, joint-limit
 * violations against the robot file's ranges, and non-finite values.
 */
import type { RobotModel } from '../model/types';
import { diagnoseClip, type ReferenceWarning } from '../motion/diagnose';
import type { MotionClip } from '../motion/types';

export interface ClipDiagnostics {
  frames: number;
  fps: number;
  seconds: number;
  non_finite: number;
  root_height_m: [number, number];
  max_root_speed_m_s: number;
  max_joint_speed_rad_s: number;
  fastest_joint: string;
  /** (frame, joint) samples outside the robot's joint range */
  limit_violations: number;
  max_limit_excess_rad: number;
  worst_limit_joint: string;
  /** frames [start, end) of the clip as given that were run (repair drops a broken first/last frame) */
  kept_frames: [number, number];
  /** the coded warnings (motion/diagnose.ts), frame numbers of the clip as given */
  reference_warnings: ReferenceWarning[];
}

/** The clip diagnosed (and repaired unless `repair` is false): the clip to run and its diagnostics. */
export function diagnoseEvalClip(model: RobotModel, clip: MotionClip, repair = true): { clip: MotionClip; diagnostics: ClipDiagnostics } {
  const d = diagnoseClip(clip, model, { repair });
  return {
    clip: d.clip,
    diagnostics: { ...clipDiagnostics(model, d.clip), kept_frames: [d.start, d.end], reference_warnings: d.warnings },
  };
}

const r4 = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

function clipDiagnostics(model: RobotModel, c: MotionClip): Omit<ClipDiagnostics, 'kept_frames' | 'reference_warnings'> {
  const nj = c.jointNames.length,
    F = c.nFrames;
  let bad = 0;
  for (const a of [c.rootPos, c.rootQuat, c.jointPos]) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) bad++;
  let zMin = Infinity,
    zMax = -Infinity,
    vRoot = 0;
  for (let f = 0; f < F; f++) {
    const z = c.rootPos[f * 3 + 2];
    zMin = Math.min(zMin, z);
    zMax = Math.max(zMax, z);
    if (f)
      vRoot = Math.max(
        vRoot,
        Math.hypot(c.rootPos[f * 3] - c.rootPos[f * 3 - 3], c.rootPos[f * 3 + 1] - c.rootPos[f * 3 - 2], z - c.rootPos[f * 3 - 1]) * c.fps,
      );
  }
  let vJoint = 0,
    fastest = '',
    violations = 0,
    excess = 0,
    worst = '';
  for (let j = 0; j < nj; j++) {
    const range = model.joints[model.jointIndex.get(c.jointNames[j]) ?? -1]?.range ?? null;
    for (let f = 0; f < F; f++) {
      const q = c.jointPos[f * nj + j];
      if (f) {
        const v = Math.abs(q - c.jointPos[(f - 1) * nj + j]) * c.fps;
        if (v > vJoint) {
          vJoint = v;
          fastest = c.jointNames[j];
        }
      }
      if (range) {
        const e = Math.max(range[0] - q, q - range[1]);
        if (e > 1e-6) {
          violations++;
          if (e > excess) {
            excess = e;
            worst = c.jointNames[j];
          }
        }
      }
    }
  }
  return {
    frames: F,
    fps: r4(c.fps),
    seconds: r4((F - 1) / c.fps),
    non_finite: bad,
    root_height_m: [r4(zMin), r4(zMax)],
    max_root_speed_m_s: r4(vRoot),
    max_joint_speed_rad_s: r4(vJoint),
    fastest_joint: fastest,
    limit_violations: violations,
    max_limit_excess_rad: r4(excess),
    worst_limit_joint: worst,
  };
}
