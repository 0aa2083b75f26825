/**
 * Collision meshes compiled from their convex hulls' points. MuJoCo collides a mesh geom as the convex hull of its
 * vertices, yet its compiler also builds a face tree, normals and a volume for every face of the file: most of the
 * G1's compile (~1 s in a fresh evaluation worker, once per worker). A mesh given as its hull's points alone
 * (a vertex-only MSH file: MuJoCo takes their hull) is the same solid to the collider, and compiles in about half
 * the time. Only meshes whose every geom is a plain `type="mesh"` geom with no mass of its own (massless, as in
 * mujoco-prune.ts) qualify, so masses and inertias are untouched; what changes is where MuJoCo puts the mesh's own
 * frame (the hull's centroid instead of the solid's), which moves floating-point rounding only.
 * The hull points come from MuJoCo's own compile of the full mesh (its mesh graph), once per mesh content: the
 * points are kept by a HullStore (hull-store.ts: this process's memory, and a disk cache in the CLI).
 */
import type { MainModule, MjModel } from 'mujoco-js';
import { readDefaults, withDefaults, type Defaults } from '../model/mjcf-parts';
import { parseXml, type XmlElement } from '../model/xml';
import { contentKey } from './hull-store';
import { massless, meshName, num, scan, walk, writeXml } from './mujoco-prune';

/** A mesh asset that will be compiled from its hull: its element, name and content key. */
export interface HullMesh {
  el: XmlElement;
  name: string;
  key: string;
}

export interface HullPlan {
  root: XmlElement;
  meshes: HullMesh[];
  /** folder (relative to the MJCF) MuJoCo reads mesh files from */
  meshdir: string;
}

const MESH_FILE = /\.(stl|obj|msh)$/i;
/** attributes that change which points of the file MuJoCo keeps for the hull */
const HULL_ATTRS = ['refpos', 'refquat', 'maxhullvert'];

const joinPath = (dir: string, file: string): string => (dir ? `${dir.replace(/\/+$/, '')}/${file}` : file).replace(/^\.\//, '');

/** The compiler's mesh folder, or null when the meshes cannot be found in `files` (absolute folders). */
function meshDir(root: XmlElement): string | null {
  let dir = '';
  for (const c of root.children.filter((e) => e.name === 'compiler')) dir = c.attrs.meshdir ?? c.attrs.assetdir ?? dir;
  return dir.startsWith('/') || /^[a-z]:/i.test(dir) ? null : dir;
}

/** The content the hull is made from: the file's bytes, or the inline vertex / face text. */
function meshContent(a: Record<string, string>, files: Record<string, Uint8Array>, dir: string, strip: boolean): string | null {
  if (a.file !== undefined) {
    if (!MESH_FILE.test(a.file)) return null;
    const path = joinPath(dir, strip ? a.file.split(/[\\/]/).pop()! : a.file);
    const bytes = files[path];
    return bytes ? contentKey(bytes, a.file.split('.').pop()!.toLowerCase()) : null;
  }
  return a.vertex !== undefined ? contentKey(`${a.vertex}|${a.face ?? ''}`, 'inline') : null;
}

/** Mesh name → the attributes (class defaults applied) of every geom that uses it. */
function meshUsers(root: XmlElement, defaults: Defaults, file: string): Map<string, { g: Record<string, string>; body: XmlElement }[]> {
  const users = new Map<string, { g: Record<string, string>; body: XmlElement }[]>();
  const visit = (el: XmlElement, body: XmlElement, cls: string): void => {
    for (const c of el.children) {
      if (c.name === 'geom') {
        const g = withDefaults(c, cls, defaults, file);
        if (g.mesh !== undefined) users.set(g.mesh, [...(users.get(g.mesh) ?? []), { g, body }]);
      } else if (c.name === 'body' || c.name === 'frame') visit(c, c.name === 'body' ? c : body, c.attrs.childclass ?? cls);
    }
  };
  for (const wb of root.children.filter((c) => c.name === 'worldbody')) visit(wb, wb, 'main');
  return users;
}

/** Names used in any attribute but a geom's `mesh` and an element's own `name` (such a mesh is left as it is). */
function otherRefs(root: XmlElement): Set<string> {
  const refs = new Set<string>();
  for (const e of walk(root))
    for (const [k, v] of Object.entries(e.attrs)) if (k !== 'name' && !(e.name === 'geom' && k === 'mesh')) refs.add(v);
  return refs;
}

/** Which meshes of an MJCF (already pruned for physics) can be compiled from their hulls; null when none. */
export function planHulls(xml: string, files: Record<string, Uint8Array>, file: string): HullPlan | null {
  try {
    const root = parseXml(xml, file);
    const s = root.name === 'mujoco' ? scan(root, file) : null;
    const dir = meshDir(root);
    if (!s || dir === null) return null;
    const compilers = root.children.filter((c) => c.name === 'compiler');
    if (compilers.some((c) => c.attrs.convexhull === 'false')) return null;
    const strip = compilers.some((c) => c.attrs.strippath === 'true');
    const meshDefaults: Defaults = new Map();
    for (const d of root.children.filter((c) => c.name === 'default')) readDefaults(d, new Map(), meshDefaults, file);
    const users = meshUsers(root, s.defaults, file);
    const refs = otherRefs(root);
    const meshes: HullMesh[] = [];
    for (const asset of root.children.filter((c) => c.name === 'asset'))
      for (const el of asset.children.filter((c) => c.name === 'mesh')) {
        const a = withDefaults(el, 'main', meshDefaults, file);
        const name = meshName(el);
        const uses = users.get(name) ?? [];
        if (!uses.length || refs.has(name) || HULL_ATTRS.some((k) => a[k] !== undefined)) continue;
        const plain = uses.every(
          ({ g, body }) =>
            g.type === 'mesh' &&
            (g.fluidshape ?? 'none') === 'none' &&
            massless(g, body, s.fromGeom) &&
            num(g.contype, 1) + num(g.conaffinity, 1) > 0,
        );
        const key = plain ? meshContent(a, files, dir, strip) : null;
        if (key) meshes.push({ el, name, key });
      }
    return meshes.length ? { root, meshes, meshdir: dir } : null;
  } catch {
    return null; // MuJoCo's own compile reports what is wrong with the text
  }
}

/**
 * The hull points of `names` in a compiled model, in each mesh file's own frame and units (MuJoCo moves a mesh to
 * its centroid, turns it to its principal axes and scales it: undone here), as float32; null for a mesh with no hull.
 */
export function extractHulls(mj: MainModule, m: MjModel, names: string[]): (Float32Array | null)[] {
  const graph = m.mesh_graph as Int32Array,
    vert = m.mesh_vert as Float32Array;
  const pos = m.mesh_pos as Float64Array,
    quat = m.mesh_quat as Float64Array,
    scale = m.mesh_scale as Float64Array;
  return names.map((name) => {
    const id = mj.mj_name2id(m, mj.mjtObj.mjOBJ_MESH.value, name);
    const ga = id < 0 ? -1 : (m.mesh_graphadr as Int32Array)[id];
    if (ga < 0 || graph[ga] < 4) return null;
    const nv = graph[ga],
      va = (m.mesh_vertadr as Int32Array)[id];
    const [w, x, y, z] = quat.subarray(4 * id, 4 * id + 4);
    // in the file's own order: qhull then meets the hull points as it met them among all the others
    const ids = Int32Array.from(graph.subarray(ga + 2 + nv, ga + 2 + 2 * nv)).sort();
    const out = new Float32Array(3 * nv);
    for (let k = 0; k < nv; k++) {
      const i = 3 * (va + ids[k]);
      const [a, b, c] = [vert[i], vert[i + 1], vert[i + 2]];
      // rotate by the mesh quaternion, add its position, divide by its scale
      const tx = 2 * (y * c - z * b),
        ty = 2 * (z * a - x * c),
        tz = 2 * (x * b - y * a);
      out[3 * k] = (a + w * tx + (y * tz - z * ty) + pos[3 * id]) / scale[3 * id];
      out[3 * k + 1] = (b + w * ty + (z * tx - x * tz) + pos[3 * id + 1]) / scale[3 * id + 1];
      out[3 * k + 2] = (c + w * tz + (x * ty - y * tx) + pos[3 * id + 2]) / scale[3 * id + 2];
    }
    return out;
  });
}

/** MuJoCo's binary MSH file with vertices only (4 int32 counts, then float32 xyz): MuJoCo makes their hull. */
export function mshOf(points: Float32Array): Uint8Array {
  const out = new Uint8Array(16 + points.byteLength);
  new DataView(out.buffer).setInt32(0, points.length / 3, true);
  out.set(new Uint8Array(points.buffer, points.byteOffset, points.byteLength), 16);
  return out;
}

const FULL_MESH_ATTRS = ['file', 'vertex', 'face', 'normal', 'texcoord', 'content_type'];

/** The plan's MJCF with each mesh read from its hull points (hulls[i] for plan.meshes[i]), and its files. */
export function withHulls(
  plan: HullPlan,
  hulls: Float32Array[],
  files: Record<string, Uint8Array>,
): { xml: string; files: Record<string, Uint8Array> } {
  const out = { ...files };
  plan.meshes.forEach((m, i) => {
    const own = `mimic-hull-${i}.msh`;
    m.el.attrs = {
      ...Object.fromEntries(Object.entries(m.el.attrs).filter(([k]) => !FULL_MESH_ATTRS.includes(k))),
      name: m.name,
      file: own,
    };
    out[joinPath(plan.meshdir, own)] = mshOf(hulls[i]);
  });
  return { xml: writeXml(plan.root), files: out };
}
