// Shards: --shard 0/2 and 1/2 (--out FILE.json) merged by eval-merge give the unsharded run's JSON byte for byte
// (timing excluded); mismatched, missing or repeated shards are named errors. The three eval runs are main() of
// the CLI one after the other in this process (a user runs them as separate processes: the same code with nothing
// shared, while here anything one run left behind would show as a difference); eval-merge runs as its own process.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/cli/eval';
import { parseArgs } from '../../src/cli/eval-args';
import { planFingerprint } from '../../src/cli/eval-fingerprint';
import { mergeShards } from '../../src/core/evaluation/merge';
import { danceArgs, runScript, withoutTiming } from './eval-cli-spawn';
import { runWithShards } from './eval-cli-inproc';

describe('eval --shard I/N + eval-merge', () => {
  it('shards 0/2 and 1/2 of push-recovery × 4 episodes merge into the unsharded JSON (byte-identical without timing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shards-'));
    const args = danceArgs({ scenario: 'seeds/push-recovery.json', episodes: 4, seconds: 0.3, workers: 0, quiet: true, json: true });
    const { whole } = await runWithShards(args, dir);
    // each shard ran half of the episodes (round robin by episode ordinal)
    const f0 = JSON.parse(readFileSync(join(dir, 's0.json'), 'utf8'));
    expect(f0.result.groups[0].episodes.map((e: { index: number }) => e.index)).toEqual([0, 2]);
    expect(f0.shard).toEqual({ index: 0, count: 2 });
    const merged = await runScript('src/cli/eval-merge.ts', [
      join(dir, 's1.json'),
      join(dir, 's0.json'),
      '--json',
      '--report',
      join(dir, 'rep'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(withoutTiming(merged.stdout)).toBe(withoutTiming(whole.stdout));
    expect(JSON.parse(whole.stdout).episodes).toBe(4);
    expect(existsSync(join(dir, 'rep', 'report.html'))).toBe(true);

    // a shard given twice, a missing shard, a shard of another plan (in-process: the same merge function)
    const load = (f: string) => ({ name: f, data: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown });
    expect(() => mergeShards([load('s0.json'), load('s0.json')])).toThrow(/ParseError in s0\.json at shard\.index: shard 0\/2 given twice/);
    expect(() => mergeShards([load('s0.json')])).toThrow(/missing shard\(s\) 1\/2/);
    const other = load('s1.json') as { name: string; data: { plan: { scenarios: string } } };
    other.name = 'other.json';
    other.data.plan.scenarios = 'another-seed';
    expect(() => mergeShards([load('s0.json'), other])).toThrow(/ParseError in other\.json at plan\.scenarios: shard plan mismatch/);
    expect(() => mergeShards([{ name: 'x.json', data: { format: 'nope' } }])).toThrow(/ParseError in x\.json at format: not a shard file/);
  }, 400_000);

  it('the plan fingerprint names what differs: seeds → scenarios, clip → clips, episodes → settings', () => {
    const base = danceArgs({ scenario: 'seeds/push-recovery.json', episodes: 4 });
    const fp = (extra: string[]) => planFingerprint(buildPlan(parseArgs([...base, ...extra])));
    const a = fp([]),
      seed = fp(['--seed', '8']),
      eps = fp(['--episodes', '6']);
    expect(seed.scenarios).not.toBe(a.scenarios);
    expect({ ...seed, scenarios: '' }).toEqual({ ...a, scenarios: '' });
    expect(eps.settings).not.toBe(a.settings);
    expect(eps.clips).toBe(a.clips);
    expect(a.version).toMatch(/^mimic-bench@/);
  }, 30_000);
});
