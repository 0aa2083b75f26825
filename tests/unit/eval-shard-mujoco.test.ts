// Shards on MuJoCo as separate processes: `--engine mujoco --shard 0/2` and `1/2` (--out FILE.json) merged by
// eval-merge give the unsharded run's JSON byte for byte (timing excluded), as tests/unit/eval-shard.test.ts does
// on Rapier. MuJoCo keeps one MjData per env; an episode must not depend on which batch or shard ran it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const A = '../shared/assets';
const ROBOT = `${A}/g1/g1_29dof_rev_1_0.xml`;
const POLICY = `${A}/policies/g1-dance-102/policy.onnx`;

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ...args]);
    let stdout = '',
      stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const strip = (s: string): string => {
  const j = JSON.parse(s) as Record<string, unknown>;
  delete j.timing;
  return JSON.stringify(j);
};

describe('eval --engine mujoco --shard I/N + eval-merge', () => {
  it('shards 0/2 and 1/2 of push-recovery × 4 episodes on MuJoCo merge into the unsharded JSON (byte-identical without timing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shards-mj-'));
    // --envs 3: the unsharded run batches episodes {0,1,2} {3}, each shard {0,2} / {1,3}: other batch mates
    const args = ['--robot', ROBOT, '--policy', POLICY, '--engine', 'mujoco', '--scenario', 'seeds/push-recovery.json'];
    args.push('--episodes', '4', '--envs', '3', '--seconds', '0.3', '--workers', '0', '--quiet', '--json');
    const [whole, s0, s1] = await Promise.all([
      run('src/cli/eval.ts', args),
      run('src/cli/eval.ts', [...args, '--shard', '0/2', '--out', join(dir, 's0.json')]),
      run('src/cli/eval.ts', [...args, '--shard', '1/2', '--out', join(dir, 's1.json')]),
    ]);
    for (const r of [whole, s0, s1]) expect(r.code, r.stderr).toBe(0);
    const f1 = JSON.parse(readFileSync(join(dir, 's1.json'), 'utf8'));
    expect(f1.shard).toEqual({ index: 1, count: 2 });
    expect(f1.result.groups[0].engine).toBe('mujoco');
    expect(f1.result.groups[0].episodes.map((e: { index: number }) => e.index)).toEqual([1, 3]);
    const merged = await run('src/cli/eval-merge.ts', [join(dir, 's0.json'), join(dir, 's1.json'), '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(strip(merged.stdout)).toBe(strip(whole.stdout));
    const w = JSON.parse(whole.stdout);
    expect(w.episodes).toBe(4);
    expect(w.groups[0].engine).toBe('mujoco');
    // the pushes differ per episode: the merge would not hide swapped episodes
    const errs = w.groups[0].episodes.map((e: { mpjpe_m: number }) => e.mpjpe_m);
    expect(new Set(errs).size).toBeGreaterThan(1);
  }, 240_000);
});
