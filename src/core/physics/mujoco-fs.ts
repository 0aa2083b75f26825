/** MuJoCo's in-memory file system: write an MJCF and its files, compile, clean up. */
import type { MainModule, MjModel } from 'mujoco-js';
import { fnvKey as fnv } from '../bytes';
import { MimicError } from '../errors';
import { hullStore } from './hull-store';
import { hullPointsOf, planHulls, withHulls, type HullPlan } from './mujoco-hulls';
import { pruneForPhysics } from './mujoco-prune';

interface Fs {
  mkdir(p: string): void;
  writeFile(p: string, d: Uint8Array | string): void;
  analyzePath(p: string): { exists: boolean };
  readdir(p: string): string[];
  isDir(mode: number): boolean;
  stat(p: string): { mode: number };
  unlink(p: string): void;
  rmdir(p: string): void;
}
const fsOf = (mj: MainModule) => (mj as unknown as { FS: Fs }).FS;
let dirCounter = 0;

/** Remove the free joint of the root so it stays where the file puts it. */
export const pinRoot = (xml: string) => xml.replace(/<freejoint[^>]*\/>/g, '').replace(/<joint[^>]*type\s*=\s*"free"[^>]*\/>/g, '');

function writeFiles(mj: MainModule, dir: string, files: Record<string, Uint8Array>): void {
  const FS = fsOf(mj);
  for (const [path, bytes] of Object.entries(files)) {
    const parts = path.replace(/^\.?\//, '').split('/');
    let cur = dir;
    for (const p of parts.slice(0, -1)) {
      cur += '/' + p;
      if (!FS.analyzePath(cur).exists) FS.mkdir(cur);
    }
    FS.writeFile(`${dir}/${parts.join('/')}`, bytes);
  }
}

function removeDir(mj: MainModule, dir: string): void {
  const FS = fsOf(mj);
  for (const name of FS.readdir(dir)) {
    if (name === '.' || name === '..') continue;
    const p = `${dir}/${name}`;
    if (FS.isDir(FS.stat(p).mode)) removeDir(mj, p);
    else FS.unlink(p);
  }
  FS.rmdir(dir);
}

/** How many folders above the MJCF its files reach (keys starting `../`: a `meshdir="../meshes"`). */
const levelsUp = (files: Record<string, Uint8Array>): number =>
  Math.max(0, ...Object.keys(files).map((k) => (/^(?:\.\.\/)+/.exec(k.replace(/^\.\//, ''))?.[0].length ?? 0) / 3));

/**
 * Compile an MJCF with its files (paths relative to the MJCF) in a fresh MEMFS folder, removed afterwards. Files above
 * the MJCF's folder (`../meshes/…`) go into that folder too: the MJCF is written as many folders down.
 */
export function compileMjcf(mj: MainModule, xml: string, files: Record<string, Uint8Array>, file: string): MjModel {
  const dir = `/mimic-${dirCounter++}`;
  const FS = fsOf(mj);
  FS.mkdir(dir);
  let base = dir;
  for (let k = levelsUp(files); k > 0; k--) FS.mkdir((base += '/_'));
  let m: MjModel | undefined;
  try {
    writeFiles(mj, base, { ...files, 'model.xml': new TextEncoder().encode(xml) });
    m = mj.MjModel.loadFromXML(`${base}/model.xml`);
  } catch (err) {
    // mujoco-js surfaces compiler errors as an opaque C++ exception (its text is not reachable from JS)
    const name = (err as { name?: string })?.name ?? String(err);
    const detail = `MuJoCo could not compile the MJCF (${name}): check the XML, its mesh files and the names it references`;
    throw new MimicError('ModelError', file, 'MuJoCo compile', detail);
  } finally {
    removeDir(mj, dir);
  }
  if (!m) throw new MimicError('ModelError', file, 'MuJoCo compile', 'loadFromXML returned nothing');
  return m;
}

/**
 * Compiled models kept per process, by MJCF text and files: compiling the G1 with its meshes costs seconds and
 * leaves ~100 MiB of the WASM heap behind each time, so every engine after the first gets a copy (mj_copyModel,
 * a memcpy) of the kept model, never the kept one itself (engines write into their model). At most 4 are kept.
 */
const compiled = new Map<string, { model: MjModel; notes: string[] }>();
const fingerprints = new WeakMap<Record<string, Uint8Array>, string>();

function filesKey(files: Record<string, Uint8Array>): string {
  let k = fingerprints.get(files);
  if (k === undefined) {
    k = Object.keys(files)
      .sort()
      .map((p) => `${p}=${fnv(files[p])}`)
      .join('|');
    fingerprints.set(files, k);
  }
  return k;
}

/** How many compiled models the process keeps (tests). */
export const keptModelCount = (): number => compiled.size;

/** Each planned mesh's hull points (hull store, else hull-filter.ts); the plan keeps the meshes that have them. */
function hullPoints(plan: HullPlan): Float32Array[] {
  const hulls = plan.meshes.map((m) => {
    const key = `pts2-${m.key}`; // the filter's version: a change to hull-filter.ts changes it
    let h = hullStore.get(key) ?? null;
    if (!h && (h = hullPointsOf(m))) hullStore.set(key, h);
    return h;
  });
  plan.meshes = plan.meshes.filter((_, i) => hulls[i]);
  return hulls.filter((h) => h !== null);
}

/**
 * The model MuJoCo simulates: `pruneForPhysics(xml)` (drawing-only geoms and their meshes left out,
 * mujoco-prune.ts), with its collision meshes read from their hull points (mujoco-hulls.ts).
 */
export function compileForPhysics(
  mj: MainModule,
  xml: string,
  files: Record<string, Uint8Array>,
  file: string,
): { model: MjModel; notes: string[] } {
  const { xml: pruned, tree } = pruneForPhysics(xml, file);
  const plan = planHulls(tree, files, file);
  const hulls = plan ? hullPoints(plan) : [];
  if (!plan || !hulls.length) return { model: compileMjcf(mj, pruned, files, file), notes: [] };
  const points = hulls.reduce((s, h) => s + h.length / 3, 0);
  const reduced = withHulls(plan, hulls, files);
  const note = `MuJoCo: ${plan.meshes.length} collision mesh(es) compiled from the ${points} points that can be on their convex hulls (MuJoCo collides a mesh as its hull)`;
  try {
    return { model: compileMjcf(mj, reduced.xml, reduced.files, file), notes: [note] };
  } catch {
    const why = 'MuJoCo: the collision meshes did not compile from their hulls; compiled from their full files';
    return { model: compileMjcf(mj, pruned, files, file), notes: [why] };
  }
}

/** compileForPhysics through the per-process cache: a fresh copy of the compiled model (the caller deletes it). */
export function compileMjcfCached(
  mj: MainModule,
  xml: string,
  files: Record<string, Uint8Array>,
  file: string,
): { model: MjModel; notes: string[] } {
  const key = `${fnv(xml)}#${filesKey(files)}`;
  let kept = compiled.get(key);
  if (!kept) {
    kept = compileForPhysics(mj, xml, files, file);
    compiled.set(key, kept);
    if (compiled.size > 4) {
      const [oldKey, old] = compiled.entries().next().value!;
      compiled.delete(oldKey);
      old.model.delete();
    }
  }
  return { model: new mj.MjModel(kept.model), notes: kept.notes };
}
