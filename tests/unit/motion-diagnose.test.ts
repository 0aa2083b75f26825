/** Reference diagnostics on the real dance clip and on broken copies of it (teleport, sunk, floating, limits, NaN). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { clipSteps, diagnoseClip, diagnoseReference, groundShift, sliceClip, type ReferenceWarning } from '../../src/core/motion/diagnose';
import { loadRobot } from '../../src/core/model';
import type { MotionClip } from '../../src/core/motion/types';
import { dirResolver, loadG1 } from './model-helpers';

const g1 = loadG1('xml');
const FILE = 'G1_Take_102.bvh_60hz.csv';
const dance = parseMotionCsv(
  readFileSync(`../shared/assets/policies/g1-dance-102/${FILE}`, 'utf8'),
  FILE,
  g1.joints.map((j) => j.name),
);
const part = sliceClip(dance, 0, 240);
const copy = (c: MotionClip): MotionClip => ({
  ...c,
  rootPos: c.rootPos.slice(),
  rootQuat: c.rootQuat.slice(),
  jointPos: c.jointPos.slice(),
});
const codes = (w: ReferenceWarning[]) => w.map((x) => x.code);
const find = (w: ReferenceWarning[], code: string) => w.find((x) => x.code === code);

describe('reference diagnostics', () => {
  it('the real dance clip (1,749 frames) is clean: no warnings, nothing dropped', () => {
    const d = diagnoseClip(dance, g1);
    expect(d.warnings).toEqual([]);
    expect([d.start, d.end]).toEqual([0, 1749]);
    expect(d.clip).toBe(dance);
    expect(Math.min(...d.lowest)).toBeGreaterThan(-0.04); // it sinks at most 2.6 cm
  });
  it('a teleporting first frame is diagnosed and dropped by default; repair: false keeps it', () => {
    const c = copy(part);
    c.rootPos[0] += 1.0; // frame 0 one metre away
    const d = diagnoseClip(c, g1);
    expect(codes(d.warnings)).toEqual(['dropped_frame']);
    expect(d.warnings[0].frames).toEqual([0]);
    expect(d.warnings[0].message).toMatch(/frame 0 \(first\) is broken \(root_jump\) and was dropped/);
    expect([d.start, d.end, d.clip.nFrames]).toEqual([1, 240, 239]);
    expect(d.clip.rootPos[0]).toBe(part.rootPos[3]);
    const kept = diagnoseClip(c, g1, { repair: false });
    expect(kept.clip).toBe(c);
    const jump = find(kept.warnings, 'root_jump')!;
    expect(jump.frames).toEqual([0]);
    expect(jump.message).toMatch(/0→1 \(up to 60\.\d\d m\/s/);
  });
  it('a broken last frame (joint snap) is dropped; a glitch in the middle is reported, not repaired', () => {
    const c = copy(part),
      nj = 29;
    c.jointPos[239 * nj + 3] += 1.5;
    const d = diagnoseClip(c, g1);
    expect(codes(d.warnings)).toEqual(['dropped_frame']);
    expect(d.warnings[0].message).toMatch(/frame 239 \(last\) .*joint_jump/);
    expect(d.end).toBe(239);
    const m = copy(part);
    m.jointPos[120 * nj + 3] += 1.5;
    const dm = diagnoseClip(m, g1);
    expect(find(dm.warnings, 'joint_jump')!.frames).toEqual([119, 120]);
    expect(find(dm.warnings, 'joint_jump')!.message).toMatch(/left_knee_joint 9\d\.\d rad\/s/);
    expect([dm.start, dm.end]).toEqual([0, 240]);
  });
  it('feet 0.12 m below the floor are diagnosed with the depth and frames; 0.3 m above: floating', () => {
    const low = copy(part);
    for (let f = 0; f < low.nFrames; f++) low.rootPos[f * 3 + 2] -= 0.12;
    const d = diagnoseClip(low, g1);
    const w = find(d.warnings, 'below_floor')!;
    expect(w.count).toBe(240);
    expect(w.frames.slice(0, 3)).toEqual([0, 1, 2]);
    const depth = Number(/(\d\.\d+) m below/.exec(w.message)![1]);
    expect(depth).toBeGreaterThan(0.12);
    expect(depth).toBeLessThan(0.15);
    expect(d.lowest[0]).toBeCloseTo(diagnoseClip(part, g1).lowest[0] - 0.12, 5);
    expect(d.clip).toBe(low); // nothing to drop
    const high = copy(part);
    for (let f = 0; f < high.nFrames; f++) high.rootPos[f * 3 + 2] += 0.3;
    expect(find(diagnoseClip(high, g1).warnings, 'floating')!.message).toMatch(/at least 0\.2\d\d m above/);
  });
  it('joint-limit violations name the joint and frames; an implausible rate is flagged', () => {
    const c = copy(part),
      k = g1.jointIndex.get('left_knee_joint')!;
    for (const f of [50, 51, 52]) c.jointPos[f * 29 + k] = g1.joints[k].range![1] + 0.3;
    const w = find(diagnoseClip(c, g1).warnings, 'joint_limit')!;
    expect(w.frames).toEqual([50, 51, 52]);
    expect(w.message).toMatch(/left_knee_joint by 0\.300 rad/);
    expect(codes(diagnoseClip({ ...part, fps: 2 }, g1).warnings)).toContain('implausible_rate');
    const fast = copy(part);
    for (let f = 0; f < fast.nFrames; f++) fast.rootPos[f * 3] = 0.2 * f; // 12 m/s at 60 Hz
    expect(find(diagnoseClip(fast, g1).warnings, 'implausible_speed')!.message).toMatch(/12\.0 m\/s .* 60 Hz/);
  });
  it('per-step arrays (an embedded reference): a NaN last step and a non-unit quaternion', () => {
    const steps = clipSteps(part, g1);
    const jp = Float32Array.from(steps.jointPos),
      rq = Float32Array.from(steps.rootQuat);
    jp[239 * 29 + 5] = NaN;
    rq[100 * 4] *= 1.2;
    const d = diagnoseReference(g1, { ...steps, jointPos: jp, rootQuat: rq });
    expect(codes(d.warnings)).toEqual(['dropped_frame', 'non_unit_quaternion']);
    expect(d.warnings[0].message).toMatch(/frame 239 \(last\) is broken \(non_finite\)/);
    expect(d.warnings[1].frames).toEqual([100]);
    expect(d.end).toBe(239);
  });
  it('another robot (Booster T1, capsule feet, other joint names): standing clip clean, sunk 0.12 m diagnosed, ground shift', () => {
    const dir = '../shared/assets/t1/';
    const t1 = loadRobot('t1_29dof.xml', readFileSync(dir + 't1_29dof.xml', 'utf8'), dirResolver(dir));
    const n = 30,
      nj = t1.joints.length;
    const stand: MotionClip = {
      name: 'stand',
      fps: 50,
      nFrames: n,
      jointNames: t1.joints.map((j) => j.name),
      rootPos: new Float32Array(n * 3),
      rootQuat: new Float32Array(n * 4).map((_, i) => (i % 4 === 0 ? 1 : 0)),
      jointPos: new Float32Array(n * nj),
    };
    const shift = groundShift(t1, clipSteps(stand, t1));
    expect(shift).toBeGreaterThan(0.3); // root at 0: the feet are well below the floor
    for (let f = 0; f < n; f++) stand.rootPos[f * 3 + 2] = shift;
    expect(diagnoseClip(stand, t1).warnings).toEqual([]);
    expect(Math.abs(groundShift(t1, clipSteps(stand, t1)))).toBeLessThan(1e-5);
    const sunk = copy(stand);
    for (let f = 0; f < n; f++) sunk.rootPos[f * 3 + 2] -= 0.12;
    const w = find(diagnoseClip(sunk, t1).warnings, 'below_floor')!;
    expect(w.message).toMatch(/0\.120 m below the floor in frames 0–29/);
    expect(groundShift(t1, clipSteps(sunk, t1))).toBeCloseTo(0.12, 5);
  });
});
