// Drawing detail for slow renderers (src/app/scene/simplify.ts, src/app/draw-pace.ts), on the G1's real visual
// meshes: clustering keeps each mesh's extent and shape, meets the triangle budget, leaves no collapsed or repeated
// triangle; the draw pace gives the simulation the time it needs and caps the gap between draws.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStl } from '../../src/core/model/mesh';
import { clusterMesh, coarser, triangles, type IndexedMesh } from '../../src/app/scene/simplify';
import { DETAIL_DIVISIONS } from '../../src/app/scene/robot-view';
import { DrawPace, MAX_PERIOD } from '../../src/app/draw-pace';

const DIR = '../shared/assets/g1/meshes';
const meshes = readdirSync(DIR)
  .filter((f) => f.toLowerCase().endsWith('.stl'))
  .map((f) => parseStl(new Uint8Array(readFileSync(`${DIR}/${f}`)), f));

function bounds(m: IndexedMesh): number[] {
  const b = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  for (let i = 0; i < m.vertices.length; i += 3)
    for (let k = 0; k < 3; k++) {
      b[k] = Math.min(b[k], m.vertices[i + k]);
      b[k + 3] = Math.max(b[k + 3], m.vertices[i + k]);
    }
  return b;
}

describe('mesh clustering for drawing', () => {
  it('keeps every G1 mesh within one cell of its extent, with valid, distinct triangles', () => {
    const cell = 0.01;
    let before = 0,
      after = 0;
    for (const m of meshes) {
      const c = clusterMesh(m, cell);
      before += triangles(m);
      after += triangles(c);
      const [b0, b1] = [bounds(m), bounds(c)];
      for (let k = 0; k < 6; k++) expect(Math.abs(b1[k] - b0[k])).toBeLessThanOrEqual(cell);
      const nv = c.vertices.length / 3,
        keys = new Set<number>();
      let bad = 0;
      for (let t = 0; t < c.indices.length; t += 3) {
        const [a, b, d] = [c.indices[t], c.indices[t + 1], c.indices[t + 2]].sort((x, y) => x - y);
        if (d >= nv || a === b || b === d) bad++;
        keys.add((a * nv + b) * nv + d); // exact below 2^53: nv < 2^17 here
      }
      expect(nv).toBeLessThan(1 << 17);
      expect(bad).toBe(0); // every index in range, three distinct corners
      expect(keys.size).toBe(triangles(c)); // no triangle twice
    }
    expect(before).toBeGreaterThan(300_000); // the G1's visual meshes as shipped
    expect(after).toBeLessThan(before / 3);
  });

  it('draws the G1 at each detail level with fewer triangles, a coarser mesh kept as it is', () => {
    const total = (level: number) => meshes.reduce((n, m) => n + triangles(level ? coarser(m, DETAIL_DIVISIONS[level]) : m), 0);
    const [full, one, two] = [0, 1, 2].map(total);
    expect(one).toBeLessThan(full / 5);
    expect(two).toBeLessThan(one / 2);
    expect(two).toBeGreaterThan(2_000); // every body keeps a shape
    const big = meshes.reduce((a, b) => (triangles(a) > triangles(b) ? a : b));
    const once = coarser(big, 10);
    expect(triangles(coarser(once, 1000))).toBe(triangles(once)); // a finer grid than the mesh: nothing merges
    expect(clusterMesh(big, 0)).toBe(big);
  });
});

describe('draw pace', () => {
  it('draws every frame while the simulation is idle or cheap, spaces draws when it needs the time', () => {
    const p = new DrawPace();
    expect(p.period(1)).toBe(0); // nothing measured yet
    // a draw whose renderer holds the next frame for 100 ms
    p.frameStart(0);
    p.drew(5);
    p.frameEnded(10);
    p.frameStart(110);
    expect(p.drawMs).toBeCloseTo(105);
    expect(p.period(0)).toBe(0); // paused: draw every frame
    p.simulated(20, 0.1); // 0.2 ms of wall per simulated ms
    const cheap = p.period(1);
    for (let i = 0; i < 40; i++) p.simulated(80, 0.1); // 0.8: the simulation needs most of the time
    const dear = p.period(1);
    expect(dear).toBeGreaterThan(cheap);
    expect(p.period(2)).toBe(MAX_PERIOD); // at twice real time it cannot keep up: the view still draws twice a second
    expect(dear).toBeLessThanOrEqual(MAX_PERIOD);
  });
});
