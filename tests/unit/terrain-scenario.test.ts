// Terrain specs and scenarios: bad input is named, ladders expand per level, the start and the terminations
// measure heights above the ground under the robot.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { parseScenario } from '../../src/core/evaluation/scenario';
import { terrainFacts, terrainLevels, terrainOption } from '../../src/core/evaluation/terrain';
import { buildTerrain, terrainHeight } from '../../src/core/physics/terrain';
import { createBatchState } from '../../src/core/physics/types';
import { checkTermination } from '../../src/core/policy/termination';
import { groundShift } from '../../src/core/policy/start';
import { forwardKinematics } from '../../src/core/model/fk';
import { loadG1 } from './physics-fixture';

const where = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MimicError) return `${e.kind} ${e.where}: ${e.detail}`;
    throw e;
  }
  return 'no error';
};

describe('terrain specs', () => {
  it('names a heightfield with NaN, a size that does not match its data, an unknown type', () => {
    const hf = { nrow: 3, ncol: 3, hx: 1, hy: 1, heights: [0, 0, 0, 0, NaN, 0, 0, 0, 0] };
    expect(where(() => buildTerrain({ type: 'hfield', hfield: hf }, 'f.json'))).toMatch(
      /^ParseError terrain\.hfield\.heights\[4\] \(row 1, column 1\)/,
    );
    expect(where(() => buildTerrain({ type: 'hfield', hfield: { ...hf, heights: [0, 1, 2] } }, 'f.json'))).toMatch(
      /^ParseError terrain\.hfield\.heights: 3 heights for a 3 × 3 grid \(expected 9\)/,
    );
    expect(where(() => buildTerrain({ type: 'lava' as never }, 'f.json'))).toMatch(/^ParseError terrain\.type/);
    const bad = JSON.stringify({
      name: 'x',
      seed: 1,
      perturbations: {},
      terrain: { levels: [{ type: 'slope', params: { degrees: 'steep' } }] },
    });
    expect(where(() => parseScenario(bad, 'x.json'))).toMatch(/^ParseError terrain\.levels\[0\]\.params\.degrees/);
  });

  it('is seeded: the same seed gives the same rough terrain and boxes, another seed another', () => {
    const a = buildTerrain({ type: 'rough', params: { amplitude: 0.05 }, seed: 1 });
    const b = buildTerrain({ type: 'rough', params: { amplitude: 0.05 }, seed: 1 });
    const c = buildTerrain({ type: 'rough', params: { amplitude: 0.05 }, seed: 2 });
    expect(Array.from(a.hfield!.heights)).toEqual(Array.from(b.hfield!.heights));
    expect(Array.from(a.hfield!.heights)).not.toEqual(Array.from(c.hfield!.heights));
    const boxes = buildTerrain({ type: 'boxes', difficulty: 1, seed: 4 });
    expect(boxes.boxes.length).toBe(30);
    for (const bx of boxes.boxes) expect(Math.hypot(bx.pos[0], bx.pos[1])).toBeGreaterThan(0.4);
    expect(terrainHeight(boxes, 0, 0)).toBe(0);
  });

  it('slope height: L·tan θ at the origin, rising along +x', () => {
    const g = buildTerrain({ type: 'slope', params: { degrees: 10 } });
    const t = Math.tan((10 * Math.PI) / 180);
    expect(terrainHeight(g, 0, 0)).toBeCloseTo(3 * t, 6);
    expect(terrainHeight(g, 1, 0.7) - terrainHeight(g, 0, 0)).toBeCloseTo(t, 6);
  });
});

describe('terrain scenarios', () => {
  it('seeds/terrain.json: a ladder of four levels, one scenario each, with difficulty facts', () => {
    const sc = parseScenario(readFileSync('seeds/terrain.json', 'utf8'), 'terrain.json');
    const lv = terrainLevels(sc);
    expect(lv.map((s) => s.name)).toEqual(['terrain · slope 0°', 'terrain · slope 5°', 'terrain · slope 10°', 'terrain · rough 3 cm']);
    expect(lv.map((s) => terrainFacts(s).terrain!.difficulty)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(terrainOption(lv[3]).terrain!.seed).toBe(16);
    expect(where(() => terrainOption(sc))).toMatch(/^ParseError terrain\.levels/);
  });

  it('terminations compare heights above the ground under the robot', () => {
    const ref = createBatchState(1, 0, 2),
      st = createBatchState(1, 0, 2);
    ref.bodyQuat.set([1, 0, 0, 0, 1, 0, 0, 0]);
    st.bodyQuat.set([1, 0, 0, 0, 1, 0, 0, 0]);
    ref.bodyPos.set([0, 0, 0.8, 0, 0, 0.1]);
    st.bodyPos.set([2, 0, 1.15, 2, 0, 0.45]); // 0.35 m higher: walked 2 m up a ground rising 0.35 m
    expect(checkTermination(st, ref, 0, 0, [1])?.reason).toBe('anchor_height');
    expect(checkTermination(st, ref, 0, 0, [1], undefined, (x) => 0.175 * x)).toBeNull();
  });

  it("the 'ground' start puts the lowest collision point on the terrain under it", () => {
    const g1 = loadG1(),
      nb = g1.bodies.length;
    const pos = new Float32Array(nb * 3),
      quat = new Float32Array(nb * 4);
    forwardKinematics(
      g1,
      [0, 0, 0.793],
      [1, 0, 0, 0],
      g1.joints.map(() => 0),
      pos,
      quat,
    );
    const flat = groundShift(g1, { nb, bodyPos: pos, bodyQuat: quat }, 0);
    const slope = buildTerrain({ type: 'slope', params: { degrees: 10 } });
    const up = groundShift(g1, { nb, bodyPos: pos, bodyQuat: quat }, 0, (x, y) => terrainHeight(slope, x, y));
    expect(Math.abs(flat.dz)).toBeLessThan(0.03);
    // the toe is the lowest point above a slope rising along +x: raised by about the slope height there
    expect(up.dz).toBeGreaterThan(3 * Math.tan((10 * Math.PI) / 180));
    expect(up.dz).toBeLessThan(3 * Math.tan((10 * Math.PI) / 180) + 0.05);
  });
});
