/**
 * The MJCF MuJoCo compiles, without what only draws: MuJoCo never renders here (three.js draws from our own
 * RobotModel), so a geom that cannot collide (contype = conaffinity = 0) and carries no mass (its body has an
 * explicit <inertial>, or the geom's mass / density is 0) changes no dynamics, and neither does a mesh asset
 * only such geoms use. Compiling the G1's 11 visual-only meshes (hands, head, pelvis shell...) is most of its
 * compile time. Anything the rules below cannot see through (includes, composites, flexes, skins, plugins,
 * rangefinders, which ray-cast every geom) leaves the text as it is.
 */
import { readDefaults, withDefaults, type Defaults } from '../model/mjcf-parts';
import { parseXml, writeXml, type XmlElement } from '../model/xml';

export interface PruneResult {
  /** the MJCF to compile (the input itself when nothing was left out) */
  xml: string;
  /** that MJCF as read here (pruned), with its scan; absent when the rules could not read it (left as it is) */
  tree?: { root: XmlElement; scan: Scan };
  /** geoms and mesh assets left out */
  geoms: number;
  meshes: number;
}

const OPAQUE = new Set(['include', 'attach', 'replicate', 'composite', 'flexcomp', 'flex', 'skin', 'plugin', 'instance', 'rangefinder']);

export function* walk(el: XmlElement): Generator<XmlElement> {
  const todo = [el];
  while (todo.length) {
    const e = todo.pop()!;
    yield e;
    for (let i = e.children.length - 1; i >= 0; i--) todo.push(e.children[i]);
  }
}

export const num = (s: string | undefined, dflt: number): number => (s === undefined ? dflt : Number(s.trim().split(/\s+/)[0]));

/** The geom adds nothing to its body's mass: explicit inertial (unless inertiafromgeom="true"), or zero mass. */
export function massless(g: Record<string, string>, body: XmlElement, fromGeom: string): boolean {
  if (fromGeom === 'false') return true;
  if (body.name === 'worldbody') return true;
  if (fromGeom !== 'true' && body.children.some((c) => c.name === 'inertial')) return true;
  return g.mass !== undefined ? num(g.mass, 1) === 0 : num(g.density, 1000) === 0;
}

export interface Scan {
  defaults: Defaults;
  fromGeom: string;
  /** every attribute value in the document except names (a geom named elsewhere is kept) */
  refs: Set<string>;
}

export function scan(root: XmlElement, file: string): Scan | null {
  const defaults: Defaults = new Map();
  let fromGeom = 'auto';
  const refs = new Set<string>();
  for (const e of walk(root)) {
    if (OPAQUE.has(e.name)) return null;
    if (e.name === 'compiler' && e.attrs.inertiafromgeom) fromGeom = e.attrs.inertiafromgeom;
    for (const [k, v] of Object.entries(e.attrs)) if (k !== 'name') refs.add(v);
  }
  for (const d of root.children.filter((c) => c.name === 'default')) readDefaults(d, new Map(), defaults, file);
  return { defaults, fromGeom, refs };
}

/** Remove drawing-only geoms under `el` (class `cls`, inside `body`); returns how many. */
function pruneGeoms(el: XmlElement, body: XmlElement, cls: string, s: Scan, file: string): number {
  let removed = 0;
  const kept: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === 'geom') {
      const g = withDefaults(c, cls, s.defaults, file);
      const drawOnly =
        num(g.contype, 1) === 0 &&
        num(g.conaffinity, 1) === 0 &&
        (g.fluidshape ?? 'none') === 'none' &&
        !(c.attrs.name !== undefined && s.refs.has(c.attrs.name)) &&
        massless(g, body, s.fromGeom);
      if (drawOnly) {
        removed++;
        continue;
      }
    } else if (c.name === 'body' || c.name === 'frame') {
      removed += pruneGeoms(c, c.name === 'body' ? c : body, c.attrs.childclass ?? cls, s, file);
    }
    kept.push(c);
  }
  el.children = kept;
  return removed;
}

/** Mesh names referenced by any element left (geoms with their class defaults, default tables, anything else). */
function usedMeshes(root: XmlElement, s: Scan, file: string): Set<string> {
  const used = new Set<string>();
  for (const table of s.defaults.values()) for (const attrs of table.values()) if (attrs.mesh) used.add(attrs.mesh);
  const visit = (el: XmlElement, cls: string): void => {
    for (const c of el.children) {
      const a = c.name === 'geom' ? withDefaults(c, cls, s.defaults, file) : c.attrs;
      if (a.mesh) used.add(a.mesh);
      if (c.name !== 'default' && c.name !== 'asset') visit(c, c.attrs.childclass ?? cls);
    }
  };
  visit(root, 'main');
  return used;
}

export const meshName = (m: XmlElement): string =>
  m.attrs.name ??
  (m.attrs.file ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/\.[^.]*$/, '');

function pruneMeshes(root: XmlElement, used: Set<string>): number {
  let removed = 0;
  for (const asset of root.children.filter((c) => c.name === 'asset')) {
    const before = asset.children.length;
    asset.children = asset.children.filter((c) => c.name !== 'mesh' || used.has(meshName(c)));
    removed += before - asset.children.length;
  }
  return removed;
}

/** The MJCF without drawing-only geoms and the meshes only they use (see the file comment). */
export function pruneForPhysics(xml: string, file: string): PruneResult {
  const same = { xml, geoms: 0, meshes: 0 };
  let root: XmlElement;
  try {
    root = parseXml(xml, file);
  } catch {
    return same; // MuJoCo's own compile reports what is wrong with the text
  }
  try {
    const s = root.name === 'mujoco' ? scan(root, file) : null;
    if (!s) return same;
    let geoms = 0;
    for (const wb of root.children.filter((c) => c.name === 'worldbody')) geoms += pruneGeoms(wb, wb, 'main', s, file);
    if (!geoms) return { ...same, tree: { root, scan: s } };
    const meshes = pruneMeshes(root, usedMeshes(root, s, file));
    return { xml: writeXml(root), tree: { root, scan: s }, geoms, meshes };
  } catch {
    return same; // a bad default class (unknown, defined twice): MuJoCo's compile reports it
  }
}
