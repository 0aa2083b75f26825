/**
 * Terrain: a spec (type, params, seed, difficulty) → geometry both engines build (static boxes and one
 * heightfield grid) plus the ground height under any point (`terrainHeight`). z up, metres, radians.
 * The flat floor (z = 0) stays under every terrain; terrain surfaces are at or above it.
 *   slope   params.degrees (default 20·difficulty): a tilted slab rising along +x, through z = L·tan(θ) at x = 0
 *   stairs  params.step_height (0.03 + 0.12·d), step_depth (0.3), steps (5), platform (0.6): a pyramid, the robot on top
 *   rough   params.amplitude (0.08·d), cell (0.1): a heightfield of uniform noise in [0, amplitude]
 *   boxes   params.count (30), height (0.15·d), size (0.4), clear (0.4, no box within this radius of the origin)
 *   hfield  `hfield` given as data: nrow × ncol heights (row = y, column = x), half sizes hx, hy
 * Every terrain spans the square |x|, |y| ≤ params.extent (default 3 m).
 */
import { fail } from '../errors';
import { qFromAxisAngle, qRotate, rng, type Quat, type Vec3 } from '../math';

export const TERRAIN_TYPES = ['flat', 'slope', 'stairs', 'rough', 'boxes', 'hfield'] as const;
export type TerrainType = (typeof TERRAIN_TYPES)[number];

export interface HeightfieldData {
  nrow: number;
  ncol: number;
  /** half sizes along x (columns) and y (rows), m */
  hx: number;
  hy: number;
  /** row-major, nrow × ncol, m; row r at y = -hy + 2hy·r/(nrow-1), column c at x = -hx + 2hx·c/(ncol-1) */
  heights: ArrayLike<number>;
}

export interface TerrainSpec {
  type: TerrainType;
  params?: Record<string, number>;
  seed?: number;
  /** 0 (easy) .. 1 (hard): fills the params not given */
  difficulty?: number;
  /** type 'hfield': the data */
  hfield?: HeightfieldData;
  /** shown in reports and the scene */
  label?: string;
}

export interface TerrainBox {
  pos: Vec3;
  half: Vec3;
  quat: Quat;
}

export interface TerrainGeometry {
  label: string;
  boxes: TerrainBox[];
  hfield: (HeightfieldData & { heights: Float32Array }) | null;
  /** half size of the square the terrain spans, m */
  extent: number;
}

const DEG = Math.PI / 180;

/** A named error for a heightfield whose size does not match its data or that holds a non-finite height. */
export function checkHeightfield(h: HeightfieldData, file: string, where = 'terrain.hfield'): Float32Array {
  for (const k of ['nrow', 'ncol'] as const) {
    if (!Number.isInteger(h[k]) || h[k] < 2 || h[k] > 4096)
      fail('ParseError', file, `${where}.${k}`, `expected an integer in [2, 4096], got ${h[k]}`);
  }
  for (const k of ['hx', 'hy'] as const) {
    if (!(Number.isFinite(h[k]) && h[k] > 0 && h[k] <= 1000))
      fail('ParseError', file, `${where}.${k}`, `expected a half size in (0, 1000] m, got ${h[k]}`);
  }
  const n = h.heights?.length ?? 0;
  if (n !== h.nrow * h.ncol) {
    fail('ParseError', file, `${where}.heights`, `${n} heights for a ${h.nrow} × ${h.ncol} grid (expected ${h.nrow * h.ncol})`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = h.heights[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 100) {
      fail(
        'ParseError',
        file,
        `${where}.heights[${i}] (row ${Math.floor(i / h.ncol)}, column ${i % h.ncol})`,
        `not a finite height within ±100 m: ${v}`,
      );
    }
    out[i] = v;
  }
  return out;
}

const param = (s: TerrainSpec, key: string, fallback: number): number => s.params?.[key] ?? fallback;

function slope(s: TerrainSpec, L: number): TerrainBox[] {
  const th = param(s, 'degrees', 20 * (s.difficulty ?? 0)) * DEG;
  if (Math.abs(th) < 1e-9) return [];
  const quat = qFromAxisAngle([0, 1, 0], -th); // +x rises
  const normal = qRotate(quat, [0, 0, 1]);
  const hz = 0.5;
  const top: Vec3 = [0, 0, L * Math.tan(Math.abs(th))];
  const pos: Vec3 = [top[0] - hz * normal[0], top[1] - hz * normal[1], top[2] - hz * normal[2]];
  return [{ pos, half: [L / Math.cos(th), L, hz], quat }];
}

function stairs(s: TerrainSpec, L: number): TerrainBox[] {
  const d = s.difficulty ?? 0;
  const h = param(s, 'step_height', 0.03 + 0.12 * d),
    depth = param(s, 'step_depth', 0.3),
    steps = Math.round(param(s, 'steps', 5)),
    platform = param(s, 'platform', 0.6);
  const out: TerrainBox[] = [];
  for (let k = 0; k < steps; k++) {
    const half = Math.min(L, platform + (steps - 1 - k) * depth);
    const top = (k + 1) * h;
    out.push({ pos: [0, 0, top / 2], half: [half, half, top / 2], quat: [1, 0, 0, 0] });
  }
  return out;
}

function boxes(s: TerrainSpec, L: number): TerrainBox[] {
  const r = rng((s.seed ?? 0) * 7919 + 17);
  const count = Math.round(param(s, 'count', 30)),
    height = param(s, 'height', 0.15 * (s.difficulty ?? 0)),
    size = param(s, 'size', 0.4),
    clear = param(s, 'clear', 0.4);
  const out: TerrainBox[] = [];
  for (let k = 0, tries = 0; k < count && tries < count * 50; tries++) {
    const x = (2 * r() - 1) * L,
      y = (2 * r() - 1) * L;
    const hx = size * (0.25 + 0.25 * r()),
      hy = size * (0.25 + 0.25 * r()),
      hz = (height * (0.5 + 0.5 * r())) / 2;
    const yaw = Math.PI * r();
    if (Math.hypot(x, y) < clear + Math.hypot(hx, hy) || !(hz > 0)) continue;
    out.push({ pos: [x, y, hz], half: [hx, hy, hz], quat: qFromAxisAngle([0, 0, 1], yaw) });
    k++;
  }
  return out;
}

function rough(s: TerrainSpec, L: number): TerrainGeometry['hfield'] {
  const amp = param(s, 'amplitude', 0.08 * (s.difficulty ?? 0)),
    cell = param(s, 'cell', 0.1);
  if (!(amp > 0)) return null;
  const n = Math.max(2, Math.round((2 * L) / cell) + 1);
  const r = rng((s.seed ?? 0) * 104729 + 3);
  const heights = Float32Array.from({ length: n * n }, () => amp * r());
  return { nrow: n, ncol: n, hx: L, hy: L, heights };
}

/** The geometry of a terrain spec (validated: bad params or heightfield data are named errors). */
export function buildTerrain(s: TerrainSpec, file = '<terrain>'): TerrainGeometry {
  if (!(TERRAIN_TYPES as readonly string[]).includes(s.type))
    fail('ParseError', file, 'terrain.type', `unknown terrain type "${s.type}" (${TERRAIN_TYPES.join(', ')})`);
  for (const [k, v] of Object.entries(s.params ?? {})) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < -90 || v > 1000)
      fail('ParseError', file, `terrain.params.${k}`, `expected a finite number, got ${String(v)}`);
  }
  const L = param(s, 'extent', 3);
  if (!(L > 0.1 && L <= 100)) fail('ParseError', file, 'terrain.params.extent', `expected a half size in (0.1, 100] m, got ${L}`);
  if (s.type === 'slope' && Math.abs(param(s, 'degrees', 0)) >= 60)
    fail('ParseError', file, 'terrain.params.degrees', 'a slope steeper than 60° is not a floor');
  const label = s.label ?? s.type;
  switch (s.type) {
    case 'slope':
      return { label, boxes: slope(s, L), hfield: null, extent: L };
    case 'stairs':
      return { label, boxes: stairs(s, L), hfield: null, extent: L };
    case 'boxes':
      return { label, boxes: boxes(s, L), hfield: null, extent: L };
    case 'rough':
      return { label, boxes: [], hfield: rough(s, L), extent: L };
    case 'hfield': {
      if (!s.hfield) return fail('ParseError', file, 'terrain.hfield', 'type hfield needs { nrow, ncol, hx, hy, heights }');
      const heights = checkHeightfield(s.hfield, file);
      return { label, boxes: [], hfield: { ...s.hfield, heights }, extent: Math.max(s.hfield.hx, s.hfield.hy) };
    }
    default:
      return { label, boxes: [], hfield: null, extent: L };
  }
}

/** Top of a box above (x, y), or -Infinity when the vertical line misses its top face. */
function boxTop(b: TerrainBox, x: number, y: number): number {
  const n = qRotate(b.quat, [0, 0, 1]);
  if (n[2] < 1e-6) return -Infinity;
  const c = qRotate(b.quat, [0, 0, b.half[2]]);
  const t: Vec3 = [b.pos[0] + c[0], b.pos[1] + c[1], b.pos[2] + c[2]];
  const z = t[2] - (n[0] * (x - t[0]) + n[1] * (y - t[1])) / n[2];
  const inv: Quat = [b.quat[0], -b.quat[1], -b.quat[2], -b.quat[3]];
  const l = qRotate(inv, [x - b.pos[0], y - b.pos[1], z - b.pos[2]]);
  return Math.abs(l[0]) <= b.half[0] + 1e-9 && Math.abs(l[1]) <= b.half[1] + 1e-9 ? z : -Infinity;
}

/**
 * Heightfield surface above (x, y): the grid's triangles, each cell split along its (c, r)–(c+1, r+1) diagonal
 * (both engines are built from the same triangles; see terrain-engines.ts), -Infinity outside.
 */
export function heightfieldAt(h: NonNullable<TerrainGeometry['hfield']>, x: number, y: number): number {
  const u = ((x + h.hx) / (2 * h.hx)) * (h.ncol - 1),
    v = ((y + h.hy) / (2 * h.hy)) * (h.nrow - 1);
  if (!(u >= 0 && v >= 0 && u <= h.ncol - 1 && v <= h.nrow - 1)) return -Infinity;
  const c = Math.min(h.ncol - 2, Math.floor(u)),
    r = Math.min(h.nrow - 2, Math.floor(v));
  const fu = u - c,
    fv = v - r;
  const z = (rr: number, cc: number) => h.heights[rr * h.ncol + cc];
  const z00 = z(r, c),
    z11 = z(r + 1, c + 1);
  return fu >= fv ? z00 + fu * (z(r, c + 1) - z00) + fv * (z11 - z(r, c + 1)) : z00 + fv * (z(r + 1, c) - z00) + fu * (z11 - z(r + 1, c));
}

/** The ground height under (x, y): the highest terrain surface there, the floor (0) elsewhere. */
export function terrainHeight(g: TerrainGeometry | null | undefined, x: number, y: number): number {
  if (!g) return 0;
  let z = 0;
  for (const b of g.boxes) z = Math.max(z, boxTop(b, x, y));
  if (g.hfield) z = Math.max(z, heightfieldAt(g.hfield, x, y));
  return z;
}

/** A height function for a terrain (null: flat floor, z = 0 everywhere). */
export const groundOf =
  (g: TerrainGeometry | null | undefined): ((x: number, y: number) => number) =>
  (x, y) =>
    terrainHeight(g, x, y);

/** Lowest gap between collision points ([x, y, z, radius] in the body frame) of a body pose and the ground under each. */
export function lowestAbove(
  pts: number[][],
  pos: ArrayLike<number>,
  quat: ArrayLike<number>,
  ground: (x: number, y: number) => number,
): number {
  let m = Infinity;
  for (const p of pts) {
    const w = qRotate(quat, p);
    m = Math.min(m, pos[2] + w[2] - p[3] - ground(pos[0] + w[0], pos[1] + w[1]));
  }
  return m;
}
