// Files as the app's drop path gets them from a folder on disk: paths under the dropped folder's name, real bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Dropped = { path: string; bytes: Uint8Array };

/** `file(p)`: the file at root/p as dropped under `name/`; `meshes`: every file of root/meshes so. */
export function droppedFolder(root: string, name: string): { file: (p: string) => Dropped; meshes: Dropped[] } {
  const file = (p: string) => ({ path: `${name}/${p}`, bytes: new Uint8Array(readFileSync(join(root, p))) });
  return { file, meshes: readdirSync(join(root, 'meshes')).map((m) => file(`meshes/${m}`)) };
}
