import { describe, expect, it } from 'vitest';
import {
  addSegment,
  moveSegment,
  removeSegment,
  sampleClipPose,
  sampleTimeline,
  timelineDuration,
  type PoseOut,
  type Timeline,
} from '../../src/core/motion/timeline';
import { qYaw } from '../../src/core/math';
import { danceClip, g1JointNames, walkClip } from './compose-data';

const pose = (nj: number): PoseOut => ({ rootPos: [0, 0, 0], rootQuat: [1, 0, 0, 0], jointPos: new Array(nj).fill(0) });
const angle = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  const d = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
  return 2 * Math.acos(Math.min(1, d));
};

interface Steps {
  pos: number;
  rot: number;
  joint: number;
}
/** max per-step change of root position, root orientation and joints over [t0, t1] */
function maxSteps(sample: (t: number, out: PoseOut) => void, nj: number, t0: number, t1: number, dt: number): Steps {
  const a = pose(nj),
    b = pose(nj);
  sample(t0, a);
  const m = { pos: 0, rot: 0, joint: 0 };
  for (let t = t0 + dt; t <= t1 + 1e-9; t += dt) {
    sample(t, b);
    m.pos = Math.max(m.pos, Math.hypot(b.rootPos[0] - a.rootPos[0], b.rootPos[1] - a.rootPos[1], b.rootPos[2] - a.rootPos[2]));
    m.rot = Math.max(m.rot, angle(a.rootQuat, b.rootQuat));
    for (let j = 0; j < nj; j++) m.joint = Math.max(m.joint, Math.abs(b.jointPos[j] - a.jointPos[j]));
    a.rootPos = Array.from(b.rootPos);
    a.rootQuat = Array.from(b.rootQuat);
    a.jointPos = Array.from(b.jointPos);
  }
  return m;
}

describe('timeline composition', () => {
  const names = g1JointNames();
  const dance = danceClip();
  const dt = 1 / 60;

  it('plays through a transition between two dance excerpts with no jump', () => {
    const tl: Timeline = {
      jointNames: names,
      loop: false,
      segments: [
        { id: 'a', clip: dance, in: 2, out: 8, driver: 'replay', crossfade: 0 },
        { id: 'b', clip: dance, in: 15, out: 22, driver: 'policy', crossfade: 0.6 },
      ],
    };
    expect(timelineDuration(tl)).toBeCloseTo(6 + 7 - 0.6, 6);
    const within = [
      maxSteps((t, o) => sampleClipPose(dance, names, t, o), names.length, 2, 8, dt),
      maxSteps((t, o) => sampleClipPose(dance, names, t, o), names.length, 15, 22, dt),
    ];
    const seam = maxSteps((t, o) => sampleTimeline(tl, t, o), names.length, 5, 6.4, dt); // transition: 5.4..6.0
    const lim = (k: keyof Steps) => Math.max(within[0][k], within[1][k]);
    expect(seam.pos).toBeLessThanOrEqual(lim('pos'));
    expect(seam.rot).toBeLessThanOrEqual(lim('rot'));
    expect(seam.joint).toBeLessThanOrEqual(lim('joint'));
    // without alignment / blending there would have been a jump much bigger than a step
    const a = pose(names.length),
      b = pose(names.length);
    sampleClipPose(dance, names, 7.4, a);
    sampleClipPose(dance, names, 15, b);
    const rawJump = Math.max(...a.jointPos.map((v, j) => Math.abs(v - b.jointPos[j])));
    expect(rawJump).toBeGreaterThan(seam.joint);
    // which segment plays, and its driver
    const o = pose(names.length);
    expect(sampleTimeline(tl, 1, o)).toMatchObject({ segment: 0, driver: 'replay', blend: 0 });
    expect(sampleTimeline(tl, 5.8, o).blend).toBeGreaterThan(0);
    expect(sampleTimeline(tl, 9, o)).toMatchObject({ segment: 1, driver: 'policy' });
  });

  it('aligns the next segment by yaw and position (walking on, not jumping back)', () => {
    const east = walkClip('east', names, 3, 1, 0);
    const north = walkClip('north', names, 3, 1, Math.PI / 2);
    const tl: Timeline = {
      jointNames: names,
      loop: false,
      segments: [
        { id: 'a', clip: east, in: 0, out: 3, driver: 'replay', crossfade: 0 },
        { id: 'b', clip: north, in: 0, out: 3, driver: 'replay', crossfade: 0 },
      ],
    };
    const o = pose(names.length);
    sampleTimeline(tl, 3, o);
    expect(o.rootPos[0]).toBeCloseTo(3.3, 3);
    sampleTimeline(tl, 5.999, o); // 3 s into 'north', re-headed to the end heading of 'east' (yaw 0)
    expect(o.rootPos[0]).toBeCloseTo(3.3 + 3, 1);
    expect(o.rootPos[1]).toBeCloseTo(-0.2, 1);
    expect(qYaw(o.rootQuat)).toBeCloseTo(0, 5);
    expect(o.rootPos[2]).toBeCloseTo(0.78, 5); // height is kept from the clip
  });

  it('loops the whole timeline with the root carried on and no jump at the loop seam', () => {
    // a 1 Hz gait, 2.5 s long: with a 0.5 s loop crossfade the period is 2 s (whole cycles)
    const walk = walkClip('walk', names, 2.5, 0.5, 0.4);
    const tl: Timeline = {
      jointNames: names,
      loop: true,
      segments: [{ id: 'w', clip: walk, in: 0, out: 2.5, driver: 'replay', crossfade: 0.5 }],
    };
    const period = timelineDuration(tl);
    expect(period).toBeCloseTo(2, 6);
    const within = maxSteps((t, o) => sampleClipPose(walk, names, t, o), names.length, 0, 2.5, 0.02);
    const seam = maxSteps((t, o) => sampleTimeline(tl, t, o), names.length, 0, 3 * period + 0.5, 0.02);
    expect(seam.pos).toBeLessThanOrEqual(within.pos * 1.0001);
    expect(seam.joint).toBeLessThanOrEqual(within.joint * 1.0001);
    const a = pose(names.length),
      b = pose(names.length);
    sampleTimeline(tl, 0.5, a);
    sampleTimeline(tl, 0.5 + 2 * period, b);
    expect(Math.hypot(b.rootPos[0] - a.rootPos[0], b.rootPos[1] - a.rootPos[1])).toBeGreaterThan(1.2); // walked on
  });

  it('adds, removes and reorders segments without mutating the original', () => {
    const w = walkClip('w', names, 1, 0, 0);
    let tl: Timeline = { jointNames: names, loop: false, segments: [] };
    tl = addSegment(tl, { id: 'a', clip: w, in: 0, out: 1, driver: 'replay', crossfade: 0 });
    tl = addSegment(tl, { id: 'b', clip: w, in: 0, out: 1, driver: 'builtin', crossfade: 0.2 });
    const t3 = addSegment(tl, { id: 'c', clip: w, in: 0, out: 1, driver: 'policy', crossfade: 0.2 }, 0);
    expect(t3.segments.map((s) => s.id)).toEqual(['c', 'a', 'b']);
    expect(tl.segments.map((s) => s.id)).toEqual(['a', 'b']);
    expect(moveSegment(t3, 0, 2).segments.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(removeSegment(t3, 1).segments.map((s) => s.id)).toEqual(['c', 'b']);
    expect(timelineDuration(t3)).toBeCloseTo(3 - 0.2, 6); // the first segment's crossfade only applies when looping
  });
});
