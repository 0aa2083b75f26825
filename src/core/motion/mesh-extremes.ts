/**
 * A mesh's extreme vertices along the 26 directions (dx, dy, dz) ∈ {-1, 0, 1}³ \ {0}: the points the lowest-point
 * search (lowest-point.ts) keeps per mesh. One pass over the vertices: the 26 directions are 13 axes and their
 * negatives, and the projection on −d is exactly −(projection on d) in floating point, so each axis keeps its
 * maximum and its minimum. Ties go to the first vertex, as a separate scan per direction with `>` would.
 */

/** The 13 axes: first non-zero component +1, in the order (dx, dy, dz) of a scan over -1, 0, 1. */
const AXES: [number, number, number][] = [];
for (const dx of [-1, 0, 1])
  for (const dy of [-1, 0, 1])
    for (const dz of [-1, 0, 1]) {
      const first = dx || dy || dz;
      if (first === 1) AXES.push([dx, dy, dz]);
    }

/** dx·x + dy·y + dz·z on the 13 AXES, each summed left to right as written there (0·x and 1·x dropped: exact). */
function project(x: number, y: number, z: number, d: Float64Array): void {
  d[0] = z;
  d[1] = y - z;
  d[2] = y;
  d[3] = y + z;
  d[4] = x - y - z;
  d[5] = x - y;
  d[6] = x - y + z;
  d[7] = x - z;
  d[8] = x;
  d[9] = x + z;
  d[10] = x + y - z;
  d[11] = x + y;
  d[12] = x + y + z;
}

/** Index of axis ± for the direction (dx, dy, dz); `max`: the direction is +axis. */
function axisOf(dx: number, dy: number, dz: number): { axis: number; max: boolean } {
  const sign = dx || dy || dz;
  const axis = AXES.findIndex(([a, b, c]) => a === sign * dx && b === sign * dy && c === sign * dz);
  return { axis, max: sign === 1 };
}

/** The 26 directions in scan order (dx outer, dz inner), each as its axis and sense. */
const DIRECTIONS = (() => {
  const out: { axis: number; max: boolean }[] = [];
  for (const dx of [-1, 0, 1]) for (const dy of [-1, 0, 1]) for (const dz of [-1, 0, 1]) if (dx || dy || dz) out.push(axisOf(dx, dy, dz));
  return out;
})();

/**
 * Indices of the vertices extreme along each of the 26 directions, without repeats, in the order the
 * directions are scanned (dx outer, then dy, then dz, each over -1, 0, 1): the first vertex of greatest
 * dx·x + dy·y + dz·z per direction. `v` holds x, y, z per vertex.
 */
export function extremeVertices(v: ArrayLike<number>): number[] {
  const n = Math.floor(v.length / 3);
  if (!n) return [];
  const hi = new Float64Array(13).fill(-Infinity),
    lo = new Float64Array(13).fill(Infinity);
  const hiAt = new Int32Array(13),
    loAt = new Int32Array(13);
  const d = new Float64Array(13);
  for (let i = 0; i < n; i++) {
    project(v[i * 3], v[i * 3 + 1], v[i * 3 + 2], d);
    for (let a = 0; a < 13; a++) {
      if (d[a] > hi[a]) {
        hi[a] = d[a];
        hiAt[a] = i;
      }
      if (d[a] < lo[a]) {
        lo[a] = d[a];
        loAt[a] = i;
      }
    }
  }
  const out: number[] = [];
  for (const { axis, max } of DIRECTIONS) {
    const at = max ? hiAt[axis] : loAt[axis];
    if (!out.includes(at)) out.push(at);
  }
  return out;
}
