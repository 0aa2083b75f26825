// The app's live reference (timeline / blend → FK + finite differences) against the core's ReferenceTrack.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadRobot } from '../../src/core/model/index';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { createBatchState } from '../../src/core/physics/types';
import { sampleTimeline, type Timeline } from '../../src/core/motion/timeline';
import { LiveReference } from '../../src/app/live-reference';
import { danceClip } from './compose-data';

describe('live reference', () => {
  const g1 = loadRobot('g1_29dof_rev_1_0.xml', readFileSync('../shared/assets/g1/g1_29dof_rev_1_0.xml', 'utf8'));
  const dance = danceClip();

  it('matches the core ReferenceTrack for a single-clip timeline (poses exactly, velocities closely)', () => {
    const dt = 0.02;
    const track = new ReferenceTrack(g1, dance, dt);
    const tl: Timeline = {
      jointNames: g1.joints.map((j) => j.name),
      loop: false,
      segments: [{ id: 'd', clip: dance, in: 0, out: (dance.nFrames - 1) / 60, driver: 'policy', crossfade: 0 }],
    };
    const live = new LiveReference(g1, (t, o) => sampleTimeline(tl, t, o), dt, track.nSteps);
    const a = createBatchState(1, g1.joints.length, g1.bodies.length),
      b = createBatchState(1, g1.joints.length, g1.bodies.length);
    let maxVelErr = 0,
      maxVel = 0;
    for (const step of [10, 200, 600, 1200]) {
      track.write(step, a, 0);
      live.write(step, b, 0);
      for (let i = 0; i < a.jointPos.length; i++) expect(b.jointPos[i]).toBeCloseTo(a.jointPos[i], 4);
      for (let i = 0; i < a.bodyPos.length; i++) expect(b.bodyPos[i]).toBeCloseTo(a.bodyPos[i], 4);
      for (let i = 0; i < 4; i++) expect(Math.abs(b.rootQuat[i])).toBeCloseTo(Math.abs(a.rootQuat[i]), 4);
      for (let i = 0; i < a.jointVel.length; i++) {
        maxVelErr = Math.max(maxVelErr, Math.abs(b.jointVel[i] - a.jointVel[i]));
        maxVel = Math.max(maxVel, Math.abs(a.jointVel[i]));
      }
    }
    expect(maxVel).toBeGreaterThan(0.5);
    expect(maxVelErr).toBeLessThan(0.1 * maxVel); // both are central differences, over slightly different widths
  });
});
