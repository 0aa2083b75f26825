// Terrain in both engines: a 10 cm box dropped on each terrain comes to rest on the surface terrainHeight gives.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/core/physics/index';
import { terrainHeight, type TerrainSpec } from '../../src/core/physics/terrain';
import { terrainOf } from '../../src/core/physics/terrain-engines';
import { PROBE_HALF as HALF, probeBox } from './model-helpers';

const probe = probeBox();

/** Rest height of the box's centre above the ground under it, after 1.5 s, per engine and drop point. */
async function drop(spec: TerrainSpec, points: [number, number][]): Promise<Record<string, number[]>> {
  const g = terrainOf(spec)!;
  const out: Record<string, number[]> = {};
  for (const kind of ['rapier', 'mujoco'] as const) {
    out[kind] = [];
    for (const [x, y] of points) {
      const eng = await createEngine(kind, probe, { groundContact: 'all', terrain: spec });
      eng.reset(0, { rootPos: [x, y, terrainHeight(g, x, y) + 0.15], rootQuat: [1, 0, 0, 0], jointPos: [] });
      for (let i = 0; i < 300; i++) eng.step();
      const p = eng.state.rootPos;
      out[kind].push(p[2] - terrainHeight(g, p[0], p[1]));
      eng.free();
    }
  }
  return out;
}

describe('terrain in both engines', () => {
  it('slope 10°: the box rests on the tilted surface (centre half/cos θ above it)', async () => {
    const r = await drop({ type: 'slope', params: { degrees: 10 } }, [
      [0, 0],
      [1, 0.5],
    ]);
    const want = HALF / Math.cos((10 * Math.PI) / 180);
    for (const v of [...r.rapier, ...r.mujoco]) expect(Math.abs(v - want)).toBeLessThan(0.006);
  }, 120000);

  it('stairs and boxes: the box rests on the step tops', async () => {
    const st = await drop({ type: 'stairs', params: { step_height: 0.1, steps: 3 } }, [
      [0, 0],
      [0.75, 0],
      [0, -1.05],
    ]);
    for (const v of [...st.rapier, ...st.mujoco]) expect(Math.abs(v - HALF)).toBeLessThan(0.006);
  }, 120000);

  it('heightfield: rows run along y, columns along x (a raised quadrant)', async () => {
    const n = 21;
    const heights = Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) >= 12 && i % n >= 12 ? 0.15 : 0));
    const spec: TerrainSpec = { type: 'hfield', hfield: { nrow: n, ncol: n, hx: 2, hy: 2, heights } };
    const g = terrainOf(spec)!;
    expect(terrainHeight(g, 1.2, 1.2)).toBeCloseTo(0.15, 6);
    expect(terrainHeight(g, -1.2, 1.2)).toBe(0);
    expect(terrainHeight(g, 1.2, -1.2)).toBe(0);
    const r = await drop(spec, [
      [1.2, 1.2],
      [-1.2, 1.2],
      [1.2, -1.2],
    ]);
    for (const v of [...r.rapier, ...r.mujoco]) expect(Math.abs(v - HALF)).toBeLessThan(0.006);
  }, 120000);

  it('seeded rough terrain: both engines rest the box at the same height (within 5 mm)', async () => {
    const spec: TerrainSpec = { type: 'rough', params: { amplitude: 0.04 }, seed: 3 };
    const pts: [number, number][] = [
      [0.33, -0.41],
      [-0.8, 0.6],
    ];
    const r = await drop(spec, pts);
    console.log('rough: centre above terrainHeight (m)', JSON.stringify(r));
    for (let i = 0; i < pts.length; i++) {
      expect(Math.abs(r.rapier[i] - r.mujoco[i])).toBeLessThan(0.005);
      expect(r.rapier[i]).toBeGreaterThan(HALF - 0.01);
      expect(r.rapier[i]).toBeLessThan(HALF + 0.045);
    }
  }, 120000);
});
