import { describe, expect, it } from 'vitest';
import { bodyPartOf, fullMask, maskOf, sampleBlend, type BlendSpec } from '../../src/core/motion/blend';
import { sampleClipPose, type PoseOut } from '../../src/core/motion/timeline';
import { qYaw } from '../../src/core/math';
import { danceClip, g1JointNames, walkClip } from './compose-data';

const pose = (nj: number): PoseOut => ({ rootPos: [0, 0, 0], rootQuat: [1, 0, 0, 0], jointPos: new Array(nj).fill(0) });

describe('clip blending', () => {
  const names = g1JointNames();
  const nj = names.length;

  it('sorts G1 joints into body parts by name', () => {
    expect(bodyPartOf('left_knee_joint')).toBe('legs');
    expect(bodyPartOf('right_ankle_roll_joint')).toBe('legs');
    expect(bodyPartOf('waist_yaw_joint')).toBe('torso');
    expect(bodyPartOf('left_shoulder_pitch_joint')).toBe('leftArm');
    expect(bodyPartOf('right_wrist_yaw_joint')).toBe('rightArm');
    const counts = names.map(bodyPartOf).reduce<Record<string, number>>((m, p) => ({ ...m, [p]: (m[p] ?? 0) + 1 }), {});
    expect(counts).toEqual({ legs: 12, torso: 3, leftArm: 7, rightArm: 7 });
  });

  it('takes the legs from one clip and the arms from another', () => {
    const march = walkClip('march', names, 4, 0, 0, 0.3);
    const dance = danceClip();
    const spec: BlendSpec = {
      jointNames: names,
      layers: [
        { clip: march, weight: 1, mask: maskOf(['root', 'legs', 'torso']) },
        { clip: dance, weight: 1, mask: maskOf(['leftArm', 'rightArm']) },
      ],
    };
    const out = pose(nj),
      a = pose(nj),
      b = pose(nj);
    for (const t of [0.5, 1.7, 3.2]) {
      sampleBlend(spec, t, out);
      sampleClipPose(march, names, t, a);
      sampleClipPose(dance, names, t, b);
      names.forEach((n, j) => {
        const want = /shoulder|elbow|wrist/.test(n) ? b.jointPos[j] : a.jointPos[j];
        expect(out.jointPos[j]).toBeCloseTo(want, 5);
      });
      expect(out.rootPos[2]).toBeCloseTo(a.rootPos[2], 5);
    }
  });

  it('blends with weights: weighted mean of joints, slerp of the root orientation', () => {
    const a = walkClip('a', names, 2, 0, 0, 0.2);
    const b = walkClip('b', names, 2, 0, Math.PI / 2, 0.6);
    const spec: BlendSpec = {
      jointNames: names,
      layers: [
        { clip: a, weight: 3, mask: fullMask() },
        { clip: b, weight: 1, mask: fullMask() },
      ],
    };
    const out = pose(nj),
      pa = pose(nj),
      pb = pose(nj);
    sampleBlend(spec, 0.7, out);
    sampleClipPose(a, names, 0.7, pa);
    sampleClipPose(b, names, 0.7, pb);
    for (let j = 0; j < nj; j++) expect(out.jointPos[j]).toBeCloseTo(0.75 * pa.jointPos[j] + 0.25 * pb.jointPos[j], 5);
    expect(qYaw(out.rootQuat)).toBeCloseTo(Math.PI / 8, 4); // 1/4 of the way from 0 to 90°
    expect(Math.hypot(...Array.from(out.rootQuat))).toBeCloseTo(1, 6);
  });

  it('clamps blended joint angles within limits, and changing a weight changes the pose', () => {
    const a = walkClip('a', names, 2, 0, 0, 1.2);
    const limits = names.map(() => [-0.5, 0.5] as [number, number]);
    const spec: BlendSpec = { jointNames: names, layers: [{ clip: a, weight: 1, mask: fullMask() }], limits };
    const out = pose(nj);
    let hit = 0;
    for (let t = 0; t < 1; t += 0.05) {
      sampleBlend(spec, t, out);
      for (const v of out.jointPos) {
        expect(Math.abs(v)).toBeLessThanOrEqual(0.5 + 1e-9);
        if (Math.abs(v) > 0.4999) hit++;
      }
    }
    expect(hit).toBeGreaterThan(0);
    const b = walkClip('b', names, 2, 0, 0, 0.0);
    const two: BlendSpec = {
      jointNames: names,
      layers: [
        { clip: a, weight: 1, mask: fullMask() },
        { clip: b, weight: 0, mask: fullMask() },
      ],
    };
    const p1 = pose(nj),
      p2 = pose(nj);
    sampleBlend(two, 0.3, p1);
    two.layers[1].weight = 1;
    sampleBlend(two, 0.3, p2);
    for (let j = 0; j < nj; j++) expect(p2.jointPos[j]).toBeCloseTo(p1.jointPos[j] / 2, 5);
  });
});
