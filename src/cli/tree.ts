/**
 * Reading a folder for the CLIs: its files, keyed by their path relative to it ('/' separators). The files are
 * views into one SharedArrayBuffer: read straight into it (no per-file copy), and handed to every evaluation worker
 * without a copy (structured cloning shares the memory). The G1's 19 MB of meshes took ~170 ms to copy on the main
 * thread and as much again to clone into each worker.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The paths (relative to `root`) and sizes of the files under it (at most `depth` folders down) passing `keep`. An
 * entry that cannot be looked at (a broken link, one that went away, no permission) is not one of them.
 */
function listTree(root: string, keep: (name: string) => boolean, depth: number): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const walk = (dir: string, level: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // a folder that cannot be read: none of its files
    }
    for (const name of names) {
      const p = join(dir, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (level < depth) walk(p, level + 1);
      } else if (st.isFile() && keep(name)) out.push({ path: p, size: st.size });
    }
  };
  walk(root, 0);
  return out;
}

/** Read the whole file at `path` into `view` (its exact size). */
function readInto(path: string, view: Uint8Array): void {
  const fd = openSync(path, 'r');
  try {
    for (let at = 0; at < view.length;) {
      const n = readSync(fd, view, at, view.length - at, at);
      if (n <= 0) throw new Error(`${path}: the file shrank while it was read (${at} of ${view.length} bytes)`);
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** The files under `root` (at most `depth` folders down) whose name passes `keep`. */
export function readTree(root: string, keep: (name: string) => boolean = () => true, depth = 3): Record<string, Uint8Array> {
  const list = listTree(root, keep, depth);
  const memory = new SharedArrayBuffer(list.reduce((a, f) => a + f.size, 0));
  const files: Record<string, Uint8Array> = {};
  let offset = 0;
  for (const f of list) {
    const view = new Uint8Array(memory, offset, f.size);
    readInto(f.path, view);
    files[relative(root, f.path).split('\\').join('/')] = view;
    offset += f.size;
  }
  return files;
}
