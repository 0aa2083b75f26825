/**
 * Terrain geometry into the engines: MJCF text (box geoms, an `<hfield>` asset + geom) spliced into the model MuJoCo
 * compiles, the heightfield's triangles (drawn, and Rapier's trimesh: terrain-rapier.ts), the ground height. Both
 * engines put it in the ground's collision group / contype 1. No engine is imported here: the app's first frame
 * does not wait for Rapier's 4 MB module because the drawing imports this file.
 */
import { fail } from '../errors';
import { buildTerrain, groundOf, type TerrainGeometry, type TerrainSpec } from './terrain';

/** The geometry of the options' terrain, or null for none / flat. */
export function terrainOf(spec: TerrainSpec | null | undefined, file = '<terrain>'): TerrainGeometry | null {
  if (!spec || spec.type === 'flat') return null;
  const g = buildTerrain(spec, file);
  return g.boxes.length || g.hfield ? g : null;
}

/** Vertices and triangles of the heightfield grid (cell split along (c, r)–(c+1, r+1)), world frame, z up. */
export function heightfieldMesh(h: NonNullable<TerrainGeometry['hfield']>): { vertices: Float32Array; indices: Uint32Array } {
  const { nrow, ncol } = h;
  const vertices = new Float32Array(nrow * ncol * 3);
  for (let r = 0; r < nrow; r++)
    for (let c = 0; c < ncol; c++) {
      const i = (r * ncol + c) * 3;
      vertices[i] = -h.hx + (2 * h.hx * c) / (ncol - 1);
      vertices[i + 1] = -h.hy + (2 * h.hy * r) / (nrow - 1);
      vertices[i + 2] = h.heights[r * ncol + c];
    }
  const indices = new Uint32Array((nrow - 1) * (ncol - 1) * 6);
  let k = 0;
  for (let r = 0; r < nrow - 1; r++)
    for (let c = 0; c < ncol - 1; c++) {
      const a = r * ncol + c,
        b = a + 1,
        d = a + ncol,
        e = d + 1;
      indices.set([a, b, e, a, e, d], k); // counter-clockwise seen from above: normals up
      k += 6;
    }
  return { vertices, indices };
}

const f = (x: number) => (Math.abs(x) < 1e-12 ? '0' : String(+x.toPrecision(7)));
const fa = (a: ArrayLike<number>) => Array.from(a, f).join(' ');

/** MJCF lines of the terrain: assets (the hfield) and worldbody geoms. */
export function terrainMjcfParts(g: TerrainGeometry, friction: number, prefix = 'terrain'): { assets: string[]; geoms: string[] } {
  const common = `contype="1" conaffinity="1" friction="${f(friction)} 0.005 0.0001" rgba="0.55 0.5 0.45 1"`;
  const geoms = g.boxes.map(
    (b, i) => `<geom name="${prefix}_box${i}" type="box" pos="${fa(b.pos)}" quat="${fa(b.quat)}" size="${fa(b.half)}" ${common}/>`,
  );
  const assets: string[] = [];
  if (g.hfield) {
    const h = g.hfield;
    let lo = Infinity,
      hi = -Infinity;
    for (const z of h.heights) {
      lo = Math.min(lo, z);
      hi = Math.max(hi, z);
    }
    const span = Math.max(hi - lo, 1e-6);
    // MuJoCo scales the elevation data to [0, 1] and then by size[2]: write it normalised, the geom at z = lo.
    // Its first row is at +y (image order; measured: terrain-physics test), ours at -y: rows written last first.
    const rows: string[] = [];
    for (let r = h.nrow - 1; r >= 0; r--) for (let c = 0; c < h.ncol; c++) rows.push(f((h.heights[r * h.ncol + c] - lo) / span));
    const elevation = rows.join(' ');
    assets.push(
      `<hfield name="${prefix}_hfield" nrow="${h.nrow}" ncol="${h.ncol}" size="${f(h.hx)} ${f(h.hy)} ${f(span)} 0.1" elevation="${elevation}"/>`,
    );
    geoms.push(`<geom name="${prefix}_hfield" type="hfield" hfield="${prefix}_hfield" pos="0 0 ${f(lo)}" ${common}/>`);
  }
  return { assets, geoms };
}

/** The MJCF with the terrain added: an `<asset>` block after `<mujoco …>`, geoms at the end of `<worldbody>`. */
export function addTerrainMjcf(xml: string, g: TerrainGeometry, friction: number, file: string, prefix = 'terrain'): string {
  const { assets, geoms } = terrainMjcfParts(g, friction, prefix);
  const open = /<mujoco\b[^>]*>/.exec(xml);
  const close = xml.lastIndexOf('</worldbody>');
  if (!open || close < 0) fail('ModelError', file, 'terrain', 'the MJCF has no <mujoco> root or no </worldbody> to add the terrain to');
  const at = open!.index + open![0].length;
  const withGeoms = `${xml.slice(0, close)}${geoms.map((s) => `    ${s}\n`).join('')}${xml.slice(close)}`;
  return assets.length
    ? `${withGeoms.slice(0, at)}\n  <asset>\n${assets.map((a) => `    ${a}\n`).join('')}  </asset>${withGeoms.slice(at)}`
    : withGeoms;
}

const grounds = new WeakMap<TerrainSpec, (x: number, y: number) => number>();
/** The ground height function of an engine's terrain option (undefined on a flat floor), built once per spec. */
export function groundFor(spec: TerrainSpec | null | undefined): ((x: number, y: number) => number) | undefined {
  if (!spec || spec.type === 'flat') return undefined;
  let h = grounds.get(spec);
  if (!h) grounds.set(spec, (h = groundOf(terrainOf(spec))));
  return h;
}
