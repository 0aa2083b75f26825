// Perturbations reach the simulation: a hard shove topples the dancing G1 (and the episode is scored only
// until it falls), while action delay and observation noise change the outcome of an otherwise nominal run.
import { describe, expect, it } from 'vitest';
import { runBatch, type BatchJob } from '../../src/core/evaluation/episode';
import { parseScenario } from '../../src/core/evaluation/scenario';
import { danceBatch } from './policy-fixture';

const base: Omit<BatchJob, 'scenario' | 'episodes'> = { ...danceBatch(), seconds: 2 };
const scenario = (p: object) => parseScenario(JSON.stringify({ name: 't', seed: 3, perturbations: p }), 't.json');

describe('evaluation perturbations on the dancing G1', () => {
  // the unpushed counterpart (the same 2 s dance survives) is the calm episodes of the batch test below
  it('a 1500 N shove of the pelvis topples it shortly after the push', async () => {
    const push = scenario({ pushes: { count: 1, force_n: 1500, bodies: ['pelvis'], window_s: [0.5, 0.5], duration_s: 0.2 } });
    const r = (await runBatch({ ...base, scenario: push, episodes: [0] })).records[0];
    expect(r.perturbation.pushes[0].start_s).toBe(0.5);
    expect(r.success).toBe(false);
    expect(r.survived_s).toBeGreaterThan(0.5);
    expect(r.survived_s).toBeLessThan(2);
    expect(r.control_steps).toBe(Math.round(r.survived_s / 0.02));
  });

  it('in one batch, shoved episodes fall while the others dance on (a fallen env is parked, not scored)', async () => {
    const some = scenario({ pushes: { count: [0, 1], force_n: 1500, bodies: ['pelvis'], window_s: [0.3, 0.8], duration_s: 0.2 } });
    const out = await runBatch({ ...base, scenario: some, episodes: [0, 1, 2, 3, 4, 5] });
    const pushed = out.records.filter((r) => r.perturbation.pushes.length > 0);
    const calm = out.records.filter((r) => r.perturbation.pushes.length === 0);
    expect(pushed.length).toBeGreaterThan(0);
    expect(calm.length).toBeGreaterThan(0);
    for (const r of pushed) expect(r.success, `episode ${r.index}`).toBe(false);
    for (const r of calm) {
      expect(r.success, `episode ${r.index}`).toBe(true);
      expect(r.control_steps).toBe(100);
    }
    expect(out.records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('action delay and observation noise change a nominal run (and are reproducible)', async () => {
    const nominal = (await runBatch({ ...base, seconds: 1, scenario: scenario({}), episodes: [0] })).records[0];
    const delayed = scenario({ action_delay: { ms: 40 } });
    const d1 = (await runBatch({ ...base, seconds: 1, scenario: delayed, episodes: [0] })).records[0];
    expect(d1.perturbation.action_delay_steps).toBe(8);
    expect(d1.mean_joint_err_rad).not.toBe(nominal.mean_joint_err_rad);
    const noisy = scenario({ obs_noise: { std: { joint_vel_rel: 0.5 } } });
    const n1 = (await runBatch({ ...base, seconds: 1, scenario: noisy, episodes: [0] })).records[0];
    const n2 = (await runBatch({ ...base, seconds: 1, scenario: noisy, episodes: [0] })).records[0];
    expect(n1.mean_joint_err_rad).not.toBe(nominal.mean_joint_err_rad);
    expect(n2).toEqual(n1);
  });
});
