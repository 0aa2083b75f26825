// Object files and primitives: named errors, mass from geometry when missing, overlaps separated.
import { describe, expect, test } from 'vitest';
import type { MimicError } from '../../src/core/errors';
import { loadObjectFile, lowestPoint, objectFromJson, primitiveObject, separateObjects } from '../../src/core/model/objects';

const err = (f: () => unknown): MimicError => {
  try {
    f();
  } catch (e) {
    return e as MimicError;
  }
  throw new Error('no error thrown');
};

describe('object files', () => {
  test('JSON primitive: mass, friction, restitution kept; box inertia m/3·(b²+c²)', () => {
    const o = objectFromJson(
      '{"shape":"box","size":[0.1,0.2,0.3],"mass":2,"friction":0.6,"restitution":0.3,"pos":[1,0,0.3]}',
      'crate.json',
      [],
    );
    expect(o.name).toBe('crate');
    expect(o.mass).toBe(2);
    expect(o.shapes[0].friction).toBe(0.6);
    expect(o.restitution).toBe(0.3);
    const I = [...o.inertia].sort((a, b) => a - b);
    expect(I[0]).toBeCloseTo((2 / 3) * (0.01 + 0.04), 9);
    expect(I[2]).toBeCloseTo((2 / 3) * (0.04 + 0.09), 9);
  });

  test('no mass: computed from geometry, said', () => {
    const w: string[] = [];
    const o = objectFromJson('{"shape":"sphere","size":[0.1],"pos":[0,0,1]}', 'ball.json', w);
    expect(o.mass).toBeCloseTo(4.18879, 4);
    expect(o.inertia[0]).toBeCloseTo(0.4 * o.mass * 0.01, 9);
    expect(w[0]).toMatch(/ball.*no mass given; computed from its geometry/);
  });

  test('MJCF object file: one free body, no inertia → from geometry, said', () => {
    const w: string[] = [];
    const o = loadObjectFile(
      '<mujoco><worldbody><body name="cube" pos="0 0 0.5"><freejoint/><geom type="box" size="0.05 0.05 0.05"/></body></worldbody></mujoco>',
      'cube.xml',
      w,
    );
    expect(o.name).toBe('cube');
    expect(o.mass).toBeCloseTo(1, 9);
    expect(o.origin).toBe('file');
    const two = '<mujoco><worldbody><body name="a"><geom type="sphere" size="0.1"/></body></worldbody></mujoco>';
    expect(err(() => loadObjectFile(two, 'a.xml', [])).message).toMatch(/a\.xml.*one body with a free joint/);
  });

  test('bad input: named errors with file and key', () => {
    expect(err(() => objectFromJson('{"shape":"cone","size":[1],"pos":[0,0,0]}', 'c.json', [])).message).toMatch(
      /c\.json at shape: "cone"/,
    );
    expect(err(() => objectFromJson('{"shape":"box","size":[1,1],"pos":[0,0,0]}', 'c.json', [])).message).toMatch(/at size: box needs 3/);
    expect(err(() => objectFromJson('{"shape":"sphere","size":[0.1],"pos":[0,0]}', 'c.json', [])).message).toMatch(/at pos: needs 3/);
    expect(err(() => objectFromJson('{"shape":"sphere","size":[0.1],"pos":[0,0,1],"restitution":2}', 'c.json', [])).message).toMatch(
      /at restitution: restitution 2 is outside \[0, 1\]/,
    );
    expect(err(() => objectFromJson('{"shape":', 'c.json', [])).kind).toBe('ParseError');
  });
});

describe('interpenetrating objects at the start', () => {
  test('a ball inside another and a box under the floor are lifted, said', () => {
    const w: string[] = [];
    const a = primitiveObject({ name: 'a', shape: 'sphere', size: [0.1], mass: 1, pos: [0, 0, 0.1] }, 'ui', w);
    const b = primitiveObject({ name: 'b', shape: 'sphere', size: [0.1], mass: 1, pos: [0.05, 0, 0.12] }, 'ui', w);
    const c = primitiveObject({ name: 'c', shape: 'box', size: [0.1, 0.1, 0.1], mass: 1, pos: [2, 0, 0.05] }, 'ui', w);
    const out = separateObjects([a, b, c], w);
    expect(out[0].pos[2]).toBe(0.1);
    const d = Math.hypot(out[1].pos[0] - out[0].pos[0], out[1].pos[2] - out[0].pos[2]);
    expect(d).toBeGreaterThanOrEqual(0.2);
    expect(lowestPoint(out[2])).toBeCloseTo(0, 9);
    expect(w.filter((s) => s.includes('interpenetrated'))).toHaveLength(2);
    expect(err(() => separateObjects([a, a], [])).message).toMatch(/two objects share this name/);
  });
});
