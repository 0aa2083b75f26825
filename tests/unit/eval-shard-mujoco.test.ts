// Shards on MuJoCo: `--engine mujoco --shard 0/2` and `1/2` (--out FILE.json) merged by
// eval-merge give the unsharded run's JSON byte for byte (timing excluded), as tests/unit/eval-shard.test.ts does
// on Rapier. MuJoCo keeps one MjData per env; an episode must not depend on which batch or shard ran it. The runs
// are main() of each CLI one after the other in this process (one compiled model, copied per engine; the process
// entries are checked by eval-shard.test.ts and eval-cli.test.ts).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { danceArgs, withoutTiming } from './eval-cli-spawn';
import { mergeMainRun, runWithShards } from './eval-cli-inproc';

describe('eval --engine mujoco --shard I/N + eval-merge', () => {
  it('shards 0/2 and 1/2 of push-recovery × 4 episodes on MuJoCo merge into the unsharded JSON (byte-identical without timing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shards-mj-'));
    // --envs 3: the unsharded run batches episodes {0,1,2} {3}, each shard {0,2} / {1,3}: other batch mates
    const flags = { engine: 'mujoco', scenario: 'seeds/push-recovery.json', episodes: 4, envs: 3, seconds: 0.3, workers: 0 };
    const args = danceArgs({ ...flags, quiet: true, json: true });
    const { whole } = await runWithShards(args, dir);
    const f1 = JSON.parse(readFileSync(join(dir, 's1.json'), 'utf8'));
    expect(f1.shard).toEqual({ index: 1, count: 2 });
    expect(f1.result.groups[0].engine).toBe('mujoco');
    expect(f1.result.groups[0].episodes.map((e: { index: number }) => e.index)).toEqual([1, 3]);
    const merged = await mergeMainRun([join(dir, 's0.json'), join(dir, 's1.json'), '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(withoutTiming(merged.stdout)).toBe(withoutTiming(whole.stdout));
    const w = JSON.parse(whole.stdout);
    expect(w.episodes).toBe(4);
    expect(w.groups[0].engine).toBe('mujoco');
    // the pushes differ per episode: the merge would not hide swapped episodes
    const errs = w.groups[0].episodes.map((e: { mpjpe_m: number }) => e.mpjpe_m);
    expect(new Set(errs).size).toBeGreaterThan(1);
  }, 400_000);
});
