import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { createBatchState } from '../../src/core/physics/types';
import { parseMotionNpz, writeMotionNpz } from '../../src/core/motion/npz';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { clipVelocities, resampleClip } from '../../src/core/motion/sample';
import { danceClip, loadG1 } from './policy-fixture';

const model = loadG1();
const names = model.joints.map((j) => j.name);
const clip = danceClip(model);

describe('real dance clip on the G1', () => {
  const track = new ReferenceTrack(model, clip, 0.02);
  it('frame 0: the lowest foot body (ankle roll links) is within 3 cm of the ground', () => {
    const f = track.frame(0);
    const z = ['left_ankle_roll_link', 'right_ankle_roll_link'].map((n) => f.bodyPos[model.bodyIndex.get(n)! * 3 + 2]);
    expect(Math.abs(Math.min(...z))).toBeLessThan(0.03);
    expect(f.bodyPos[2]).toBeCloseTo(clip.rootPos[2], 5); // body 0 = root
  });
  it('resampled to 50 Hz: 1,457 ± 1 frames (the clip and the track)', () => {
    expect(Math.abs(resampleClip(clip, 50).nFrames - 1457)).toBeLessThanOrEqual(1);
    expect(Math.abs(track.nSteps - 1457)).toBeLessThanOrEqual(1);
    expect(track.dt).toBe(0.02);
    expect(track.missingJoints).toEqual([]);
  });
  it('velocities agree with a central difference of the original clip to within interpolation error', () => {
    const cd = clipVelocities(clip);
    const nj = names.length;
    let checked = 0,
      worstJ = 0,
      worstLin = 0,
      worstAng = 0;
    for (let s = 1; s < track.nSteps - 1; s++) {
      const x = s * 0.02 * 60,
        a = Math.floor(x + 1e-9),
        u = x - a;
      const f = track.frame(s);
      for (let j = 0; j < nj; j++) {
        const want = cd.jointVel[a * nj + j] * (1 - u) + (u > 1e-9 ? cd.jointVel[(a + 1) * nj + j] * u : 0);
        worstJ = Math.max(worstJ, Math.abs(f.jointVel[j] - want) / (1 + 0.1 * Math.abs(want)));
      }
      for (let k = 0; k < 3; k++) {
        const lin = cd.rootLinVel[a * 3 + k] * (1 - u) + (u > 1e-9 ? cd.rootLinVel[(a + 1) * 3 + k] * u : 0);
        const ang = cd.rootAngVel[a * 3 + k] * (1 - u) + (u > 1e-9 ? cd.rootAngVel[(a + 1) * 3 + k] * u : 0);
        worstLin = Math.max(worstLin, Math.abs(f.rootLinVel[k] - lin));
        worstAng = Math.max(worstAng, Math.abs(f.rootAngVel[k] - ang) / (1 + 0.5 * Math.abs(ang)));
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(1400);
    expect(worstJ).toBeLessThan(1e-3);
    expect(worstLin).toBeLessThan(1e-3);
    expect(worstAng).toBeLessThan(0.02);
  });
  it('body velocities match finite differences of the body poses', () => {
    const nb = model.bodies.length;
    let se = 0,
      sv = 0;
    for (let s = 1; s < track.nSteps - 1; s++) {
      const a = track.frame(s - 1),
        b = track.frame(s + 1),
        c = track.frame(s);
      for (let i = 0; i < nb * 3; i++) {
        const fd = (b.bodyPos[i] - a.bodyPos[i]) / 0.04;
        se += (c.bodyLinVel[i] - fd) ** 2;
        sv += fd ** 2;
      }
    }
    expect(Math.sqrt(se / sv)).toBeLessThan(0.1); // relative RMS difference (sub-step interpolation only)
  });
  it('write() fills one env of a BatchState, clamps past the end', () => {
    const st = createBatchState(2, names.length, model.bodies.length);
    track.write(10, st, 1);
    const f = track.frame(10);
    expect(Array.from(st.jointPos.subarray(names.length, 2 * names.length))).toEqual(Array.from(f.jointPos));
    expect(Array.from(st.bodyQuat.subarray(model.bodies.length * 4))).toEqual(Array.from(f.bodyQuat));
    expect(st.jointPos[0]).toBe(0);
    track.write(1e6, st, 0);
    expect(Array.from(st.rootPos.subarray(0, 3))).toEqual(Array.from(track.frame(track.nSteps - 1).rootPos));
  });
  it('NPZ export of the track (every body by FK) reads back', () => {
    const bytes = writeMotionNpz(track.toClip(), { compress: true });
    const back = parseMotionNpz(bytes, 'dance.npz');
    expect(back.nFrames).toBe(track.nSteps);
    expect(back.bodyNames).toEqual(model.bodies.map((b) => b.name));
    expect(back.rootPos[3 * 100 + 2]).toBeCloseTo(track.rootPos[3 * 100 + 2], 6);
    const again = new ReferenceTrack(model, back, 0.02);
    expect(again.frame(200).bodyPos[40]).toBeCloseTo(track.frame(200).bodyPos[40], 4);
  });
});

describe('joint matching by name', () => {
  it('a clip joint the robot lacks → MotionError naming it; robot joints missing from the clip hold 0', () => {
    const bad = { ...clip, jointNames: [...names.slice(0, 28), 'tail_joint'] };
    let err: unknown;
    try {
      new ReferenceTrack(model, bad, 0.02);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MimicError);
    expect((err as MimicError).kind).toBe('MotionError');
    expect((err as MimicError).where).toBe('joint tail_joint');
    // drop the two wrist yaw columns
    const keep = names.map((n, j) => [n, j] as const).filter(([n]) => !n.includes('wrist_yaw'));
    const nj = names.length,
      n = 30;
    const part = {
      ...clip,
      nFrames: n,
      jointNames: keep.map(([nm]) => nm),
      rootPos: clip.rootPos.slice(0, n * 3),
      rootQuat: clip.rootQuat.slice(0, n * 4),
      jointPos: Float32Array.from(
        { length: n * keep.length },
        (_, i) => clip.jointPos[Math.floor(i / keep.length) * nj + keep[i % keep.length][1]],
      ),
    };
    const t = new ReferenceTrack(model, part, 0.02);
    expect(t.missingJoints.sort()).toEqual(['left_wrist_yaw_joint', 'right_wrist_yaw_joint']);
    const f = t.frame(5);
    expect(f.jointPos[model.jointIndex.get('left_wrist_yaw_joint')!]).toBe(0);
    const knee = model.jointIndex.get('left_knee_joint')!;
    expect(f.jointPos[knee]).toBeCloseTo(clip.jointPos[6 * nj + knee], 5); // step 5 at 50 Hz = frame 6 at 60 Hz
  });
});
