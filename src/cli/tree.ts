/** Reading a folder for the CLIs: its files, keyed by their path relative to it ('/' separators). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The files under `root` (at most `depth` folders down) whose name passes `keep`. */
export function readTree(root: string, keep: (name: string) => boolean = () => true, depth = 3): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const walk = (dir: string, level: number) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (level < depth) walk(p, level + 1);
      } else if (st.isFile() && keep(name)) files[relative(root, p).split('\\').join('/')] = new Uint8Array(readFileSync(p));
    }
  };
  walk(root, 0);
  return files;
}
