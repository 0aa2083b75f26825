import { describe, expect, it } from 'vitest';
import { qFromAxisAngle, qYaw } from '../../src/core/math';
import { ReferenceTrack } from '../../src/core/motion/reference';
import {
  clipVelocities,
  loopClip,
  mirrorClip,
  newSample,
  resampleClip,
  sampleClip,
  timeScaleClip,
  trimClip,
} from '../../src/core/motion/sample';
import { clipDuration, type MotionClip } from '../../src/core/motion/types';
import { danceClip, loadG1 } from './policy-fixture';

/** Analytic clip: joint j = sin(w_j t), root walks along x at 0.5 m/s and turns about a tilted axis at 0.8 rad/s. */
const W = [1, 2, 3];
const AXIS = [0.3, 0.1, 1].map((v) => v / Math.hypot(0.3, 0.1, 1));
function analytic(fps: number, seconds: number): MotionClip {
  const n = Math.round(seconds * fps) + 1;
  const c: MotionClip = {
    name: 'a',
    fps,
    nFrames: n,
    jointNames: ['left_hip_roll_joint', 'right_hip_roll_joint', 'knee'],
    rootPos: new Float32Array(n * 3),
    rootQuat: new Float32Array(n * 4),
    jointPos: new Float32Array(n * 3),
  };
  for (let f = 0; f < n; f++) {
    const t = f / fps;
    c.rootPos.set([0.5 * t, 0.1, 0.8], f * 3);
    c.rootQuat.set(qFromAxisAngle(AXIS, 0.8 * t), f * 4);
    W.forEach((w, j) => {
      c.jointPos[f * 3 + j] = Math.sin(w * t);
    });
  }
  return c;
}

describe('sampling', () => {
  const clip = analytic(60, 2);
  it('sampleClip: exact at frames, lerp/slerp between, clamps, loops', () => {
    const s = newSample(3);
    sampleClip(clip, 30 / 60, s);
    expect(s.jointPos[1]).toBeCloseTo(Math.sin(1), 6);
    sampleClip(clip, 30.5 / 60, s);
    expect(s.jointPos[0]).toBeCloseTo((Math.sin(30 / 60) + Math.sin(31 / 60)) / 2, 6);
    expect(s.rootQuat[0]).toBeCloseTo(Math.cos((0.8 * 30.5) / 60 / 2), 5); // slerp of a constant-rate rotation
    sampleClip(clip, 99, s);
    expect(s.rootPos[0]).toBeCloseTo(1.0, 5);
    sampleClip(clip, -1, s);
    expect(s.rootPos[0]).toBeCloseTo(0, 6);
    sampleClip(clip, 2 + 0.5, s, true);
    expect(s.rootPos[0]).toBeCloseTo(0.25, 5);
  });
  it('resample, trim, time scale', () => {
    const r = resampleClip(clip, 50);
    expect(r.nFrames).toBe(101);
    expect(r.jointPos[50 * 3 + 2]).toBeCloseTo(Math.sin(3), 3);
    const tr = trimClip(clip, 0.5, 1.5);
    expect(tr.nFrames).toBe(61);
    expect(tr.rootPos[0]).toBeCloseTo(0.25, 5);
    const fast = timeScaleClip(clip, 2);
    expect(clipDuration(fast)).toBeCloseTo(1, 6);
    expect(fast.jointPos[(fast.nFrames - 1) * 3]).toBeCloseTo(Math.sin(2), 5);
  });
  it('loopClip continues the root path and heading across repeats', () => {
    const turn = analytic(30, 1);
    for (let f = 0; f < turn.nFrames; f++) turn.rootQuat.set(qFromAxisAngle([0, 0, 1], (f / 30) * (Math.PI / 2)), f * 4);
    const l = loopClip(turn, 4);
    expect(l.nFrames).toBe(121);
    const yaws = [0, 30, 60, 90].map((k) => qYaw(l.rootQuat.subarray(k * 4, k * 4 + 4)));
    expect(yaws[1]).toBeCloseTo(Math.PI / 2, 4);
    expect(Math.abs(yaws[2])).toBeCloseTo(Math.PI, 4);
    // walking 0.5 m forward per pass while turning 90° per pass: after four passes back at the start
    expect(l.rootPos[120 * 3]).toBeCloseTo(0, 4);
    expect(l.rootPos[30 * 3]).toBeCloseTo(0.5, 4);
    expect(l.rootPos[60 * 3 + 1]).toBeCloseTo(0.1 + 0.5, 4);
    // no jumps at the seams
    for (let k = 1; k < l.nFrames; k++)
      expect(Math.hypot(l.rootPos[k * 3] - l.rootPos[k * 3 - 3], l.rootPos[k * 3 + 1] - l.rootPos[k * 3 - 2])).toBeLessThan(0.02);
  });
  it('clipVelocities: central differences and SO(3)-log angular velocity (world frame)', () => {
    const v = clipVelocities(clip);
    for (const f of [10, 60, 100]) {
      const t = f / 60;
      W.forEach((w, j) => expect(v.jointVel[f * 3 + j]).toBeCloseTo(w * Math.cos(w * t), 2));
      expect(v.rootLinVel[f * 3]).toBeCloseTo(0.5, 4);
      AXIS.forEach((a, k) => expect(v.rootAngVel[f * 3 + k]).toBeCloseTo(0.8 * a, 4));
    }
  });
});

describe('mirror (G1)', () => {
  const model = loadG1();
  const names = model.joints.map((j) => j.name);
  const clip = trimClip(danceClip(model), 10, 12);
  it('swaps sides, negates roll/yaw, reflects the root; twice = identity; bodies mirror under FK', () => {
    const m = mirrorClip(clip);
    const nj = names.length;
    const l = names.indexOf('left_hip_roll_joint'),
      r = names.indexOf('right_hip_roll_joint'),
      p = names.indexOf('left_knee_joint');
    expect(m.jointPos[5 * nj + l]).toBeCloseTo(-clip.jointPos[5 * nj + r], 6);
    expect(m.jointPos[5 * nj + p]).toBeCloseTo(clip.jointPos[5 * nj + names.indexOf('right_knee_joint')], 6);
    expect(m.rootPos[5 * 3 + 1]).toBeCloseTo(-clip.rootPos[5 * 3 + 1], 6);
    const back = mirrorClip(m);
    for (let i = 0; i < clip.jointPos.length; i++) expect(back.jointPos[i]).toBeCloseTo(clip.jointPos[i], 6);
    const a = new ReferenceTrack(model, clip, 0.02),
      b = new ReferenceTrack(model, m, 0.02);
    let worst = 0;
    for (const s of [0, 40, 99]) {
      const fa = a.frame(s),
        fb = b.frame(s);
      for (const [x, y] of [
        ['left_wrist_yaw_link', 'right_wrist_yaw_link'],
        ['left_ankle_roll_link', 'right_ankle_roll_link'],
      ]) {
        const i = model.bodyIndex.get(x)!,
          k = model.bodyIndex.get(y)!;
        worst = Math.max(
          worst,
          Math.abs(fb.bodyPos[i * 3] - fa.bodyPos[k * 3]),
          Math.abs(fb.bodyPos[i * 3 + 1] + fa.bodyPos[k * 3 + 1]),
          Math.abs(fb.bodyPos[i * 3 + 2] - fa.bodyPos[k * 3 + 2]),
        );
      }
    }
    expect(worst).toBeLessThan(0.01); // the G1 is left/right symmetric to within millimetres
  });
});
