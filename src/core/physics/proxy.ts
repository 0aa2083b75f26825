/**
 * Primitive stand-ins for collision meshes (Rapier option `meshCollision: 'proxy'`): a convex hull against the
 * ground costs several times a capsule's or a box's when a robot lies on the floor. Each mesh becomes whichever
 * holds every vertex with the smaller volume: a capsule along the mesh's principal (longest) axis, or a box on
 * its principal axes. Both are placed in the owning body's frame like the mesh was.
 */
import { matToQuat, qMul, qRotate, symEigen, vAdd, type Vec3 } from '../math';
import type { Shape } from '../model/types';

/** The proxy of a mesh shape (null when the shape is not a mesh or has no vertices). */
export function meshProxy(s: Shape): Shape | null {
  const v = s.mesh?.vertices;
  if (s.type !== 'mesh' || !v || v.length < 3) return null;
  const n = v.length / 3;
  const c = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] += v[i * 3 + k] / n;
  const cov = new Array(9).fill(0);
  for (let i = 0; i < n; i++) {
    const d = [v[i * 3] - c[0], v[i * 3 + 1] - c[1], v[i * 3 + 2] - c[2]];
    for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) cov[r * 3 + k] += d[r] * d[k];
  }
  const { values, vectors } = symEigen(cov);
  // principal axes as columns, the longest (largest variance) last = the capsule's z
  const order = [0, 1, 2].sort((a, b) => values[a] - values[b]);
  const axes = order.map((j) => [vectors[j], vectors[3 + j], vectors[6 + j]]);
  const z = axes[2],
    x = axes[0];
  const y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]]; // y = z × x: right-handed
  const frame = [x, y, z];
  // vertex i on axis u, from the centroid
  const local = (i: number, u: number[]) => (v[i * 3] - c[0]) * u[0] + (v[i * 3 + 1] - c[1]) * u[1] + (v[i * 3 + 2] - c[2]) * u[2];
  // extents on each axis
  const lo = [Infinity, Infinity, Infinity],
    hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const p = local(i, frame[a]);
      lo[a] = Math.min(lo[a], p);
      hi[a] = Math.max(hi[a], p);
    }
  }
  const mid = [0, 1, 2].map((a) => (lo[a] + hi[a]) / 2);
  const half = [0, 1, 2].map((a) => Math.max((hi[a] - lo[a]) / 2, 1e-4));
  // capsule about the line through the box centre along z: radius = the farthest vertex from that line; half
  // length = the least that puts every vertex inside an end cap (|t| ≤ L + √(R² − ρ²))
  const rho = Float64Array.from({ length: n }, (_, i) => Math.hypot(local(i, x) - mid[0], local(i, y) - mid[1]));
  let radius = 1e-4;
  for (let i = 0; i < n; i++) radius = Math.max(radius, rho[i]);
  let capLen = 0;
  for (let i = 0; i < n; i++) {
    capLen = Math.max(capLen, Math.abs(local(i, z) - mid[2]) - Math.sqrt(Math.max(radius * radius - rho[i] * rho[i], 0)));
  }
  const capVol = Math.PI * radius * radius * (2 * capLen + (4 / 3) * radius);
  const boxVol = 8 * half[0] * half[1] * half[2];
  // proxy frame in the mesh frame: rotation with columns x, y, z; centre c + Σ mid_a·axis_a
  const rot = [x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]];
  const centre: Vec3 = [0, 1, 2].map((k) => c[k] + mid[0] * x[k] + mid[1] * y[k] + mid[2] * z[k]) as Vec3;
  const q = matToQuat(rot);
  const out: Shape = {
    ...s,
    mesh: undefined,
    pos: vAdd(s.pos, qRotate(s.quat, centre)),
    quat: qMul(s.quat, q),
    type: capVol <= boxVol ? 'capsule' : 'box',
    size: capVol <= boxVol ? [radius, capLen] : half,
  };
  return out;
}

/**
 * One convex hull in place of a foot's contact spheres (Rapier option `footContact: 'hull'`): the points each
 * sphere touches a floor below it with (centre − radius along the body's z) and the centres. On a flat floor the
 * hull's bottom corners are where the spheres touch; the floor then holds the foot with one manifold of up to four
 * points instead of four one-point manifolds. Null for fewer than three spheres.
 */
export function footHull(spheres: Shape[]): Shape | null {
  if (spheres.length < 3 || spheres.some((s) => s.type !== 'sphere')) return null;
  const v: number[] = [];
  for (const s of spheres) v.push(s.pos[0], s.pos[1], s.pos[2] - s.size[0], s.pos[0], s.pos[1], s.pos[2]);
  const first = spheres[0];
  return {
    ...first,
    type: 'mesh',
    size: [],
    pos: [0, 0, 0],
    quat: [1, 0, 0, 0],
    name: 'foot hull',
    mesh: { name: 'foot hull', vertices: new Float32Array(v), indices: new Uint32Array(0) },
  };
}
