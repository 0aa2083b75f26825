/**
 * MJCF heightfields (issue 16): an `<asset><hfield name nrow ncol size="rx ry elev base" elevation="…"/>` used by a
 * `<geom type="hfield" hfield="NAME">` on the worldbody becomes a terrain spec ('hfield'), so both engines stand on it.
 * MuJoCo scales the elevation data to [0, 1] (minus its minimum, over its range) and then by size[2]; the geom's
 * z is added; size[3] is the base depth below (MuJoCo only). MuJoCo's first elevation row is at +y, ours at -y.
 * A `file` (PNG) heightfield is not read here: a named error says so.
 */
import { fail } from '../errors';
import type { TerrainSpec } from '../physics/terrain';
import { childrenNamed, type XmlElement } from './xml';

function numbers(s: string | undefined, file: string, where: string, count?: number): number[] {
  const v = (s ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  if (count !== undefined && v.length !== count) fail('ParseError', file, where, `expected ${count} numbers, got ${v.length}`);
  const bad = v.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) fail('ParseError', file, `${where}[${bad}]`, `not a finite number: "${(s ?? '').trim().split(/\s+/)[bad]}"`);
  return v;
}

/** The worldbody's heightfield geoms as terrain specs (empty when there are none). */
export function mjcfHeightfields(root: XmlElement, file: string): TerrainSpec[] {
  const assets = new Map<string, XmlElement>();
  for (const a of childrenNamed(root, 'asset')) for (const h of childrenNamed(a, 'hfield')) assets.set(h.attrs.name ?? '', h);
  const out: TerrainSpec[] = [];
  for (const wb of childrenNamed(root, 'worldbody'))
    for (const g of childrenNamed(wb, 'geom')) {
      if (g.attrs.type !== 'hfield') continue;
      const name = g.attrs.hfield ?? '';
      const h = assets.get(name);
      if (!h) fail('ModelError', file, `line ${g.line}: geom hfield="${name}"`, 'no <hfield> asset of that name');
      out.push(readHeightfield(h!, g, file));
    }
  return out;
}

function readHeightfield(h: XmlElement, g: XmlElement, file: string): TerrainSpec {
  const where = `line ${h.line}: hfield "${h.attrs.name}"`;
  if (h.attrs.file !== undefined)
    fail(
      'ModelError',
      file,
      `${where}.file`,
      `heightfield image "${h.attrs.file}" cannot be read here; give the data inline (elevation="…")`,
    );
  const nrow = Number(h.attrs.nrow),
    ncol = Number(h.attrs.ncol);
  for (const [k, n] of [
    ['nrow', nrow],
    ['ncol', ncol],
  ] as const)
    if (!Number.isInteger(n) || n < 2 || n > 4096)
      fail('ParseError', file, `${where}.${k}`, `expected an integer in [2, 4096], got "${h.attrs[k]}"`);
  const [rx, ry, elev, base] = numbers(h.attrs.size, file, `${where}.size`, 4);
  if (!(rx > 0 && ry > 0 && elev >= 0 && base >= 0))
    fail('ParseError', file, `${where}.size`, `expected rx, ry > 0 and elevation, base ≥ 0, got "${h.attrs.size}"`);
  const data = numbers(h.attrs.elevation, file, `${where}.elevation`);
  if (data.length !== nrow * ncol)
    fail('ParseError', file, `${where}.elevation`, `${data.length} values for a ${nrow} × ${ncol} grid (expected ${nrow * ncol})`);
  const gw = `line ${g.line}: geom hfield="${h.attrs.name}"`;
  const pos = g.attrs.pos !== undefined ? numbers(g.attrs.pos, file, `${gw}.pos`, 3) : [0, 0, 0];
  if (pos[0] !== 0 || pos[1] !== 0) fail('ModelError', file, `${gw}.pos`, 'a heightfield off the world origin in x/y is not supported');
  for (const k of ['quat', 'euler', 'axisangle', 'xyaxes', 'zaxis'])
    if (g.attrs[k] !== undefined && !/^\s*1?\s*(0\s*)*$/.test(g.attrs[k]))
      fail('ModelError', file, `${gw}.${k}`, 'a rotated heightfield is not supported');
  let lo = Infinity,
    hi = -Infinity;
  for (const v of data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo;
  const heights = new Array<number>(nrow * ncol);
  for (let r = 0; r < nrow; r++)
    for (let c = 0; c < ncol; c++) {
      const v = data[(nrow - 1 - r) * ncol + c];
      heights[r * ncol + c] = pos[2] + (span > 0 ? (v - lo) / span : 0) * elev;
    }
  return { type: 'hfield', label: `hfield ${h.attrs.name}`, hfield: { nrow, ncol, hx: rx, hy: ry, heights } };
}
