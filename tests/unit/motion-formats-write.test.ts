/**
 * Motion formats out: every writer reads back through our own loaders to the same numbers, and the Recorder
 * (fed like an episode loop) writes CSV / NPZ / JSON recordings that read back the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { forwardKinematics } from '../../src/core/model/fk';
import { createBatchState } from '../../src/core/physics/types';
import { readMotionFile } from '../../src/core/motion/formats/read';
import { parseRecordingJson, Recorder } from '../../src/core/motion/formats/record';
import { writeBeyondMimicCsv, writeBeyondMimicNpz, writeClip } from '../../src/core/motion/formats/write';
import type { MotionClip } from '../../src/core/motion/types';
import { writeMotionNpz } from '../../src/core/motion/npz';
import { loadG1 } from './model-helpers';

const g1 = loadG1('xml');
const names = g1.joints.map((j) => j.name);
const FIX = 'tests/fixtures/motion/';

/** Max |a − b| over root pose and joints, joints matched by name. */
function clipDiff(a: MotionClip, b: MotionClip): number {
  expect(b.nFrames).toBe(a.nFrames);
  let e = 0;
  for (let f = 0; f < a.nFrames; f++) {
    for (let k = 0; k < 3; k++) e = Math.max(e, Math.abs(a.rootPos[f * 3 + k] - b.rootPos[f * 3 + k]));
    for (let k = 0; k < 4; k++) e = Math.max(e, Math.abs(a.rootQuat[f * 4 + k] - b.rootQuat[f * 4 + k]));
    a.jointNames.forEach((n, j) => {
      const i = b.jointNames.indexOf(n);
      expect(i).toBeGreaterThanOrEqual(0);
      e = Math.max(e, Math.abs(a.jointPos[f * a.jointNames.length + j] - b.jointPos[f * b.jointNames.length + i]));
    });
  }
  return e;
}

describe('writers round-trip through our loaders', () => {
  // a PHC pickle clip (two clips in the file: the second, 9 frames at 30 Hz)
  const src = readMotionFile('phc.pkl', new Uint8Array(readFileSync(FIX + 'phc_two_clips_p2.pkl')), g1)[1];
  it('BeyondMimic CSV: root xyz, quat xyzw, joints in description order; reads back to 1e-6', () => {
    const text = writeBeyondMimicCsv(src, g1);
    const row = text.split('\n')[0].split(',').map(Number);
    expect(row.length).toBe(7 + 29);
    expect(row[6]).toBeCloseTo(src.rootQuat[0], 6); // w last
    expect(row[7 + 3]).toBeCloseTo(src.jointPos[src.jointNames.indexOf(names[3])], 6);
    const [back] = readMotionFile('walk_b_30hz.csv', new TextEncoder().encode(text), g1);
    expect(back.fps).toBe(30);
    expect(clipDiff(src, back)).toBeLessThan(1e-6);
  });
  it('BeyondMimic NPZ: IsaacLab joint/body order, bodies by FK, names inside; reads back exactly', () => {
    const bytes = writeBeyondMimicNpz(src, g1);
    const [back] = readMotionFile('walk_b.npz', bytes, g1);
    expect(back.format).toBe('BeyondMimic NPZ');
    expect(back.fps).toBe(30);
    expect(back.bodyNames!.length).toBe(g1.bodies.length);
    expect(back.bodyNames![0]).toBe(g1.bodies[0].name);
    expect(clipDiff(src, back)).toBeLessThan(1e-6);
    // the left foot's position in the file equals forward kinematics of frame 4
    const f = 4,
      nb = g1.bodies.length,
      bp = new Float32Array(nb * 3),
      bq = new Float32Array(nb * 4);
    const jp = names.map((n) => src.jointPos[f * 29 + src.jointNames.indexOf(n)]);
    forwardKinematics(g1, src.rootPos.subarray(f * 3, f * 3 + 3), src.rootQuat.subarray(f * 4, f * 4 + 4), jp, bp, bq);
    const foot = g1.bodyIndex.get('left_ankle_roll_link')!,
      k = back.bodyNames!.indexOf('left_ankle_roll_link');
    for (let c = 0; c < 3; c++) expect(back.bodyPos![(f * nb + k) * 3 + c]).toBeCloseTo(bp[foot * 3 + c], 5);
  });
  it('an NPZ without joint/body names (as whole_body_tracking writes it) is read in the IsaacLab order', () => {
    const named = readMotionFile('w.npz', writeBeyondMimicNpz(src, g1), g1)[0];
    const bare = writeMotionNpz(named, { names: false });
    const [back] = readMotionFile('bare.npz', bare, g1);
    expect(back.notes.join(' ')).toMatch(/IsaacLab \(breadth-first\) order/);
    expect(back.bodyNames).toEqual(named.bodyNames);
    expect(clipDiff(src, back)).toBeLessThan(1e-6);
  });
  it('viewer JSON: reads back exactly (float32 values survive JSON)', () => {
    const [back] = readMotionFile('walk_b.json', writeClip(src, g1, 'json'), g1);
    expect(back.fps).toBe(30);
    expect(clipDiff(src, back)).toBe(0);
  });
  it('a clip with a joint the robot lacks is a MotionError naming the joint', () => {
    const bad = { ...src, jointNames: src.jointNames.map((n, j) => (j === 2 ? 'tail_joint' : n)) };
    let err: unknown;
    try {
      writeBeyondMimicCsv(bad, g1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MimicError);
    expect((err as MimicError).where).toBe('joint tail_joint');
  });
});

describe('Recorder', () => {
  const steps = 25,
    dt = 0.02,
    nj = g1.joints.length;
  const rec = new Recorder(g1, dt, { env: 1, name: 'run', actionNames: names.slice(0, 23) });
  const state = createBatchState(2, nj, g1.bodies.length);
  for (let k = 0; k < steps; k++) {
    state.rootPos.set([0.01 * k, 0, 0.78], 3);
    const yaw = 0.02 * k;
    state.rootQuat.set([Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)], 4);
    for (let j = 0; j < nj; j++) {
      state.jointPos[nj + j] = Math.sin(k * 0.1 + j);
      state.jointTorque[nj + j] = 3 * j - k;
    }
    const actions = Array.from({ length: 23 }, (_, i) => i * 0.01 + k);
    const targets = Array.from({ length: nj }, (_, j) => 0.5 * Math.sin(k * 0.1 + j));
    rec.push(state, { actions, targets });
  }
  it('JSON recording: actions, PD targets and torques per step read back exactly', () => {
    const r = parseRecordingJson(rec.writeJson(), 'run.json');
    expect(r.clip.nFrames).toBe(steps);
    expect(r.clip.fps).toBeCloseTo(50, 9);
    expect(r.actions[7]).toEqual(Array.from({ length: 23 }, (_, i) => i * 0.01 + 7));
    expect(r.targets[3][5]).toBe(0.5 * Math.sin(0.3 + 5));
    expect(r.torques[10][4]).toBe(2); // state.jointTorque default: 3·4 − 10
    expect(r.actionNames).toEqual(names.slice(0, 23));
    expect(clipDiff(rec.toClip(), r.clip)).toBe(0);
    const [again] = readMotionFile('run.json', new TextEncoder().encode(rec.writeJson()), g1);
    expect(again.format).toBe('mimic-bench recording');
  });
  it('CSV and NPZ recordings read back to the recorded trajectory', () => {
    const [csv] = readMotionFile('run_50hz.csv', new TextEncoder().encode(rec.writeCsv()), g1);
    expect(clipDiff(rec.toClip(), csv)).toBeLessThan(1e-6);
    const [npz] = readMotionFile('run.npz', rec.writeNpz(), g1);
    expect(npz.fps).toBe(50);
    expect(clipDiff(rec.toClip(), npz)).toBeLessThan(1e-6);
  });
  it('files(): the three recordings by name', () => {
    expect(Object.keys(rec.files()).sort()).toEqual(['run.csv', 'run.json', 'run.npz']);
  });
  it('a wrong-sized action is a MotionError naming the step', () => {
    let err: unknown;
    try {
      rec.push(state, { actions: [1, 2] });
    } catch (e) {
      err = e;
    }
    expect((err as MimicError).where).toMatch(/actions/);
  });
});
