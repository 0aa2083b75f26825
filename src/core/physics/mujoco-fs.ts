/** MuJoCo's in-memory file system: write an MJCF and its files, compile, clean up. */
import type { MainModule, MjModel } from 'mujoco-js';
import { MimicError } from '../errors';

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

/** Compile an MJCF with its files (paths relative to the MJCF) in a fresh MEMFS folder, removed afterwards. */
export function compileMjcf(mj: MainModule, xml: string, files: Record<string, Uint8Array>, file: string): MjModel {
  const dir = `/mimic-${dirCounter++}`;
  fsOf(mj).mkdir(dir);
  let m: MjModel | undefined;
  try {
    writeFiles(mj, dir, { ...files, 'model.xml': new TextEncoder().encode(xml) });
    m = mj.MjModel.loadFromXML(`${dir}/model.xml`);
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
