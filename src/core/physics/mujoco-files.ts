/**
 * An MJCF's files keyed where MuJoCo looks for them: the compiler's meshdir (or assetdir) and texturedir joined with
 * each `file` (strippath applied). Files come keyed however they arrived — a bare name from "Load files…", a folder
 * prefix from "Load folder…", a path from the CLI's folder — and the robot model found them by path, then by name
 * (model/common.ts); MuJoCo opens exactly one path. So each asset file MuJoCo will open is also given at that path,
 * found the same way (the path, then the name). What cannot be found is left for MuJoCo's own error.
 */
import { joinPath } from '../model/common';
import { parseXml, type XmlElement } from '../model/xml';
import { walk } from './mujoco-prune';

const ASSETS: Record<string, 'mesh' | 'texture'> = { mesh: 'mesh', hfield: 'mesh', skin: 'mesh', texture: 'texture' };

const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '');
const fileName = (p: string): string => norm(p).split('/').pop()!;
const baseName = (p: string): string => fileName(p).toLowerCase();

const derived = new WeakMap<Record<string, Uint8Array>, { xml: string; out: Record<string, Uint8Array> }>();

/**
 * `files` with every asset file of the MJCF at the path MuJoCo opens instead of the key it came with (the same bytes;
 * nothing is copied; other files stay as they are). The same `files` and text give the same object (the compiled-model
 * cache keys on it).
 */
export function filesForMujoco(xml: string, files: Record<string, Uint8Array>, file: string): Record<string, Uint8Array> {
  const hit = derived.get(files);
  if (hit?.xml === xml) return hit.out;
  const out = remap(xml, files, file);
  derived.set(files, { xml, out });
  return out;
}

function remap(xml: string, files: Record<string, Uint8Array>, file: string): Record<string, Uint8Array> {
  let root: XmlElement;
  try {
    root = parseXml(xml, file);
  } catch {
    return files; // MuJoCo's compile says what is wrong with the text
  }
  const compiler: Record<string, string> = {};
  for (const c of root.children.filter((e) => e.name === 'compiler')) Object.assign(compiler, c.attrs);
  const dirs = { mesh: compiler.meshdir ?? compiler.assetdir ?? '', texture: compiler.texturedir ?? compiler.assetdir ?? '' };
  const strip = compiler.strippath === 'true';
  const byName = new Map<string, string>();
  for (const k of Object.keys(files)) if (!byName.has(baseName(k))) byName.set(baseName(k), k);
  const wanted: Record<string, Uint8Array> = {};
  const moved = new Set<string>();
  for (const el of walk(root)) {
    const kind = ASSETS[el.name];
    const f = el.attrs.file;
    if (!kind || !f || dirs[kind].startsWith('/') || f.startsWith('/')) continue;
    const want = norm(joinPath(norm(dirs[kind]), strip ? fileName(f) : norm(f)));
    const from = [want, norm(f), byName.get(baseName(f))].find((k) => k !== undefined && files[k] !== undefined);
    if (from === undefined || wanted[want]) continue;
    wanted[want] = files[from];
    if (from !== want) moved.add(from);
  }
  if (!moved.size) return files;
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(files)) if (!moved.has(k)) out[k] = v;
  return Object.assign(out, wanted);
}
