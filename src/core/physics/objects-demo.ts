/**
 * objects: the push demo — a reference that carries a ball. From a standing frame, the named leg swings
 * forward (hip pitch by `swing` rad, knee straightening) over `swingS` seconds and back; a ball lies just in
 * front of the foot's toe. The reference ball track: the ball stays until the reference toe reaches it, then
 * leaves at the speed a heavy striker gives it and rolls on: v = 5/7·(1 + e)·u (u = toe speed at the strike,
 * e = restitution; 5/7 = rolling without slipping).
 */
import { fail } from '../errors';
import { forwardKinematics } from '../model/fk';
import type { ObjectSpec } from '../model/objects';
import { primitiveObject } from '../model/objects';
import type { RobotModel } from '../model/types';
import { emptyClip, setFrame } from '../motion/sample';
import type { MotionClip } from '../motion/types';
import { qRotate } from '../math';

export interface PushDemo {
  clip: MotionClip;
  ball: ObjectSpec;
}

export interface PushOptions {
  /** the leg's joints and foot body, by name */
  hip: string;
  knee: string;
  foot: string;
  /** toe point in the foot body's frame */
  toe: [number, number, number];
  fps?: number;
  swing?: number;
  swingS?: number;
  radius?: number;
  mass?: number;
}

/** The built-in humanoid's (humanoid29) right-leg kick: the app's kick demo and its core test use these. */
export const HUMANOID29_KICK: PushOptions = {
  hip: 'right_hip_pitch_joint',
  knee: 'right_knee_joint',
  foot: 'right_ankle_roll_link',
  toe: [0.12, 0, -0.03],
  radius: 0.11,
  swing: 0.8,
};

/** A push clip from a standing frame (root pose + joint angles by clip joint name) and the ball at the toe. */
export function pushDemo(model: RobotModel, stand: MotionClip, o: PushOptions): PushDemo {
  const fps = o.fps ?? 50,
    swing = o.swing ?? 0.5,
    swingS = o.swingS ?? 1.2,
    r = o.radius ?? 0.05;
  const names = stand.jointNames,
    nj = names.length;
  const hip = names.indexOf(o.hip),
    knee = names.indexOf(o.knee);
  const foot = model.bodyIndex.get(o.foot);
  if (hip < 0 || knee < 0 || foot === undefined)
    return fail('MotionError', stand.name, 'push demo', `needs joints ${o.hip}, ${o.knee} and body ${o.foot}`);
  const lead = Math.round(0.4 * fps),
    move = Math.round(swingS * fps),
    n = lead + 2 * move + Math.round(0.6 * fps);
  const clip = emptyClip('push_ball', fps, [...names], n);
  for (let f = 0; f < n; f++) {
    setFrame(clip, f, stand.rootPos.subarray(0, 3), stand.rootQuat.subarray(0, 4), stand.jointPos.subarray(0, nj));
    const t = f < lead ? 0 : f < lead + move ? (f - lead) / move : f < lead + 2 * move ? 1 - (f - lead - move) / move : 0;
    const s = 0.5 - 0.5 * Math.cos(Math.PI * t); // smooth 0 → 1
    clip.jointPos[f * nj + hip] -= swing * s;
    clip.jointPos[f * nj + knee] -= 0.6 * stand.jointPos[knee] * s;
  }
  const toes = toeTrack(model, clip, foot, o.toe);
  const gap = r + 0.006;
  const ball = primitiveObject(
    {
      name: 'ball',
      shape: 'sphere',
      size: [r],
      mass: o.mass ?? 0.2,
      friction: 0.8,
      restitution: 0.2,
      pos: [toes[0] + gap + 0.004, toes[1], r],
    },
    'push demo',
    [],
  );
  const pos = new Float32Array(n * 3),
    quat = new Float32Array(n * 4);
  let x = ball.pos[0],
    v = 0;
  for (let f = 0; f < n; f++) {
    const d = Math.hypot(toes[f * 3] - x, toes[f * 3 + 1] - ball.pos[1], toes[f * 3 + 2] - r);
    if (v === 0 && d <= gap) {
      // struck: a heavy foot at speed u sends the ball off at (1 + e)·u; rolling without slipping keeps 5/7 of it
      const u = ((toes[Math.min(f + 1, n - 1) * 3] - toes[Math.max(f - 1, 0) * 3]) * fps) / 2;
      v = (5 / 7) * (1 + ball.restitution) * Math.max(u, 0);
    }
    x += v / fps;
    pos.set([x, ball.pos[1], r], f * 3);
    quat[f * 4] = 1;
  }
  clip.objects = [{ name: 'ball', pos, quat }];
  return { clip, ball };
}

/** World position of the toe point per frame (forward kinematics of the clip). */
function toeTrack(model: RobotModel, clip: MotionClip, foot: number, toe: ArrayLike<number>): Float32Array {
  const nj = clip.jointNames.length;
  const out = new Float32Array(clip.nFrames * 3);
  const q = new Float64Array(model.joints.length);
  const nb = model.bodies.length;
  const P = new Float64Array(nb * 3),
    Q = new Float64Array(nb * 4);
  for (let f = 0; f < clip.nFrames; f++) {
    clip.jointNames.forEach((name, j) => (q[model.jointIndex.get(name)!] = clip.jointPos[f * nj + j]));
    forwardKinematics(model, clip.rootPos.subarray(f * 3, f * 3 + 3), clip.rootQuat.subarray(f * 4, f * 4 + 4), q, P, Q);
    const t = qRotate(Q.subarray(foot * 4, foot * 4 + 4), toe);
    out.set([P[foot * 3] + t[0], P[foot * 3 + 1] + t[1], P[foot * 3 + 2] + t[2]], f * 3);
  }
  return out;
}
