// The hull-point filter (src/core/physics/hull-filter.ts): what it keeps holds every point that can be on the convex
// hull, what it drops is strictly inside; flat or tiny inputs are left whole (null). (Against MuJoCo's own hulls of the
// G1's meshes: tests/unit/mujoco-hulls.test.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStl } from '../../src/core/model/mesh';
import { hullCandidates } from '../../src/core/physics/hull-filter';

/** A seeded generator in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const has = (kept: Float32Array, p: number[]) => {
  for (let i = 0; i < kept.length; i += 3) if (kept[i] === p[0] && kept[i + 1] === p[1] && kept[i + 2] === p[2]) return true;
  return false;
};

describe('hull-point filter', () => {
  it('a cube with points inside and on its faces: keeps the corners and the face points, drops the inside, each once', () => {
    const r = rng(3);
    const pts: number[] = [];
    const corners: number[][] = [];
    for (const x of [-1, 1]) for (const y of [-2, 2]) for (const z of [-0.5, 0.5]) corners.push([x, y, z]);
    for (let i = 0; i < 4000; i++) pts.push(1.8 * r() - 0.9, 3.8 * r() - 1.9, 0.9 * r() - 0.45); // strictly inside
    const onFace: number[][] = [];
    for (let i = 0; i < 50; i++) onFace.push([1, 4 * r() - 2, r() - 0.5]);
    for (const c of [...corners, ...onFace, ...corners]) pts.push(...c); // corners twice: kept once
    const kept = hullCandidates(Float32Array.from(pts))!;
    expect(kept).not.toBeNull();
    for (const c of [...corners, ...onFace.map((p) => p.map(Math.fround))]) expect(has(kept, c), String(c)).toBe(true);
    expect(kept.length / 3).toBe(corners.length + onFace.length); // nothing strictly inside survives here
  });

  it('a sphere sampled densely: every surface point is kept (a superset of the hull), the centre region dropped', () => {
    const r = rng(9);
    const pts: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const z = 2 * r() - 1,
        a = 2 * Math.PI * r(),
        s = Math.sqrt(1 - z * z);
      pts.push(s * Math.cos(a), s * Math.sin(a), z); // on the sphere: all on the hull
    }
    for (let i = 0; i < 3000; i++) pts.push(0.5 * (r() - 0.5), 0.5 * (r() - 0.5), 0.5 * (r() - 0.5));
    const kept = hullCandidates(Float32Array.from(pts))!;
    expect(kept.length / 3).toBe(3000);
    for (let i = 0; i < 3000 * 3; i += 3) expect(has(kept, [pts[i], pts[i + 1], pts[i + 2]].map(Math.fround))).toBe(true);
  });

  it('every G1 and T1 mesh file: the kept points reach exactly as far as all its vertices, in 200 directions', () => {
    const r = rng(17);
    const dirs = Array.from({ length: 200 }, () => {
      const z = 2 * r() - 1,
        a = 2 * Math.PI * r(),
        q = Math.sqrt(1 - z * z);
      return [q * Math.cos(a), q * Math.sin(a), z];
    });
    const reach = (v: Float32Array, u: number[]) => {
      let m = -Infinity;
      for (let i = 0; i < v.length; i += 3) m = Math.max(m, u[0] * v[i] + u[1] * v[i + 1] + u[2] * v[i + 2]);
      return m;
    };
    let meshes = 0,
      all = 0,
      kept = 0;
    for (const dir of ['../shared/assets/g1/meshes', '../shared/assets/t1/meshes'])
      for (const f of readdirSync(dir).filter((n) => /\.stl$/i.test(n))) {
        const v = parseStl(new Uint8Array(readFileSync(`${dir}/${f}`)), f).vertices;
        const k = hullCandidates(v);
        expect(k, f).not.toBeNull();
        for (const u of dirs) expect(reach(k!, u), f).toBe(reach(v, u)); // the extreme vertex itself is kept
        meshes++;
        all += v.length / 3;
        kept += k!.length / 3;
      }
    console.log(`${meshes} mesh files: ${all} vertices (with repeats), ${kept} kept`);
    expect(meshes).toBeGreaterThan(40);
  });

  it('flat, tiny or empty inputs are left whole', () => {
    const flat: number[] = [];
    for (let i = 0; i < 100; i++) flat.push(i % 10, Math.floor(i / 10), 0);
    expect(hullCandidates(Float32Array.from(flat))).toBeNull();
    expect(hullCandidates(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]))).toBeNull();
    expect(hullCandidates(new Float32Array(0))).toBeNull();
  });
});
