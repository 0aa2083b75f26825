// Human–object interaction references: SkillMimic BallPlay rows, holosoma object arrays, object metrics.
import { describe, expect, test } from 'vitest';
import { ObjectMetrics, objectOriError } from '../../src/core/evaluation/metrics/objects';
import { qFromAxisAngle } from '../../src/core/math';
import { expMapQuat, holosomaObjectTrack, parseSkillMimicRows, SKILLMIMIC_COLUMNS } from '../../src/core/motion/formats/hoi';
import type { NpyArray } from '../../src/core/motion/npy';
import { createObjectState } from '../../src/core/physics/objects';

/** Two SkillMimic rows: root at (1,2,0.9) turned 90° about z, ball at (0.5,0,1.2) turned −0.3 rad about x, contact 0.8 / 0.2. */
function rows(): Float32Array {
  const r = new Float32Array(2 * SKILLMIMIC_COLUMNS);
  for (let f = 0; f < 2; f++) {
    const o = f * SKILLMIMIC_COLUMNS;
    r.set([1, 2, 0.9, 0, 0, Math.PI / 2], o);
    r.set([0.5, 0, 1.2 + f * 0.1], o + 324);
    r.set([0.3, 0, 0], o + 327); // stored negated: the rotation is −0.3 rad about x
    r[o + 336] = f === 0 ? 0.8 : 0.2;
    r[o + 165 + 3] = 7; // body 1 x
  }
  return r;
}

describe('SkillMimic BallPlay rows', () => {
  test('root, ball pose (negated exp map), contact label, skill class from the file name', () => {
    const c = parseSkillMimicRows(rows(), SKILLMIMIC_COLUMNS, 'data/001_dribble_3.pt');
    expect(c.skill).toBe(1);
    expect(c.nFrames).toBe(2);
    expect(Array.from(c.rootPos.slice(0, 3))).toEqual([1, 2, Math.fround(0.9)]);
    const want = qFromAxisAngle([0, 0, 1], Math.PI / 2);
    expect(objectOriError(c.rootQuat, 0, want, 0)).toBeLessThan(1e-6);
    expect(objectOriError(c.object.quat, 0, qFromAxisAngle([1, 0, 0], -0.3), 0)).toBeLessThan(1e-6);
    expect(c.object.pos[5]).toBeCloseTo(1.3, 6);
    expect(Array.from(c.object.contact!)).toEqual([1, 0]);
    expect(c.bodyPos[3]).toBe(7);
    expect(expMapQuat(0, 0, 0)).toEqual([1, 0, 0, 0]);
  });

  test('bad rows: named errors', () => {
    expect(() => parseSkillMimicRows(new Float32Array(336), 336, 'x.pt')).toThrow(/x\.pt at columns.*337 columns, got 336/);
    const r = rows();
    r[SKILLMIMIC_COLUMNS + 325] = NaN;
    expect(() => parseSkillMimicRows(r, SKILLMIMIC_COLUMNS, 'x.pt')).toThrow(/frame 1 column 325: non-finite/);
  });
});

describe('holosoma object arrays', () => {
  const arr = (shape: number[], data: number[]): NpyArray => ({ shape, data: Float64Array.from(data) });
  test('object_pos_w / object_quat_w → a track; a wrong shape is named', () => {
    const notes: string[] = [];
    const t = holosomaObjectTrack(
      new Map([
        ['object_pos_w', arr([2, 3], [0, 0, 1, 0, 0, 2])],
        ['object_quat_w', arr([2, 4], [1.2, 0, 0, 0, 1, 0, 0, 0])],
      ]),
      'm.npz',
      2,
      notes,
    );
    expect(Array.from(t!.quat)).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
    expect(() => holosomaObjectTrack(new Map([['object_pos_w', arr([3, 3], new Array(9).fill(0))]]), 'm.npz', 2, [])).toThrow(
      /key object_pos_w.*expected \[2, 3\]/,
    );
    expect(holosomaObjectTrack(new Map(), 'm.npz', 2, [])).toBeUndefined();
  });
});

describe('object metrics', () => {
  test('position / orientation error and contact agreement', () => {
    const s = createObjectState(1, ['ball'], 2);
    const m = new ObjectMetrics(1);
    s.pos.set([0, 0, 1]);
    s.quat.set(qFromAxisAngle([0, 0, 1], 0.2));
    s.contact.set([0, 1]);
    m.add(s, [0, 0.3, 1.4], [1, 0, 0, 0], [1], 0); // touching, label 1: agree
    s.contact.set([0, 0]);
    m.add(s, [0, 0.3, 1.4], [1, 0, 0, 0], [1], 0); // not touching, label 1: disagree
    const r = m.result(0);
    expect(r.metrics.object_pos_err_m).toBeCloseTo(0.5, 6);
    expect(r.metrics.object_ori_err_rad).toBeCloseTo(0.2, 5);
    expect(r.metrics.contact_agreement).toBe(0.5);
    m.reset(0);
    m.add(s, [0, 0, 1], [1, 0, 0, 0], null, 0);
    expect(m.result(0).metrics.contact_agreement).toBeNull();
  });
});
