/**
 * Clips dropped on the Evaluate panel (a folder or several files), as the CLI's `--motion DIR` takes them
 * (src/cli/eval-dataset.ts, src/cli/eval-args.ts readClip): every .csv/.npz/.bvh/.pkl/.pickle/.joblib file, sorted
 * by path, each a ClipSource read by the core's format readers (core/evaluation/setup.ts readClipSource) in the
 * workers; a multi-clip pickle becomes one source per clip (`file#clip`). A file the readers refuse is listed with
 * its named error and left out of the run.
 */
import { MimicError } from '../../core/errors';
import { readClipSource, type ClipSource } from '../../core/evaluation/setup';
import type { RobotModel } from '../../core/model/types';
import retargetConfig from '../../../motions/retarget/cmu-humanoid29.json';
import type { RawFile } from '../assets';

/** The clip extensions a dataset folder is scanned for (the same as the CLI's). */
export const DATASET_EXT = /\.(csv|npz|bvh|pkl|pickle|joblib)$/i;

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

export interface DroppedClips {
  /** the run's clips, in path order */
  sources: ClipSource[];
  /** source file name → its path in the drop (for failed.txt) */
  paths: Map<string, string>;
  /** files the readers refused: path and the named error */
  notRead: { path: string; error: string }[];
  /** dropped files that are not clips (by extension) */
  ignored: string[];
}

/** The clip source of one file, as the CLI builds it (NPZ and pickles as bytes, BVH with the shipped retarget). */
function sourceOf(f: RawFile, fps: number | undefined): ClipSource {
  const file = baseName(f.path);
  return {
    file,
    bytes: f.bytes,
    ...(fps ? { fps } : {}),
    ...(/\.bvh$/i.test(file) ? { retarget: retargetConfig } : {}),
  };
}

/** Read every dropped clip against the robot; keep the readable ones (one source per clip). */
export function droppedClips(files: RawFile[], model: RobotModel, fps?: number): DroppedClips {
  const out: DroppedClips = { sources: [], paths: new Map(), notRead: [], ignored: [] };
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    if (!DATASET_EXT.test(f.path)) {
      out.ignored.push(f.path);
      continue;
    }
    const src = sourceOf(f, fps);
    const twin = out.paths.get(src.file);
    if (twin !== undefined) {
      const e = new MimicError('ParseError', f.path, 'file name', `the same name as ${twin} (clips are named by file name)`);
      out.notRead.push({ path: f.path, error: e.message });
      continue;
    }
    try {
      const clips = readClipSource(src, model);
      const entries = /\.(pkl|pickle|joblib)$/i.test(src.file) && clips.length > 1 ? clips.map((c) => c.name) : [];
      if (entries.length) out.sources.push(...entries.map((entry) => ({ ...src, file: `${src.file}#${entry}`, entry })));
      else out.sources.push(src);
      out.paths.set(src.file, f.path);
    } catch (e) {
      out.notRead.push({ path: f.path, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
