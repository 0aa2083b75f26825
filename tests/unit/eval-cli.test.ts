// The CLI contract (`node --import tsx src/cli/eval.ts ... --json`) and determinism of scenario runs.
// The process itself (one JSON line on stdout, exit codes) is checked on spawned runs; the rest runs main() of the
// same entry in this process (eval-cli-inproc.ts), which saves a process start per run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { A, cliArgs, danceArgs, evalCli, POLICY, ROBOT, withoutTiming } from './eval-cli-spawn';
import { evalMain } from './eval-cli-inproc';
import { danceExportMeta, embeddedExport, loadG1 } from './policy-fixture';

const cli = (args: string[]) => evalCli(args);

describe('eval CLI', () => {
  it('one headless episode prints one JSON object with the contract keys', () => {
    const r = cli(danceArgs({ json: true, seconds: 1 }));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(1);
    const j = JSON.parse(lines[0]);
    for (const k of ['survived_s', 'clip_s', 'success', 'mean_joint_err_rad', 'mean_anchor_pos_err_m', 'ms_per_control_step'])
      expect(j, k).toHaveProperty(k);
    expect(typeof j.success).toBe('boolean');
    expect(j.success).toBe(true);
    expect(j.clip_s).toBe(1);
    expect(j.survived_s).toBe(1);
    expect(j.mean_joint_err_rad).toBeGreaterThan(0);
    expect(j.mean_joint_err_rad).toBeLessThan(0.1);
    expect(j.ms_per_control_step).toBeGreaterThan(0);
    expect(j.adjustments.length).toBeGreaterThan(0);
  }, 240_000);

  // Node writes to a pipe asynchronously: an exit straight after the write cut this JSON at 65,536 bytes when the reader
  // was not reading at that moment (here: a reader that starts after 1 s)
  it('a JSON longer than a pipe holds reaches a slow reader whole', () => {
    const motion = `${A}/policies/g1-dance-102/G1_Take_102.bvh_60hz.csv`;
    const flags = { robot: ROBOT, driver: 'reference', motion, scenario: 'seeds/nominal.json', engine: 'rapier' };
    const args = [
      '--import',
      'tsx',
      'src/cli/eval.ts',
      ...cliArgs({ ...flags, episodes: 24, seconds: 0.1, workers: 0, json: true, quiet: true }),
    ];
    const line = `${[process.execPath, ...args].map((a) => `'${a}'`).join(' ')} | (sleep 1; cat)`;
    const r = spawnSync('sh', ['-c', line], { encoding: 'utf8', timeout: 240_000, maxBuffer: 1 << 24 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(65_536);
    const j = JSON.parse(r.stdout) as { groups: { episodes: unknown[] }[] };
    expect(j.groups[0].episodes.length).toBe(24);
  }, 240_000);

  it('--solver-iterations changes Rapier also while every joint is on explicit PD (the dance gains)', async () => {
    // before: Rapier's explicit-only setting (1 iteration) overrode it, so the variants were the same run
    const r = await evalMain([
      ...danceArgs({ json: true, quiet: true, seconds: 1, engine: 'rapier', workers: 0 }),
      '--solver-iterations',
      '1,4',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const groups = (
      JSON.parse(r.stdout) as { groups: { variant: string; aggregate: { stats: { mean_joint_err_rad: { mean: number } } } }[] }
    ).groups;
    expect(groups.map((g) => g.variant)).toEqual(['policy.onnx · rapier · 1 solver it.', 'policy.onnx · rapier · 4 solver it.']);
    const [one, four] = groups.map((g) => g.aggregate.stats.mean_joint_err_rad.mean);
    expect(one).not.toBe(four);
  });

  it('a bad path exits non-zero with the message on stderr and nothing on stdout', async () => {
    const r = cli(['--robot', `${A}/g1/no_such_robot.xml`, '--policy', POLICY, '--json', '--seconds', '2']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/ParseError in .*no_such_robot\.xml.*no such file/);
    // the exit codes main gives the process: 2 for a usage error, 1 for a named error (as the spawned run above)
    const u = await evalMain(danceArgs({ engine: 'bullet' }));
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/--engine expects rapier or mujoco/);
    const bad = mkdtempSync(join(tmpdir(), 'eval-'));
    writeFileSync(
      join(bad, 's.json'),
      JSON.stringify({ name: 'x', seed: 1, perturbations: { pushes: { force_n: [10, 20], bodies: ['nose'], duration_s: 0.1 } } }),
    );
    const s = await evalMain(danceArgs({ scenario: join(bad, 's.json'), episodes: 1, seconds: 1, workers: 0 }));
    expect(s.code).toBe(1);
    expect(s.stdout).toBe('');
    expect(s.stderr).toMatch(/s\.json at perturbations\.pushes\.bodies: unknown body 'nose'/);
  }, 240_000);

  // 2 worker threads (one episode each) against the same episodes run in this process, one after the other
  it('a scenario run is byte-identical for the same seed (timing excluded), whatever the worker scheduling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-'));
    const args = danceArgs({ scenario: 'seeds/robustness.json', episodes: 2, seconds: 1, envs: 1, json: true, quiet: true });
    const a = await evalMain([...args, '--workers', '2', '--report', dir]);
    expect(a.code, a.stderr).toBe(0);
    const b = await evalMain([...args, '--workers', '0']);
    expect(b.code, b.stderr).toBe(0);
    expect(withoutTiming(a.stdout)).toBe(withoutTiming(b.stdout));
    const ja = JSON.parse(a.stdout);
    expect(ja.episodes).toBe(2);
    expect(ja.timing.workers).toBe(2); // two batches (--envs 1): two workers
    expect(ja).toHaveProperty('success_rate');
    expect(ja.groups[0].episodes.map((e: { index: number }) => e.index)).toEqual([0, 1]);
    // the two episodes drew different perturbations
    expect(JSON.stringify(ja.groups[0].episodes[0].perturbation)).not.toBe(JSON.stringify(ja.groups[0].episodes[1].perturbation));
    // report files
    for (const f of ['eval.json', 'episodes.csv', 'summary.csv', 'report.html']) expect(existsSync(join(dir, f)), f).toBe(true);
    // the same two episodes in one batch (--envs 2): one worker is started, not the two asked for
    const one = await evalMain([
      ...danceArgs({ scenario: 'seeds/robustness.json', episodes: 2, seconds: 1, envs: 2, json: true, quiet: true }),
      '--workers',
      '2',
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).timing.workers).toBe(1);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).not.toMatch(/<script/);
    expect(readFileSync(join(dir, 'episodes.csv'), 'utf8').trim().split('\n').length).toBe(3);
  }, 400_000);

  it('an embedded-reference export with nothing else: the whole motion runs and ends at its probed length (single, scenario, workers)', async () => {
    const metadata = danceExportMeta(loadG1());
    const dir = mkdtempSync(join(tmpdir(), 'eval-embedded-'));
    const file = join(dir, 'export.onnx');
    writeFileSync(file, embeddedExport(30, true, metadata)); // 30 frames = 0.58 s, time_step clamped past the end
    const r = await evalMain(['--robot', ROBOT, '--policy', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.success).toBe(true);
    expect(j.clip_s).toBeCloseTo(0.58, 9);
    expect(j.survived_s).toBeCloseTo(0.58, 9);
    expect(j.control_steps).toBe(29);
    expect(j.clip).toBe('export.onnx (embedded reference)');
    expect(j.start).toBe('ground');
    expect(j.config_source).toBe('metadata');
    for (const k of ['policy_family', 'filled_from_profile', 'config_warnings']) expect(j, k).toHaveProperty(k);
    expect(j.adjustments.join('\n')).toMatch(/embedded reference: 30 steps/);
    // a scenario suite on a worker: the same length and facts per group
    const s = await evalMain(
      cliArgs({
        robot: ROBOT,
        policy: file,
        scenario: 'seeds/nominal.json',
        episodes: 2,
        workers: 1,
        start: 'default-pose',
        json: true,
        quiet: true,
      }),
    );
    expect(s.code, s.stderr).toBe(0);
    const js = JSON.parse(s.stdout);
    expect(js.settings.start).toBe('default-pose');
    expect(js.config_source).toBe('metadata');
    expect(js.groups[0]).toHaveProperty('policy_family');
    for (const e of js.groups[0].episodes) expect(e.clip_s).toBeCloseTo(0.58, 9);
    expect(js.groups[0].clip).toBe('export.onnx (embedded reference)');
  }, 400_000);
});
