/**
 * Loading routes motion files the format readers take (clip-files.ts) around the asset sorter: a pickle with
 * several clips becomes several named library clips, a SONIC folder one clip, a JSON motion a clip (not a policy
 * profile), a headerless CSV with no rate in its name asks its rate. Errors are collected, nothing is thrown.
 */
import { base, type AssetRecord, type AssetRegistry, type RawFile, type RecordExtra } from './assets';
import { csvAsksRate, isMotionJson, isPickle, readAllClips, sonicFolders } from './clip-files';
import { unzipSync } from 'fflate';
import { parseJson } from '../core/validate';
import type { RobotModel } from '../core/model/types';

/** Motion files routed here, and the rest (for the asset sorter). */
export function splitMotionFiles(files: RawFile[]): { motion: RawFile[]; rest: RawFile[] } {
  const sonic = new Set([...sonicFolders(files).values()].flat());
  const mine = (f: RawFile) => sonic.has(f) || isPickle(f) || isMotionJson(f) || isIndex(f) || csvAsksRate(f);
  return { motion: files.filter(mine), rest: files.filter((f) => !mine(f)) };
}

const stem = (p: string) => base(p).replace(/\.[^.]+$/, '');

/**
 * Register the routed motion files: every clip of each pickle (read against `robot` to list them), each SONIC
 * folder, each JSON motion, each rate-less CSV (its rate from `askRate`; undefined: the reader's default, stated).
 */
export function registerMotionFiles(
  assets: AssetRegistry,
  motion: RawFile[],
  robot: () => RobotModel,
  askRate: (file: string) => number | undefined,
): { added: AssetRecord[]; errors: unknown[] } {
  const added: AssetRecord[] = [],
    errors: unknown[] = [];
  const folders = sonicFolders(motion);
  const inFolder = new Set([...folders.values()].flat());
  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      errors.push(e);
    }
  };
  const registerClip = (files: RawFile[], label: string, extra: RecordExtra) =>
    assets.register('clip', files, undefined, extra, `${label}.clip`);
  const names = new Map<string, string>();
  for (const f of motion) guard(() => viewerIndex(f)?.forEach((n, file) => names.set(file, n)));
  for (const [dir, parts] of folders) guard(() => added.push(registerClip(parts, base(dir) || 'sonic', { folder: dir })));
  for (const f of motion.filter((g) => !inFolder.has(g))) {
    guard(() => {
      if (isPickle(f)) {
        const clips = readAllClips({ files: [f], builtin: false }, robot());
        for (const c of clips) added.push(registerClip([f], c.name, { clipName: c.name }));
      } else if (viewerIndex(f)) return;
      else if (isMotionJson(f)) added.push(registerClip([f], names.get(base(f.path)) ?? stem(f.path), {}));
      else added.push(registerClip([f], stem(f.path), { fps: askRate(base(f.path)) }));
    });
  }
  return { added, errors };
}

/** Ask the user for a CSV's rate (Hz); cancelled or not a positive number: undefined (the reader's default). */
export function askRate(file: string): number | undefined {
  const answer = window.prompt(`Frame rate of ${file} in Hz? (no rate in its name, e.g. "_60hz"; LAFAN1 retargeted clips are 30)`, '30');
  const fps = Number(answer);
  return answer !== null && Number.isFinite(fps) && fps > 0 ? fps : undefined;
}

const VIEWER_INDEX = 'tracking-motion-index-v1';
/** A humanoid-policy-viewer index (`motions.json`): clip file name → clip name (null: not an index). */
function viewerIndex(f: RawFile): Map<string, string> | null {
  if (!/\.json$/i.test(f.path)) return null;
  const t = new TextDecoder().decode(f.bytes);
  if (!t.includes(VIEWER_INDEX)) return null;
  const doc = parseJson(t, base(f.path)) as { format?: string; motions?: unknown };
  if (doc?.format !== VIEWER_INDEX || !Array.isArray(doc.motions)) return null;
  const out = new Map<string, string>();
  for (const m of doc.motions as unknown[]) {
    const e = typeof m === 'string' ? { file: m, name: m.replace(/\.json$/i, '') } : (m as { file?: string; name?: string });
    if (e?.file) out.set(base(e.file), e.name ?? base(e.file));
  }
  return out;
}

function isIndex(f: RawFile): boolean {
  try {
    return !!viewerIndex(f);
  } catch {
    return false; // not JSON: the loader names the error
  }
}

/** A .zip that is not a session archive (a Record download, a zipped dataset) is opened: its files are loaded. */
export function expandArchives(files: RawFile[]): RawFile[] {
  return files.flatMap((f) => {
    if (!/\.zip$/i.test(f.path)) return [f];
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(f.bytes);
    } catch {
      return [f]; // the session reader names the error
    }
    if ('session.json' in entries) return [f];
    const dir = f.path.replace(/\.zip$/i, '');
    return Object.entries(entries)
      .filter(([p]) => !p.endsWith('/'))
      .map(([p, bytes]) => ({ path: `${dir}/${p}`, bytes }));
  });
}

/**
 * One asset of a session archive: motion files through the routes above (the clip whose `kind:name` the session
 * names, else the first), anything else through the asset sorter.
 */
export function addArchivedAsset(
  assets: AssetRegistry,
  files: RawFile[],
  robotId: string,
  wanted: string | undefined,
): { added: AssetRecord[]; errors: unknown[] } {
  const { motion, rest } = splitMotionFiles(files);
  if (!motion.length) return assets.addFiles(rest, null);
  const r = registerMotionFiles(assets, motion, () => assets.robotOf(robotId), askRate);
  const pick = r.added.find((a) => `clip:${a.name}` === wanted) ?? r.added[0];
  return { added: pick ? [pick] : [], errors: r.errors };
}
