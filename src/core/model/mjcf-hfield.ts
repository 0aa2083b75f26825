/**
 * MJCF heightfields (issue 16): an `<asset><hfield name nrow ncol size="rx ry elev base" elevation="…"/>` used by a
 * `<geom type="hfield" hfield="NAME">` on the worldbody becomes a terrain spec ('hfield'), so both engines stand on it.
 * MuJoCo scales the elevation data to [0, 1] (minus its minimum, over its range) and then by size[2]; the geom's
 * z is added; size[3] is the base depth below (MuJoCo only). MuJoCo's first elevation row is at +y, ours at -y.
 * A `file="x.png"` heightfield is read with our PNG reader (png.ts; MuJoCo's convention, user_objects.cc LoadPNG:
 * grey levels, the image's top row at +y, left column at -x; nrow = image height, ncol = width), from the files
 * dropped with the MJCF (the resolver), relative to the model's folder + meshdir as MuJoCo resolves it.
 */
import { fail } from '../errors';
import type { TerrainSpec } from '../physics/terrain';
import { joinPath, type AssetResolver } from './common';
import { decodePngGrey } from './png';
import { childrenNamed, type XmlElement } from './xml';

/** Where an hfield's `file` is looked for: the resolver and the folder (model folder + meshdir). */
export interface HfieldFiles {
  resolve?: AssetResolver;
  dir: string;
}

function numbers(s: string | undefined, file: string, where: string, count?: number): number[] {
  const v = (s ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  if (count !== undefined && v.length !== count) fail('ParseError', file, where, `expected ${count} numbers, got ${v.length}`);
  const bad = v.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) fail('ParseError', file, `${where}[${bad}]`, `not a finite number: "${(s ?? '').trim().split(/\s+/)[bad]}"`);
  return v;
}

/** The worldbody's heightfield geoms as terrain specs (empty when there are none). */
export function mjcfHeightfields(root: XmlElement, file: string, files: HfieldFiles = { dir: '' }): TerrainSpec[] {
  const assets = new Map<string, XmlElement>();
  for (const a of childrenNamed(root, 'asset')) for (const h of childrenNamed(a, 'hfield')) assets.set(h.attrs.name ?? '', h);
  const out: TerrainSpec[] = [];
  for (const wb of childrenNamed(root, 'worldbody'))
    for (const g of childrenNamed(wb, 'geom')) {
      if (g.attrs.type !== 'hfield') continue;
      const name = g.attrs.hfield ?? '';
      const h = assets.get(name);
      if (!h) fail('ModelError', file, `line ${g.line}: geom hfield="${name}"`, 'no <hfield> asset of that name');
      out.push(readHeightfield(h!, g, file, files));
    }
  return out;
}

/** The grid of an hfield: inline (nrow, ncol, elevation) or from its PNG file; rows in MuJoCo's order (first = +y). */
function gridOf(h: XmlElement, file: string, where: string, files: HfieldFiles): { nrow: number; ncol: number; data: ArrayLike<number> } {
  if (h.attrs.file !== undefined) {
    if (h.attrs.nrow !== undefined || h.attrs.ncol !== undefined || h.attrs.elevation !== undefined)
      fail('ModelError', file, `${where}.file`, 'an hfield from a file cannot also give nrow, ncol or elevation (MuJoCo refuses it too)');
    if (!/\.png$/i.test(h.attrs.file))
      fail('ModelError', file, `${where}.file`, `"${h.attrs.file}": only PNG heightfields are read (MuJoCo's binary format is not)`);
    const path = joinPath(files.dir, h.attrs.file);
    const bytes = files.resolve?.(path) ?? files.resolve?.(h.attrs.file);
    if (!bytes) return fail('ModelError', file, `${where}.file`, `heightfield image "${path}" not found: drop it with the MJCF`);
    const img = decodePngGrey(bytes, path);
    if (img.width < 2 || img.height < 2)
      fail('ParseError', path, 'chunk IHDR', `a ${img.width} × ${img.height} image: a heightfield needs 2 × 2 or more`);
    return { nrow: img.height, ncol: img.width, data: img.values };
  }
  const nrow = Number(h.attrs.nrow),
    ncol = Number(h.attrs.ncol);
  for (const [k, n] of [
    ['nrow', nrow],
    ['ncol', ncol],
  ] as const)
    if (!Number.isInteger(n) || n < 2 || n > 4096)
      fail('ParseError', file, `${where}.${k}`, `expected an integer in [2, 4096], got "${h.attrs[k]}"`);
  const data = numbers(h.attrs.elevation, file, `${where}.elevation`);
  if (data.length !== nrow * ncol)
    fail('ParseError', file, `${where}.elevation`, `${data.length} values for a ${nrow} × ${ncol} grid (expected ${nrow * ncol})`);
  return { nrow, ncol, data };
}

function readHeightfield(h: XmlElement, g: XmlElement, file: string, files: HfieldFiles): TerrainSpec {
  const where = `line ${h.line}: hfield "${h.attrs.name}"`;
  const { nrow, ncol, data } = gridOf(h, file, where, files);
  const [rx, ry, elev, base] = numbers(h.attrs.size, file, `${where}.size`, 4);
  if (!(rx > 0 && ry > 0 && elev >= 0 && base >= 0))
    fail('ParseError', file, `${where}.size`, `expected rx, ry > 0 and elevation, base ≥ 0, got "${h.attrs.size}"`);
  const gw = `line ${g.line}: geom hfield="${h.attrs.name}"`;
  const pos = g.attrs.pos !== undefined ? numbers(g.attrs.pos, file, `${gw}.pos`, 3) : [0, 0, 0];
  if (pos[0] !== 0 || pos[1] !== 0) fail('ModelError', file, `${gw}.pos`, 'a heightfield off the world origin in x/y is not supported');
  for (const k of ['quat', 'euler', 'axisangle', 'xyaxes', 'zaxis'])
    if (g.attrs[k] !== undefined && !/^\s*1?\s*(0\s*)*$/.test(g.attrs[k]))
      fail('ModelError', file, `${gw}.${k}`, 'a rotated heightfield is not supported');
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    lo = Math.min(lo, data[i]);
    hi = Math.max(hi, data[i]);
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
