/**
 * Drawing detail for slow renderers: vertex clustering on a grid. Every vertex moves to the mean of the vertices in
 * its grid cell; triangles that collapse are dropped, repeats kept once. Cheap (one pass per cell size) and robust on
 * any triangle soup; for drawing only, never for physics. Software GL (SwiftShader) pays per vertex, and the G1's
 * visual meshes carry ~200k vertices: a 5 mm grid keeps their shape and draws several times faster.
 */

export interface IndexedMesh {
  vertices: Float32Array;
  indices: Uint32Array;
}

/** The mesh clustered on a grid of `cell` metres (the same mesh when the cell is not positive). */
export function clusterMesh(mesh: IndexedMesh, cell: number): IndexedMesh {
  if (!(cell > 0)) return mesh;
  const { vertices: v, indices } = mesh;
  const nv = v.length / 3;
  const cellOf = new Map<number, number>();
  const remap = new Int32Array(nv);
  const sum: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < nv; i++) {
    const key = cellKey(v[3 * i] / cell, v[3 * i + 1] / cell, v[3 * i + 2] / cell);
    let c = cellOf.get(key);
    if (c === undefined) {
      c = count.length;
      cellOf.set(key, c);
      count.push(0);
      sum.push(0, 0, 0);
    }
    remap[i] = c;
    count[c]++;
    sum[3 * c] += v[3 * i];
    sum[3 * c + 1] += v[3 * i + 1];
    sum[3 * c + 2] += v[3 * i + 2];
  }
  const out = new Float32Array(count.length * 3);
  for (let c = 0; c < count.length; c++) for (let k = 0; k < 3; k++) out[3 * c + k] = sum[3 * c + k] / count[c];
  return { vertices: out, indices: keptTriangles(indices, remap) };
}

/** a grid cell's number (cells within ±2^16 of the origin on each axis: ±65 m at 1 mm) */
const SPAN = 1 << 17;
const cellKey = (x: number, y: number, z: number): number =>
  Math.floor(x) + SPAN / 2 + SPAN * (Math.floor(y) + SPAN / 2 + SPAN * (Math.floor(z) + SPAN / 2));

/** The triangles whose three clustered corners differ, each once (the winding kept). */
function keptTriangles(indices: Uint32Array, remap: Int32Array): Uint32Array {
  const seen = new Map<number, number[]>(); // (smallest, middle corner) → largest corners seen
  const kept: number[] = [];
  for (let t = 0; t + 2 < indices.length; t += 3) {
    const a = remap[indices[t]],
      b = remap[indices[t + 1]],
      c = remap[indices[t + 2]];
    if (a === b || b === c || a === c) continue;
    const lo = Math.min(a, b, c),
      hi = Math.max(a, b, c),
      mid = a + b + c - lo - hi;
    const key = lo * remap.length + mid;
    const his = seen.get(key);
    if (his?.includes(hi)) continue;
    if (his) his.push(hi);
    else seen.set(key, [hi]);
    kept.push(a, b, c);
  }
  return Uint32Array.from(kept);
}

/** The triangle count of a mesh. */
export const triangles = (m: IndexedMesh): number => Math.floor(m.indices.length / 3);

/** The length of the diagonal of a mesh's bounding box. */
export function diagonal(m: IndexedMesh): number {
  const v = m.vertices,
    lo = [Infinity, Infinity, Infinity],
    hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < v.length; i += 3)
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k], v[i + k]);
      hi[k] = Math.max(hi[k], v[i + k]);
    }
  return v.length ? Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) : 0;
}

/**
 * The mesh clustered with `divisions` cells along its bounding-box diagonal (one pass; the same for any size of
 * robot). Few divisions: coarse. A mesh already coarser than the grid keeps its shape.
 */
export const coarser = (mesh: IndexedMesh, divisions: number): IndexedMesh => clusterMesh(mesh, diagonal(mesh) / divisions);
