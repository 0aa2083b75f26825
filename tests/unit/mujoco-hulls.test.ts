// Collision meshes compiled from their convex hulls' points (src/core/physics/mujoco-hulls.ts) are the same solids to
// MuJoCo's collider: every mesh geom reaches exactly as far in every direction (world frame, after mj_forward), the
// hulls have the same vertices, masses and inertias are untouched, and a G1 standing on them moves as on the full
// meshes until a fall makes it chaotic; real MuJoCo-WASM, real G1 meshes. Also: which meshes qualify, and the CLI's disk cache.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MainModule, MjModel } from 'mujoco-js';
import { describe, expect, it } from 'vitest';
import { loadMujoco } from '../../src/core/physics/mujoco';
import { compileForPhysics, compileMjcf } from '../../src/core/physics/mujoco-fs';
import { planHulls } from '../../src/core/physics/mujoco-hulls';
import { parseStl } from '../../src/core/model/mesh';
import { pruneForPhysics } from '../../src/core/physics/mujoco-prune';
import { clearHullMemory, setOuterHullStore, type HullStore } from '../../src/core/physics/hull-store';
import { diskHullStore } from '../../src/cli/hull-cache';
import { g1Source } from './physics-fixture';
import { trajectory, type Control } from './mujoco-fixture';

type Arrays = Record<string, Float64Array | Int32Array | Float32Array>;
const arr = (m: MjModel, k: string) => Array.from((m as unknown as Arrays)[k]);
const GEOM_MESH = 7;

/** Directions on a sphere (a Fibonacci lattice). */
const DIRS = Array.from({ length: 64 }, (_, i) => {
  const z = 1 - (2 * i + 1) / 64,
    r = Math.sqrt(1 - z * z),
    a = i * 2.399963;
  return [r * Math.cos(a), r * Math.sin(a), z];
});

/** Per mesh geom (by geom id), its support distance along every direction, world frame, at qpos0. */
function supports(mj: MainModule, m: MjModel): Map<number, number[]> {
  const d = new mj.MjData(m);
  mj.mj_forward(m, d);
  const a = m as unknown as Arrays,
    xd = d as unknown as Arrays;
  const out = new Map<number, number[]>();
  for (let g = 0; g < m.ngeom; g++) {
    if (a.geom_type[g] !== GEOM_MESH) continue;
    const mesh = a.geom_dataid[g],
      va = a.mesh_vertadr[mesh],
      nv = a.mesh_vertnum[mesh];
    const R = xd.geom_xmat.subarray(9 * g, 9 * g + 9),
      P = xd.geom_xpos.subarray(3 * g, 3 * g + 3);
    const best = DIRS.map(() => -Infinity);
    for (let j = 0; j < nv; j++) {
      const v = a.mesh_vert.subarray(3 * (va + j), 3 * (va + j) + 3);
      const w = [0, 1, 2].map((r) => R[3 * r] * v[0] + R[3 * r + 1] * v[1] + R[3 * r + 2] * v[2] + P[r]);
      DIRS.forEach((u, k) => (best[k] = Math.max(best[k], u[0] * w[0] + u[1] * w[1] + u[2] * w[2])));
    }
    out.set(g, best);
  }
  d.delete();
  return out;
}

/** Hull vertex count per mesh (MuJoCo's mesh graph). */
const hullCounts = (m: MjModel) =>
  Array.from({ length: m.nmesh }, (_, i) => (m.mesh_graph as Int32Array)[(m.mesh_graphadr as Int32Array)[i]]);

/** PD about the initial pose with a small swing. */
const sway: Control = (k, u, qpos, qvel) => 5 * Math.sin(0.02 * k + u) - 60 * qpos[7 + u] - 2 * qvel[6 + u];

/**
 * An MJCF with one mesh geom (geom 0) compiled from its full files and from its hull points: their vertex counts, the
 * notes, and the largest difference in reach over the directions.
 */
function reachOfOneMesh(mj: MainModule, xml: string, files: Record<string, Uint8Array>, file: string) {
  const full = compileMjcf(mj, xml, files, file);
  clearHullMemory();
  const { model: hull, notes } = compileForPhysics(mj, xml, files, file);
  const a = supports(mj, full).get(0)!,
    b = supports(mj, hull).get(0)!;
  const out = {
    fullVertices: full.nmeshvert,
    hullVertices: hull.nmeshvert,
    notes,
    worst: Math.max(...a.map((x, k) => Math.abs(x - b[k]))),
  };
  full.delete();
  hull.delete();
  return out;
}

/** A store that counts what it is asked. */
function counting(inner: HullStore): HullStore & { hits: number; misses: number; sets: number } {
  const s = {
    hits: 0,
    misses: 0,
    sets: 0,
    get(k: string) {
      const v = inner.get(k);
      if (v) s.hits++;
      else s.misses++;
      return v;
    },
    set(k: string, p: Float32Array) {
      s.sets++;
      inner.set(k, p);
    },
  };
  return s;
}

describe('MuJoCo collision meshes from their hulls', () => {
  it('G1: same reach in every direction, same hulls, masses and inertias; the same motion until the falls part', async () => {
    const src = g1Source();
    const mj = await loadMujoco();
    const full = compileMjcf(mj, pruneForPhysics(src.xml, 'g1.xml').xml, src.files, 'g1.xml');
    clearHullMemory();
    const { model: hull, notes } = compileForPhysics(mj, src.xml, src.files, 'g1.xml');
    expect(notes[0]).toMatch(/^MuJoCo: 24 collision mesh\(es\) compiled from the \d+ points that can be on their convex hulls/);
    console.log(`vertices ${full.nmeshvert} → ${hull.nmeshvert}, faces ${full.nmeshface} → ${hull.nmeshface}`);
    expect(hull.nmeshvert).toBeLessThan(full.nmeshvert / 2); // the point: far fewer vertices and faces to process
    expect(hull.nmeshface).toBeLessThan(full.nmeshface / 3);
    // qhull may drop a point that lies on a face within its tolerance when it meets the points again: a count or two
    const counts = hullCounts(full);
    hullCounts(hull).forEach((n, i) => expect(Math.abs(n - counts[i])).toBeLessThanOrEqual(Math.max(2, 0.002 * counts[i])));
    for (const k of ['body_mass', 'body_inertia', 'body_ipos', 'body_iquat', 'geom_bodyid', 'geom_contype', 'geom_conaffinity'])
      expect(arr(hull, k)).toEqual(arr(full, k));
    const a = supports(mj, full),
      b = supports(mj, hull);
    expect([...b.keys()]).toEqual([...a.keys()]);
    let worst = 0;
    for (const [g, s] of a) s.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - b.get(g)![k]))));
    console.log(`${a.size} mesh geoms, worst support difference ${worst.toExponential(2)} m`);
    expect(worst).toBeLessThan(1e-6);
    // The same robot standing and swaying: the first 0.1 s (feet and first self-contacts) agree to 1e-5. After that a
    // sagging, falling G1 is chaotic: contact points on the same solids differ in the last bits (the mesh frame moved)
    // and the falls part ways, as any two float orders would; both stay physical (no blow-up).
    const ta = trajectory(mj, full, 1000, sway),
      tb = trajectory(mj, hull, 1000, sway);
    const gap = (k: number) => Math.max(...ta[k].map((v, i) => Math.abs(v - tb[k][i])));
    const early = Math.max(...ta.slice(0, 50).map((_, k) => gap(k)));
    console.log(`first 50 steps: largest qpos/qvel gap to the full meshes ${early.toExponential(2)}`);
    expect(early).toBeLessThan(1e-5);
    for (const t of [ta, tb]) expect(t.every((s) => s.every((v) => Number.isFinite(v) && Math.abs(v) < 1e3))).toBe(true);
    full.delete();
    hull.delete();
  }, 300_000);

  it('a scaled, moved mesh: the hull points are read back in the file frame (same reach)', async () => {
    const src = g1Source();
    const mj = await loadMujoco();
    const xml = `<mujoco><compiler meshdir="meshes"/><asset><mesh name="knee" file="left_knee_link.STL" scale="0.5 1.5 2"/></asset>
      <worldbody><body pos="0 0 1" quat="0.9 0.1 0.3 0.2"><freejoint/><inertial pos="0 0 0" mass="1" diaginertia="0.1 0.1 0.1"/>
      <geom type="mesh" mesh="knee" pos="0.1 -0.2 0.05" euler="0.3 0.5 -0.2"/></body></worldbody></mujoco>`;
    const files = { 'meshes/left_knee_link.STL': src.files['meshes/left_knee_link.STL'] };
    const r = reachOfOneMesh(mj, xml, files, 'knee.xml');
    expect(r.hullVertices).toBeLessThan(r.fullVertices);
    expect(r.worst).toBeLessThan(1e-6);
  }, 120_000);

  it('OBJ files: the hull of every v line (unused vertices, a second object, any face syntax); bad faces left whole', async () => {
    const src = g1Source();
    const mj = await loadMujoco();
    /** A G1 STL as OBJ text: its vertices once each, then its triangles (1-based) */
    const objOf = (stl: string, offset = [0, 0, 0]): { v: string; f: (base: number) => string; n: number } => {
      const m = parseStl(src.files[`meshes/${stl}`], stl);
      const v = Array.from({ length: m.vertices.length / 3 }, (_, i) =>
        [0, 1, 2].map((c) => m.vertices[3 * i + c] + offset[c]).join(' '),
      ).map((t) => `v ${t}`);
      const f = (base: number) =>
        Array.from({ length: m.indices.length / 3 }, (_, t) => `f ${[0, 1, 2].map((c) => m.indices[3 * t + c] + 1 + base).join(' ')}`).join(
          '\n',
        );
      return { v: v.join('\n'), f, n: v.length };
    };
    const knee = objOf('left_knee_link.STL'),
      hip = objOf('left_hip_roll_link.STL', [0.3, 0, 0]);
    const enc = (t: string) => new TextEncoder().encode(t + '\n');
    const cases: Record<string, string> = {
      plain: `${knee.v}\n${knee.f(0)}`,
      // a vertex no face uses, far out: MuJoCo's hull has it
      unused: `${knee.v}\nv 0.4 0.2 -0.3\n${knee.f(0)}`,
      // two objects: MuJoCo keeps the first one's faces, yet its hull has the vertices of both
      twoObjects: `o knee\n${knee.v}\n${knee.f(0)}\no hip\n${hip.v}\n${hip.f(knee.n)}`,
      // faces as v/vt/vn and negative (relative) indices, vertices with a w and with colours
      syntax: `${knee.v.replace(/^(v .*)$/m, '$1 1.0')}\nvt 0 0\nvn 0 0 1\n${knee.f(0).replace(/ (\d+)/g, ' $1/1/1')}\nv 0 0 0.2 1 0 0\nf -1 1 2`,
    };
    for (const [name, obj] of Object.entries(cases)) {
      const xml = `<mujoco><asset><mesh name="m" file="m.obj" scale="1.2 0.8 1"/></asset>
        <worldbody><body pos="0 0 1"><freejoint/><inertial pos="0 0 0" mass="1" diaginertia="0.1 0.1 0.1"/>
        <geom type="mesh" mesh="m" pos="0.1 0 0" euler="0.2 0.1 0"/></body></worldbody></mujoco>`;
      const r = reachOfOneMesh(mj, xml, { 'm.obj': enc(obj) }, 'obj.xml');
      expect(r.notes[0], name).toMatch(/^MuJoCo: 1 collision mesh\(es\) compiled from the \d+ points/);
      expect(r.hullVertices, name).toBeLessThan(r.fullVertices);
      console.log(`OBJ ${name}: ${r.fullVertices} → ${r.hullVertices} vertices, worst support difference ${r.worst.toExponential(2)} m`);
      expect(r.worst, name).toBeLessThan(1e-6);
    }
    // a face that names a vertex the file does not have: left to MuJoCo, whose compile error is the answer
    const bad = `<mujoco><asset><mesh name="m" file="m.obj"/></asset><worldbody><body><freejoint/>
      <inertial pos="0 0 0" mass="1" diaginertia="0.1 0.1 0.1"/><geom type="mesh" mesh="m"/></body></worldbody></mujoco>`;
    const badFiles = { 'm.obj': enc(`${knee.v}\n${knee.f(0)}\nf 1 2 ${knee.n + 5}`) };
    expect(planHulls(pruneForPhysics(bad, 'bad.xml').tree, badFiles, 'bad.xml')?.meshes.map((m) => m.name)).toEqual(['m']);
    expect(() => compileForPhysics(mj, bad, badFiles, 'bad.xml')).toThrow(/MuJoCo could not compile the MJCF/);
  }, 120_000);

  it('only plain massless mesh geoms qualify: a geom with mass, a fitted primitive, maxhullvert are left as they are', () => {
    const stl = { 'a.stl': new Uint8Array(84), 'b.stl': new Uint8Array(84), 'c.stl': new Uint8Array(84), 'd.stl': new Uint8Array(84) };
    const xml = `<mujoco><asset><mesh file="a.stl"/><mesh file="b.stl"/><mesh file="c.stl" maxhullvert="16"/><mesh file="d.stl"/></asset>
      <worldbody>
        <body><freejoint/><inertial pos="0 0 0" mass="1" diaginertia="1 1 1"/><geom type="mesh" mesh="a"/><geom type="box" mesh="b"/><geom type="mesh" mesh="c"/></body>
        <body pos="1 0 0"><freejoint/><geom type="mesh" mesh="d"/></body>
      </worldbody></mujoco>`;
    const plan = planHulls(pruneForPhysics(xml, 'x.xml').tree, stl, 'x.xml');
    expect(plan?.meshes.map((m) => m.name)).toEqual(['a']);
    // the same file with a missing mesh file or convexhull="false": nothing qualifies
    expect(planHulls(pruneForPhysics(xml, 'x.xml').tree, {}, 'x.xml')).toBeNull();
    const noHull = xml.replace('<asset>', '<compiler convexhull="false"/><asset>');
    expect(planHulls(pruneForPhysics(noHull, 'x.xml').tree, stl, 'x.xml')).toBeNull();
  });

  it('the disk cache: a fresh process compiles from the stored points, the same model; broken files are recomputed', async () => {
    const src = g1Source();
    const mj = await loadMujoco();
    const dir = mkdtempSync(join(tmpdir(), 'mimic-hulls-'));
    const store = counting(diskHullStore(dir));
    setOuterHullStore(store);
    try {
      clearHullMemory();
      const first = compileForPhysics(mj, src.xml, src.files, 'g1.xml').model;
      expect([store.hits, store.sets]).toEqual([0, 24]);
      expect(readdirSync(dir)).toHaveLength(24);
      clearHullMemory(); // as a new process: memory empty, disk full
      const again = compileForPhysics(mj, src.xml, src.files, 'g1.xml').model;
      expect([store.hits, store.sets]).toEqual([24, 24]);
      for (const k of ['mesh_vert', 'geom_pos', 'geom_quat', 'geom_aabb', 'body_mass']) expect(arr(again, k)).toEqual(arr(first, k));
      // a truncated file reads as missing: that mesh's points are computed again and written back whole
      writeFileSync(join(dir, readdirSync(dir)[0]), new Uint8Array(20));
      clearHullMemory();
      const third = compileForPhysics(mj, src.xml, src.files, 'g1.xml').model;
      expect(store.sets).toBe(25);
      expect(arr(third, 'mesh_vert')).toEqual(arr(first, 'mesh_vert'));
      for (const m of [first, again, third]) m.delete();
    } finally {
      setOuterHullStore(null);
    }
  }, 300_000);
});
