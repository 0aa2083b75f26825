/**
 * Datasets for `npm run eval`: `--motion` accepts clip files, folders (every .csv/.npz/.bvh inside, sorted by
 * name, not recursive) and simple globs (`*` and `?` in the file-name part: `clips/walk_*.csv`);
 * `--motion-list FILE` reads one path per line (blank lines and `#` comments skipped; relative paths are
 * relative to the list file), e.g. the failed.txt a report wrote.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { MimicError } from '../core/errors';

export const CLIP_EXT = /\.(csv|npz|bvh|pkl|pickle|joblib)$/i;

const globRe = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/** Expand one --motion entry into clip paths. */
export function expandMotion(path: string): string[] {
  if (/[*?]/.test(basename(path))) {
    const dir = dirname(path),
      re = globRe(basename(path));
    if (!existsSync(dir)) throw new MimicError('ParseError', path, '--motion', `no such folder: ${dir}`);
    const found = readdirSync(dir)
      .filter((f) => re.test(f) && CLIP_EXT.test(f))
      .sort()
      .map((f) => join(dir, f));
    if (!found.length) throw new MimicError('MotionError', path, '--motion', 'the pattern matches no .csv/.npz/.bvh clip');
    return found;
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (existsSync(join(path, 'joint_pos.csv'))) return [path]; // a SONIC motion folder: one clip
    const found = readdirSync(path)
      .filter((f) => CLIP_EXT.test(f) && statSync(join(path, f)).isFile())
      .sort()
      .map((f) => join(path, f));
    if (!found.length) throw new MimicError('MotionError', path, '--motion', 'the folder holds no .csv/.npz/.bvh clip');
    return found;
  }
  return [path];
}

/** Does the run name a dataset (a folder, a glob or a list) rather than clip files? Then the output is always the aggregate. */
export const namesDataset = (motions: string[], lists: string[]): boolean =>
  lists.length > 0 || motions.some((m) => /[*?]/.test(basename(m)) || (existsSync(m) && statSync(m).isDirectory()));

/** Paths listed in a --motion-list file. */
export function readMotionList(file: string): string[] {
  if (!existsSync(file)) throw new MimicError('ParseError', file, '--motion-list', 'no such file');
  const out: string[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      out.push(isAbsolute(line) ? line : join(dirname(file), line));
    });
  if (!out.length) throw new MimicError('MotionError', file, '--motion-list', 'the list names no clip');
  return out;
}

/** Every clip of the run, in order, each once (a duplicate path is a named error: its groups would collide). */
export function datasetClips(motions: string[], lists: string[]): string[] {
  const all = [...motions.flatMap(expandMotion), ...lists.flatMap(readMotionList)];
  const seen = new Set<string>();
  for (const p of all) {
    if (seen.has(p)) throw new MimicError('ParseError', p, '--motion', 'the clip is listed twice');
    seen.add(p);
  }
  return all;
}
