// startedSegment (src/core/motion/timeline.ts): the segment a policy switch begins with is the one whose start (its
// incoming crossfade included) has passed, not the one sampleTimeline calls dominant at the transition's middle.
import { describe, expect, it } from 'vitest';
import { sampleTimeline, startedSegment, type PoseOut, type Timeline } from '../../src/core/motion/timeline';
import { danceClip, g1JointNames } from './compose-data';

describe('startedSegment', () => {
  const names = g1JointNames();
  const dance = danceClip();
  const o: PoseOut = { rootPos: [0, 0, 0], rootQuat: [1, 0, 0, 0], jointPos: new Array(names.length).fill(0) };
  const tl = (loop: boolean): Timeline => ({
    jointNames: names,
    loop,
    segments: [
      { id: 'a', clip: dance, in: 0, out: 3, driver: 'policy', crossfade: 0.5, skill: { mode: 'command', commands: 'live' } },
      { id: 'b', clip: dance, in: 10, out: 14, driver: 'policy', crossfade: 0.5, skill: { policyId: 'p2', mode: 'clip' } },
    ],
  });

  it('starts the next segment where its crossfade starts; local time from there', () => {
    const t = tl(false);
    expect(startedSegment(t, 1)).toEqual({ index: 0, pass: 0, local: 1 });
    const s = startedSegment(t, 2.6); // b starts at 3 − 0.5 = 2.5
    expect(s.index).toBe(1);
    expect(s.local).toBeCloseTo(0.1, 9);
    expect(sampleTimeline(t, 2.6, o).segment).toBe(0); // still dominant in the blend of poses
    expect(startedSegment(t, 99).index).toBe(1); // clamped to the end
  });

  it('counts loop passes', () => {
    const t = tl(true); // period = 2.5 + 4 − 0.5 = 6
    const s = startedSegment(t, 6 + 1);
    expect(s).toMatchObject({ index: 0, pass: 1 });
    expect(s.local).toBeCloseTo(1, 9);
    expect(() => startedSegment({ ...t, segments: [] }, 0)).toThrow(/empty timeline/);
  });
});
