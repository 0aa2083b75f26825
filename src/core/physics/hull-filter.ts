/**
 * The points of a mesh that may lie on its convex hull, without building that hull: the extreme points along 62
 * directions span a polytope inside the hull, built here exactly (a few hundred faces); every point strictly inside
 * it is inside the hull too and is dropped. What is left is a superset of the hull's vertices (those on the surface
 * and a thin shell below it), so the hull MuJoCo makes of them is the hull of all the points. Errors in the small
 * polytope can only shrink it (points kept) as long as it is a closed convex surface, which is checked; when it is not
 * (or the points are flat), null: the mesh is left whole.
 */

/** The 6 axes and 56 Fibonacci-sphere directions. */
const DIRECTIONS = (() => {
  const out: number[][] = [
    [1, 0, 0],
    [-1, 0, 0],
    [0, 1, 0],
    [0, -1, 0],
    [0, 0, 1],
    [0, 0, -1],
  ];
  const n = 56;
  for (let i = 0; i < n; i++) {
    const z = 1 - (2 * i + 1) / n,
      r = Math.sqrt(1 - z * z),
      a = i * 2.399963229728653;
    out.push([r * Math.cos(a), r * Math.sin(a), z]);
  }
  return out;
})();

/** The 6 axes and the 8 diagonals. */
const COARSE = [
  ...DIRECTIONS.slice(0, 6),
  ...[-1, 1].flatMap((x) => [-1, 1].flatMap((y) => [-1, 1].map((z) => [x, y, z].map((c) => c / Math.sqrt(3))))),
];

interface Face {
  a: number;
  b: number;
  c: number;
  n: [number, number, number];
  d: number;
}

const P = (v: Float32Array, i: number): [number, number, number] => [v[3 * i], v[3 * i + 1], v[3 * i + 2]];
const sub = (p: number[], q: number[]) => [p[0] - q[0], p[1] - q[1], p[2] - q[2]];
const cross = (p: number[], q: number[]): [number, number, number] => [
  p[1] * q[2] - p[2] * q[1],
  p[2] * q[0] - p[0] * q[2],
  p[0] * q[1] - p[1] * q[0],
];
const dot = (p: number[], q: number[]) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];

function face(v: Float32Array, a: number, b: number, c: number): Face | null {
  const pa = P(v, a);
  const n = cross(sub(P(v, b), pa), sub(P(v, c), pa));
  const len = Math.hypot(n[0], n[1], n[2]);
  if (!(len > 0)) return null;
  const u: [number, number, number] = [n[0] / len, n[1] / len, n[2] / len];
  return { a, b, c, n: u, d: dot(u, pa) };
}

/** Indices of the extreme points along every direction (first found first, each once). */
function extremes(v: Float32Array, directions: number[][]): number[] {
  const seen = new Set<number>();
  for (const u of directions) {
    let best = 0,
      bestDot = -Infinity;
    for (let i = 0; i < v.length; i += 3) {
      const s = u[0] * v[i] + u[1] * v[i + 1] + u[2] * v[i + 2];
      if (s > bestDot) {
        bestDot = s;
        best = i / 3;
      }
    }
    seen.add(best);
  }
  return [...seen];
}

/** A starting tetrahedron of `s` (outward faces), or null when the points are (nearly) flat. */
function tetrahedron(v: Float32Array, s: number[], eps: number): Face[] | null {
  const far = (score: (i: number) => number) => s.reduce((best, i) => (score(i) > score(best) ? i : best), s[0]);
  const p0 = s[0];
  const p1 = far((i) => Math.hypot(...sub(P(v, i), P(v, p0))));
  const line = sub(P(v, p1), P(v, p0));
  const p2 = far((i) => Math.hypot(...cross(line, sub(P(v, i), P(v, p0)))));
  const base = face(v, p0, p1, p2);
  if (!base) return null;
  const p3 = far((i) => Math.abs(dot(base.n, P(v, i)) - base.d));
  if (Math.abs(dot(base.n, P(v, p3)) - base.d) <= 100 * eps) return null;
  const above = dot(base.n, P(v, p3)) > base.d;
  const [a, b] = above ? [p1, p0] : [p0, p1]; // the base faces away from p3
  const faces = [face(v, a, b, p2), face(v, a, p3, b), face(v, b, p3, p2), face(v, p2, p3, a)];
  return faces.every((f) => f) ? (faces as Face[]) : null;
}

/** A face's three directed edges. */
const edgesOf = (f: Face): [number, number][] => [
  [f.a, f.b],
  [f.b, f.c],
  [f.c, f.a],
];

/**
 * The faces `x` sees, as one connected patch grown from the one it sees best (a face seen only across an unseen one
 * is left out: the patch's rim is then one horizon loop, even where rounding makes a far face look visible).
 */
function visibleFrom(faces: Face[], owner: Map<string, Face>, x: number[], eps: number): Set<Face> {
  let best: Face | null = null,
    bestDist = eps;
  for (const f of faces) {
    const h = dot(f.n, x) - f.d;
    if (h > bestDist) [best, bestDist] = [f, h];
  }
  const patch = new Set<Face>(best ? [best] : []);
  const todo = [...patch];
  while (todo.length)
    for (const [i, j] of edgesOf(todo.pop()!)) {
      const g = owner.get(`${j},${i}`);
      if (g && !patch.has(g) && dot(g.n, x) - g.d > eps) {
        patch.add(g);
        todo.push(g);
      }
    }
  return patch;
}

/** The exact hull of the points `s` (indices into v), grown one point at a time; null if it cannot be built. */
function smallHull(v: Float32Array, s: number[], eps: number): Face[] | null {
  let faces = tetrahedron(v, s, eps);
  if (!faces) return null;
  for (const p of s) {
    const owner = new Map<string, Face>();
    for (const f of faces) for (const [i, j] of edgesOf(f)) owner.set(`${i},${j}`, f);
    const seen = visibleFrom(faces, owner, P(v, p), eps);
    if (!seen.size) continue; // inside or on the polytope
    const added: Face[] = [];
    for (const f of seen)
      for (const [i, j] of edgesOf(f)) {
        const other = owner.get(`${j},${i}`);
        if (!other) return null;
        if (seen.has(other)) continue;
        const g = face(v, i, j, p); // the horizon edge, turned the way the visible face had it
        if (!g) return null;
        added.push(g);
      }
    faces = [...faces.filter((f) => !seen.has(f)), ...added];
  }
  return faces;
}

/** A closed surface (every edge met once each way, Euler 2) with every point of `s` on or below every face. */
function closedConvex(v: Float32Array, faces: Face[], s: number[], eps: number): boolean {
  const edges = new Set<string>();
  const verts = new Set<number>();
  for (const f of faces)
    for (const [i, j] of edgesOf(f)) {
      const k = `${i},${j}`;
      if (edges.has(k)) return false;
      edges.add(k);
      verts.add(i);
    }
  for (const k of edges) if (!edges.has(k.split(',').reverse().join(','))) return false;
  if (verts.size - edges.size / 2 + faces.length !== 2) return false;
  return s.every((p) => faces.every((f) => dot(f.n, P(v, p)) - f.d <= 10 * eps));
}

/**
 * The points of `v` (xyz triples) that may be on its convex hull, each once, in their order in `v`; null when the
 * filter cannot vouch for its result (flat or too few points, a polytope that did not close).
 */
export function hullCandidates(points: Float32Array): Float32Array | null {
  if (points.length < 36) return null;
  const v = unique(points); // the same positions, each once: the bounds below are those of all the points
  const size = diagonal(v);
  if (!(size > 0) || !Number.isFinite(size)) return null;
  const eps = 1e-9 * size,
    margin = 1e-6 * size;
  // a polytope that does not close or is not convex (rounding on nearly flat extreme points): again on the 14 axes
  // and diagonals alone, whose extreme points lie further apart
  for (const directions of [DIRECTIONS, COARSE]) {
    const s = extremes(v, directions);
    const faces = smallHull(v, s, eps);
    if (faces && closedConvex(v, faces, s, eps)) return keptPoints(v, faces, margin);
  }
  return null;
}

/** The length of the points' bounding-box diagonal (NaN when some coordinate is not finite). */
function diagonal(v: Float32Array): number {
  let x0 = Infinity,
    y0 = Infinity,
    z0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity,
    z1 = -Infinity;
  for (let i = 0; i < v.length; i += 3) {
    const x = v[i],
      y = v[i + 1],
      z = v[i + 2];
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) return NaN;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  return Math.hypot(x1 - x0, y1 - y0, z1 - z0);
}

/** Each position once, in first-seen order (an STL repeats a vertex in every triangle around it). */
function unique(v: Float32Array): Float32Array {
  const bits = new Int32Array(v.buffer, v.byteOffset, v.length);
  const n = v.length / 3;
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const table = new Int32Array(size).fill(-1);
  const out = new Float32Array(v.length);
  const outBits = new Int32Array(out.buffer);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = bits[3 * i],
      y = bits[3 * i + 1],
      z = bits[3 * i + 2];
    let h = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b) ^ Math.imul(z, 0xc2b2ae35)) & (size - 1);
    for (;;) {
      const j = table[h];
      if (j < 0) {
        table[h] = m;
        outBits[3 * m] = x;
        outBits[3 * m + 1] = y;
        outBits[3 * m + 2] = z;
        m++;
        break;
      }
      if (outBits[3 * j] === x && outBits[3 * j + 1] === y && outBits[3 * j + 2] === z) break;
      h = (h + 1) & (size - 1);
    }
  }
  return out.slice(0, 3 * m);
}

/** The points not inside every face by `margin`, in order. */
function keptPoints(v: Float32Array, faces: Face[], margin: number): Float32Array {
  const nx = Float64Array.from(faces, (f) => f.n[0]),
    ny = Float64Array.from(faces, (f) => f.n[1]),
    nz = Float64Array.from(faces, (f) => f.n[2]),
    d = Float64Array.from(faces, (f) => f.d - margin);
  const out: number[] = [];
  let last = 0; // neighbouring points tend to leave by the same face
  for (let i = 0; i < v.length; i += 3) {
    const x = v[i],
      y = v[i + 1],
      z = v[i + 2];
    let outside = nx[last] * x + ny[last] * y + nz[last] * z > d[last];
    for (let f = 0; !outside && f < d.length; f++)
      if (nx[f] * x + ny[f] * y + nz[f] * z > d[f]) {
        outside = true;
        last = f;
      }
    if (outside) out.push(x, y, z);
  }
  return new Float32Array(out);
}
