/**
 * Shards of one evaluation plan (`--shard I/N --out FILE.json`) and their merge. A shard file holds the full
 * result of its slice (every group, its own episodes only) and the plan's fingerprint; the merge checks that
 * every shard ran the same plan (inputs, seeds, settings, version) and that the shards 0..N−1 are all there
 * exactly once, then re-assembles each group's episodes by index and recomputes the aggregates: the same
 * numbers an unsharded run gives (episode results do not depend on their batch, see split-engine.ts).
 */
import { fail } from '../errors';
import { aggregate } from './metrics';
import type { EvalResult, GroupResult } from './types';

export const SHARD_FORMAT = 'mimic-bench-eval-shard/1';

/** Hashes of what a run depends on, one per part (so a mismatch names the part). */
export interface PlanFingerprint {
  version: string;
  robot: string;
  variants: string;
  clips: string;
  scenarios: string;
  settings: string;
}

export interface ShardFile {
  format: typeof SHARD_FORMAT;
  shard: { index: number; count: number };
  plan: PlanFingerprint;
  /** the clip paths as given (for failed.txt) */
  clip_paths: string[];
  result: EvalResult;
}

export function makeShardFile(result: EvalResult, plan: PlanFingerprint, clipPaths: string[], shard = { index: 0, count: 1 }): ShardFile {
  return { format: SHARD_FORMAT, shard, plan, clip_paths: clipPaths, result: { ...result, shard } };
}

function check(name: string, raw: unknown): ShardFile {
  const o = raw as Partial<ShardFile> | null;
  if (typeof o !== 'object' || o === null || o.format !== SHARD_FORMAT)
    fail('ParseError', name, 'format', `not a shard file (expected format "${SHARD_FORMAT}", written by eval --out)`);
  const s = o!.shard;
  if (!s || !Number.isInteger(s.count) || s.count < 1 || !Number.isInteger(s.index) || s.index < 0 || s.index >= s.count)
    fail('ParseError', name, 'shard', `expected {index, count} with 0 <= index < count, got ${JSON.stringify(s)}`);
  if (!o!.plan || !o!.result || !Array.isArray(o!.result.groups)) fail('ParseError', name, 'result', 'missing plan or result');
  return o as ShardFile;
}

/** Merge shard files (name = file name for messages) into the result an unsharded run gives. */
export function mergeShards(files: { name: string; data: unknown }[]): { result: EvalResult; clipPaths: string[] } {
  if (!files.length) return fail('ParseError', '<merge>', 'inputs', 'no shard files given');
  const shards = files.map((f) => check(f.name, f.data));
  const first = shards[0],
    n = first.shard.count;
  shards.forEach((s, i) => {
    const name = files[i].name;
    for (const k of Object.keys(first.plan) as (keyof PlanFingerprint)[]) {
      if (s.plan[k] !== first.plan[k])
        fail(
          'ParseError',
          name,
          `plan.${k}`,
          `shard plan mismatch: its ${k} differ from ${files[0].name}'s (${s.plan[k]} vs ${first.plan[k]})`,
        );
    }
    if (s.shard.count !== n) fail('ParseError', name, 'shard.count', `shard of ${s.shard.count}, but ${files[0].name} is a shard of ${n}`);
    if (s.result.groups.length !== first.result.groups.length) fail('ParseError', name, 'result.groups', 'a different number of groups');
  });
  const seen = new Map<number, string>();
  shards.forEach((s, i) => {
    const prev = seen.get(s.shard.index);
    if (prev !== undefined) fail('ParseError', files[i].name, 'shard.index', `shard ${s.shard.index}/${n} given twice (also ${prev})`);
    seen.set(s.shard.index, files[i].name);
  });
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) fail('ParseError', '<merge>', 'shard.index', `missing shard(s) ${missing.map((i) => `${i}/${n}`).join(', ')}`);
  const ordered = [...shards].sort((a, b) => a.shard.index - b.shard.index);
  const groups: GroupResult[] = first.result.groups.map((_, gi) => {
    const parts = ordered.map((s) => s.result.groups[gi]);
    const episodes = parts.flatMap((g) => g.episodes).sort((a, b) => a.index - b.index);
    episodes.forEach((e, i) => {
      if (e.index !== i) fail('ParseError', '<merge>', `groups[${gi}].episodes`, `episode ${i} missing or duplicated`);
    });
    const meta = parts.find((g) => g.metric_settings !== null) ?? parts[0];
    return { ...meta, aggregate: aggregate(episodes), episodes };
  });
  const t = ordered.map((s) => s.result.timing);
  const { shard: _s, ...rest } = first.result;
  const result: EvalResult = {
    ...rest,
    groups,
    timing: {
      wall_s: Math.max(...t.map((x) => x.wall_s)),
      workers: t.reduce((a, x) => a + x.workers, 0),
      ms_per_control_step: Number((t.reduce((a, x) => a + x.ms_per_control_step, 0) / t.length).toFixed(3)),
      ms_per_env_control_step: Number((t.reduce((a, x) => a + x.ms_per_env_control_step, 0) / t.length).toFixed(3)),
    },
  };
  return { result, clipPaths: first.clip_paths };
}
