/**
 * Collision meshes compiled from the points that can be on their convex hulls. MuJoCo collides a mesh geom as the
 * convex hull of its vertices, yet its compiler also builds a face tree, normals and a volume for every face of the
 * file: most of the G1's compile (~1 s in a fresh evaluation worker, once per worker). A mesh given as a vertex-only
 * MSH file of those points (hull-filter.ts: every vertex that is not strictly inside the mesh's hull) is the same
 * solid to the collider (MuJoCo takes their hull), and compiles in about half the time. Only meshes whose every geom
 * is a plain `type="mesh"` geom with no mass of its own (massless, as in mujoco-prune.ts) qualify, so masses and
 * inertias are untouched; what changes is where MuJoCo puts the mesh's own frame (the hull's centroid instead of the
 * solid's), which moves floating-point rounding only. STL and OBJ files and inline vertex lists are read (MSH files
 * are left whole). MuJoCo's hull of an OBJ file takes every `v` line of it, also those no face uses and those of a
 * second object (whose faces it leaves out): so do the points here; an OBJ whose faces name missing vertices, or
 * that has none, is left whole (MuJoCo's own compile says what is wrong with it). The points are kept by a HullStore
 * (hull-store.ts: this process's memory, and a disk cache in the CLI), by content.
 */
import { withDefaults, type Defaults } from '../model/mjcf-parts';
import { parseObj, parseStl } from '../model/mesh';
import { hullCandidates } from './hull-filter';
import { contentKey } from './hull-store';
import { writeXml, type XmlElement } from '../model/xml';
import { massless, meshName, num, walk, type PruneResult } from './mujoco-prune';

/** A mesh asset that will be compiled from its hull points: its element, name, content key and content. */
export interface HullMesh {
  el: XmlElement;
  name: string;
  key: string;
  /** the STL or OBJ file's bytes, or the inline vertex list and face list ("vertex|face") */
  content: Uint8Array | string;
  /** 'stl', 'obj' or 'inline' */
  kind: string;
}

export interface HullPlan {
  root: XmlElement;
  meshes: HullMesh[];
  /** folder (relative to the MJCF) MuJoCo reads mesh files from */
  meshdir: string;
}

const MESH_FILE = /\.(stl|obj)$/i;
/** attributes that change which points of the file MuJoCo keeps for the hull */
const HULL_ATTRS = ['refpos', 'refquat', 'maxhullvert'];

const joinPath = (dir: string, file: string): string => (dir ? `${dir.replace(/\/+$/, '')}/${file}` : file).replace(/^\.\//, '');

/** The compiler's mesh folder, or null when the meshes cannot be found in `files` (absolute folders). */
function meshDir(root: XmlElement): string | null {
  let dir = '';
  for (const c of root.children.filter((e) => e.name === 'compiler')) dir = c.attrs.meshdir ?? c.attrs.assetdir ?? dir;
  return dir.startsWith('/') || /^[a-z]:/i.test(dir) ? null : dir;
}

/** What the hull points are made from: the STL or OBJ file's bytes, or the inline vertex list; null for anything else. */
function meshContent(
  a: Record<string, string>,
  files: Record<string, Uint8Array>,
  dir: string,
  strip: boolean,
): { key: string; content: Uint8Array | string; kind: string } | null {
  if (a.file !== undefined) {
    const kind = MESH_FILE.exec(a.file)?.[1].toLowerCase();
    if (!kind) return null;
    const bytes = files[joinPath(dir, strip ? a.file.split(/[\\/]/).pop()! : a.file)];
    return bytes ? { key: contentKey(bytes, kind), content: bytes, kind } : null;
  }
  const text = a.vertex !== undefined ? `${a.vertex}|${a.face ?? ''}` : null;
  return text ? { key: contentKey(text, 'inline'), content: text, kind: 'inline' } : null;
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

/**
 * Which meshes of an MJCF can be compiled from their hull points; null when none. `tree`: the MJCF as pruned for
 * physics (mujoco-prune.ts), which the plan edits in place (withHulls).
 */
export function planHulls(tree: PruneResult['tree'], files: Record<string, Uint8Array>, file: string): HullPlan | null {
  if (!tree) return null;
  const { root, scan: s } = tree;
  try {
    const dir = meshDir(root);
    if (dir === null) return null;
    const compilers = root.children.filter((c) => c.name === 'compiler');
    if (compilers.some((c) => c.attrs.convexhull === 'false')) return null;
    const strip = compilers.some((c) => c.attrs.strippath === 'true');
    const users = meshUsers(root, s.defaults, file);
    const refs = otherRefs(root);
    const meshes: HullMesh[] = [];
    for (const asset of root.children.filter((c) => c.name === 'asset'))
      for (const el of asset.children.filter((c) => c.name === 'mesh')) {
        const a = withDefaults(el, 'main', s.defaults, file);
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
        const c = plain ? meshContent(a, files, dir, strip) : null;
        if (c) meshes.push({ el, name, ...c });
      }
    return meshes.length ? { root, meshes, meshdir: dir } : null;
  } catch {
    return null; // MuJoCo's own compile reports what is wrong with the text
  }
}

const numbers = (t: string): number[] => (t.trim() ? t.trim().split(/\s+/).map(Number) : []);

/** An inline mesh's points: its vertices, or with a face list the vertices the faces use (as MuJoCo's mesh has). */
function inlinePoints(content: string): Float32Array {
  const [vertex, face] = content.split('|');
  const v = numbers(vertex);
  const f = numbers(face);
  if (!f.length) return Float32Array.from(v);
  const used = [...new Set(f)].sort((a, b) => a - b);
  if (!used.every((i) => Number.isInteger(i) && i >= 0 && 3 * i + 2 < v.length)) return new Float32Array(0);
  return Float32Array.from(used.flatMap((i) => [v[3 * i], v[3 * i + 1], v[3 * i + 2]]));
}

/** The points of a planned mesh that may be on its hull (hull-filter.ts), or null to leave the mesh whole. */
export function hullPointsOf(m: HullMesh): Float32Array | null {
  try {
    const v =
      typeof m.content === 'string'
        ? inlinePoints(m.content)
        : m.kind === 'obj'
          ? parseObj(new TextDecoder().decode(m.content), m.name).vertices
          : parseStl(m.content, m.name).vertices;
    return v.length % 3 === 0 && v.every(Number.isFinite) ? hullCandidates(v) : null;
  } catch {
    return null; // a mesh that does not parse: MuJoCo's own compile reports it
  }
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
