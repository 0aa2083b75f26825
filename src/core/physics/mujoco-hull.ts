/**
 * MuJoCo collides a mesh through its convex hull only, and a mesh that gives no mass (every geom using it is a
 * type="mesh" geom without mass: its body has an explicit <inertial>, or its mass / density is 0) needs nothing
 * else from MuJoCo. Such a mesh is compiled from its vertices alone (an MSH file without faces, the STL's distinct
 * vertices in their first-seen order, as MuJoCo's STL reader keeps them): MuJoCo builds the same hull from the same
 * points and then processes only the hull's faces (the G1: 55,624 instead of 219,092), most of its compile time.
 * MuJoCo centres each mesh on its own centroid and principal axes, here the hull's, so geom_pos / geom_quat of these
 * geoms differ (the collision surface in the world is the same, up to rounding). MIMIC_MUJOCO_FULL_MESHES=1 turns it off.
 */
import { parseXml, type XmlElement } from '../model/xml';
import { withDefaults } from '../model/mjcf-parts';
import { massless, meshName, scan, walk, writeXml, type Scan } from './mujoco-prune';

export interface HullMeshes {
  xml: string;
  /** the input files plus one `<mesh file>.hull.msh` per mesh compiled from its vertices */
  files: Record<string, Uint8Array>;
  /** names of those meshes */
  meshes: string[];
}

/** Meshes every use of which is a massless type="mesh" geom without fluid forces (ok), and the others (bad). */
function meshUses(root: XmlElement, s: Scan, file: string): { ok: Set<string>; bad: Set<string> } {
  const ok = new Set<string>(),
    bad = new Set<string>();
  for (const table of s.defaults.values()) for (const attrs of table.values()) if (attrs.mesh) bad.add(attrs.mesh);
  const visit = (el: XmlElement, body: XmlElement, cls: string): void => {
    for (const c of el.children) {
      if (c.name === 'default' || c.name === 'asset') continue;
      if (c.name === 'geom') {
        const g = withDefaults(c, cls, s.defaults, file);
        if (!g.mesh) continue;
        const fits = (g.type ?? 'sphere') === 'mesh' && (g.fluidshape ?? 'none') === 'none' && massless(g, body, s.fromGeom);
        (fits ? ok : bad).add(g.mesh);
      } else if (c.attrs.mesh) bad.add(c.attrs.mesh);
      visit(c, c.name === 'body' ? c : body, c.attrs.childclass ?? cls);
    }
  };
  visit(root, root, 'main');
  for (const m of bad) ok.delete(m);
  return { ok, bad };
}

const normal = (p: string): string =>
  p
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/(\.\/)+/g, '/');

/**
 * The MJCF (already pruned: mujoco-prune.ts) with every massless collision mesh read from its vertices alone, or
 * null when there is none or the text is beyond these rules (strippath, includes and the like).
 */
export function hullMeshes(xml: string, files: Record<string, Uint8Array>, file: string): HullMeshes | null {
  if (process.env.MIMIC_MUJOCO_FULL_MESHES === '1') return null;
  let root: XmlElement;
  try {
    root = parseXml(xml, file);
  } catch {
    return null;
  }
  const s = root.name === 'mujoco' ? scan(root, file) : null;
  if (!s) return null;
  const compiler = [...walk(root)].find((e) => e.name === 'compiler')?.attrs ?? {};
  if (compiler.strippath === 'true') return null;
  const dir = compiler.meshdir ?? compiler.assetdir ?? '';
  const { ok } = meshUses(root, s, file);
  const out = { ...files };
  const meshes: string[] = [];
  for (const m of [...walk(root)].filter((e) => e.name === 'mesh' && e.attrs.file)) {
    const a = m.attrs;
    if (!ok.has(meshName(m)) || !/\.stl$/i.test(a.file) || a.content_type || a.vertex || a.face || m.children.length) continue;
    const key = normal(dir ? `${dir}/${a.file}` : a.file);
    const msh = files[key] && vertexMsh(files[key]);
    if (!msh) continue;
    out[`${key}.hull.msh`] = msh;
    m.attrs = { ...a, file: `${a.file}.hull.msh` };
    meshes.push(meshName(m));
  }
  return meshes.length ? { xml: writeXml(root), files: out, meshes } : null;
}

/** A binary STL's distinct vertices in first-seen order (MuJoCo's STL reader: -0 equals 0), as an MSH file of
 * vertices only: int32 counts (vertices, normals 0, texcoords 0, faces 0), then float32 x, y, z. Null if not binary. */
export function vertexMsh(stl: Uint8Array): Uint8Array | null {
  if (stl.length < 84) return null;
  const dv = new DataView(stl.buffer, stl.byteOffset, stl.byteLength);
  const count = dv.getUint32(80, true);
  if (count < 1 || 84 + count * 50 !== stl.length) return null;
  const xyz = distinctVertices(dv, count);
  const out = new Uint8Array(16 + xyz.length * 4);
  const ov = new DataView(out.buffer);
  ov.setInt32(0, xyz.length / 3, true);
  for (let i = 0; i < xyz.length; i++) ov.setFloat32(16 + 4 * i, xyz[i], true);
  return xyz.length >= 12 ? out : null;
}

/** The distinct vertices of a binary STL's triangles, first-seen order (open addressing on the float bits). */
function distinctVertices(dv: DataView, count: number): Float32Array {
  const n = count * 3;
  let size = 1;
  while (size < 2 * n) size *= 2;
  const slots = new Int32Array(size).fill(-1);
  const bits = new Uint32Array(n * 3),
    xyz = new Float32Array(n * 3);
  let kept = 0;
  for (let t = 0; t < count; t++)
    for (let j = 0; j < 3; j++) {
      const o = 96 + 50 * t + 12 * j;
      const x = dv.getFloat32(o, true),
        y = dv.getFloat32(o + 4, true),
        z = dv.getFloat32(o + 8, true);
      // equal floats, equal key: ±0 share the bits of 0
      const bx = x === 0 ? 0 : dv.getUint32(o, true),
        by = y === 0 ? 0 : dv.getUint32(o + 4, true),
        bz = z === 0 ? 0 : dv.getUint32(o + 8, true);
      let h = (Math.imul(bx, 0x9e3779b1) ^ Math.imul(by, 0x85ebca77) ^ Math.imul(bz, 0xc2b2ae3d)) & (size - 1);
      for (;;) {
        const k = slots[h];
        if (k < 0) {
          slots[h] = kept;
          bits.set([bx, by, bz], kept * 3);
          xyz.set([x, y, z], kept * 3);
          kept++;
          break;
        }
        if (bits[k * 3] === bx && bits[k * 3 + 1] === by && bits[k * 3 + 2] === bz) break;
        h = (h + 1) & (size - 1);
      }
    }
  return xyz.slice(0, kept * 3);
}
