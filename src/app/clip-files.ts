/**
 * Motion files the core's format readers take (src/core/motion/formats): PHC / GMR pickles (one library clip per
 * clip in the file, named by it), SONIC folders, BONES-SEED and LAFAN CSVs, viewer / recording JSON, holosoma /
 * GMR NPZ. A clip record keeps its file(s) and which clip of the file it is; `readFormatClip` reads it against a
 * robot. The rest (CSV with the rate in its name, BeyondMimic NPZ, BVH) keeps the app's older path in assets.ts.
 */
import { fpsFromFileName } from '../core/motion/csv';
import { readMotionFile, readMotionFolder, type FormatClip } from '../core/motion/formats/index';
import { npzArrays, isHolosomaNpz } from '../core/motion/formats/holosoma';
import { isGmrNpz } from '../core/motion/formats/gmr-npz';
import { isSeedHeader } from '../core/motion/formats/seed';
import { RECORDING_FORMAT } from '../core/motion/formats/record';
import { fail } from '../core/errors';
import { reportError } from './store';
import type { RobotModel } from '../core/model/types';

interface ClipFile {
  path: string;
  bytes: Uint8Array;
}
/** What a format-read clip record carries besides its files. */
export interface ClipSource {
  files: ClipFile[];
  builtin: boolean;
  fps?: number;
  /** which clip of a multi-clip file (pickle) */
  clipName?: string;
  /** a SONIC folder: its path (files[] are its parts) */
  folder?: string;
}

const ext = (p: string): string => p.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
const name = (p: string): string => p.split('/').pop() ?? p;
const dirOf = (p: string): string => p.split('/').slice(0, -1).join('/');
const head = (b: Uint8Array, n = 400): string => new TextDecoder().decode(b.subarray(0, n));

export const isPickle = (f: ClipFile): boolean => ['pkl', 'pickle', 'joblib'].includes(ext(f.path)) || f.bytes[0] === 0x80;

/** A JSON motion: a mimic-bench recording or a humanoid-policy-viewer clip (joint_pos + root pose). */
export function isMotionJson(f: ClipFile): boolean {
  if (ext(f.path) !== 'json') return false;
  const t = new TextDecoder().decode(f.bytes);
  if (!/"(joint_pos|jointPos|format)"\s*:/.test(t)) return false;
  let doc: unknown;
  try {
    doc = JSON.parse(t);
  } catch {
    return false; // not JSON: the loader names the error
  }
  if (!doc || typeof doc !== 'object') return false;
  const d = doc as Record<string, unknown>;
  if (d.format === RECORDING_FORMAT) return true;
  const has = (a: string, b: string) => Array.isArray(d[a]) || Array.isArray(d[b]);
  return has('joint_pos', 'jointPos') && (has('root_pos', 'rootPos') || has('root_quat', 'rootQuat'));
}

/** A CSV the older path cannot read: no rate in its name (LAFAN1) or a BONES-SEED header. */
export const csvNeedsReader = (f: ClipFile): boolean =>
  ext(f.path) === 'csv' && (fpsFromFileName(name(f.path)) === undefined || isSeedHeader(head(f.bytes).split(/\r?\n/)[0] ?? ''));

/** A headerless CSV with no rate in its name: the user is asked for its rate (LAFAN1's 30 fps by default). */
export const csvAsksRate = (f: ClipFile): boolean => csvNeedsReader(f) && !isSeedHeader(head(f.bytes).split(/\r?\n/)[0] ?? '');

/** Folders holding a SONIC clip (a `joint_pos.csv`), by folder path. */
export function sonicFolders(files: ClipFile[]): Map<string, ClipFile[]> {
  const out = new Map<string, ClipFile[]>();
  for (const f of files) if (name(f.path) === 'joint_pos.csv') out.set(dirOf(f.path), []);
  for (const f of files) out.get(dirOf(f.path))?.push(f);
  for (const parts of out.values())
    parts.sort((a, b) => Number(name(b.path) === 'joint_pos.csv') - Number(name(a.path) === 'joint_pos.csv'));
  return out;
}

/** Whether a clip record is read by the core's format readers (else by the app's older CSV / NPZ / BVH path). */
export function usesFormatReader(r: ClipSource): boolean {
  if (r.builtin) return false;
  if (r.folder !== undefined || r.clipName !== undefined) return true;
  const f = r.files[0];
  const e = ext(f.path);
  if (e === 'json' || e === 'npy' || e === 'pt' || isPickle(f)) return true; // npy / pt: SkillMimic rows (issue 16)
  if (e === 'csv') return r.fps !== undefined || csvNeedsReader(f);
  if (e === 'npz') {
    const a = npzArrays(f.bytes, name(f.path));
    return isHolosomaNpz(a) || isGmrNpz(a);
  }
  return false;
}

/** Every clip in a record's file(s), read against the robot (pickles: all their clips). */
export function readAllClips(r: ClipSource, robot: RobotModel): FormatClip[] {
  const opts = r.fps !== undefined ? { fps: r.fps } : {};
  if (r.folder !== undefined) {
    const parts: Record<string, Uint8Array> = {};
    for (const f of r.files) parts[name(f.path)] = f.bytes;
    return readMotionFolder(r.folder || 'folder', parts, robot, opts);
  }
  const f = r.files[0];
  return readMotionFile(name(f.path), f.bytes, robot, opts);
}

/** The record's clip read against the robot (the named one of a multi-clip file). */
export function readFormatClip(r: ClipSource, robot: RobotModel): FormatClip {
  const all = readAllClips(r, robot);
  if (r.clipName === undefined) return all[0];
  const hit = all.find((c) => c.name === r.clipName);
  if (!hit)
    return fail(
      'MotionError',
      name(r.files[0].path),
      `clip "${r.clipName}"`,
      `not in the file (it holds ${all.map((c) => c.name).join(', ')})`,
    );
  return hit;
}

/** One line for the Messages list: the format and every decision its reader stated (rate, orders, units). */
export const clipNote = (c: FormatClip): string => `${c.name} read as ${c.format}: ${c.notes.join('; ')}`;

/** `readFormatClip`, its notes and warnings shown in the Messages list (once per clip and robot: the app caches). */
export function readNotedClip(r: ClipSource, robot: RobotModel): FormatClip {
  const c = readFormatClip(r, robot);
  reportError({ name: 'Note', message: clipNote(c) });
  for (const w of c.warnings) reportError({ name: 'MotionWarning', message: `${c.name}: ${w}` });
  return c;
}
