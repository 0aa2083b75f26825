// End to end: a clip with a 1e308 joint angle blows the simulation up before the first scored step. The CLI
// must say "invalid", report every error metric as null with a reason (never 0) and never success.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const A = '../shared/assets';
const args = ['--robot', `${A}/g1/g1_29dof_rev_1_0.xml`, '--policy', `${A}/policies/g1-dance-102/policy.onnx`, '--seconds', '0.3', '--quiet'];

describe('eval CLI on a clip that makes everything non-finite', () => {
  it('prints invalid (text) and status invalid with null metrics and reasons (JSON)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'huge-'));
    const lines = readFileSync(`${A}/policies/g1-dance-102/G1_Take_102.bvh_60hz.csv`, 'utf8').split('\n').slice(0, 40);
    const cells = lines[0].split(',');
    cells[9] = '1e308';
    lines[0] = cells.join(',');
    const clip = join(dir, 'huge_60hz.csv');
    writeFileSync(clip, lines.join('\n') + '\n');
    const run = (extra: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/eval.ts', ...args, '--motion', clip, ...extra], { encoding: 'utf8', timeout: 120_000 });
    const text = run([]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/: invalid \(/);
    expect(text.stdout).not.toMatch(/success/);
    const j = JSON.parse(run(['--json']).stdout);
    expect(j.success).toBe(false);
    expect(j.status).toBe('invalid');
    expect(j.invalid_reasons.length).toBeGreaterThan(0);
    for (const k of ['mpjpe_m', 'mean_joint_err_rad', 'mean_anchor_pos_err_m', 'ee_pos_err_m']) {
      expect(j[k], k).toBeNull();
      expect(j.metric_notes[k], k).toMatch(/no control step|non-finite/);
    }
    expect(j.sets.phc.metrics.g_mpjpe_mm).toBeNull();
    expect(j.sets.phc.success).not.toBe(true);
  }, 180_000);
});
