// An episode's result does not depend on the batch it runs in: the same episode index, alone in a batch of 1 and
// in slot 1 of a batch of 2 (next to a different episode), gives byte-identical metrics on Rapier. Every
// perturbation kind is drawn per episode (push, friction, masses, action delay, observation noise, initial noise).
// (The evaluation stacks a Rapier batch's envs on one spot: with the default 4 m grid, float32 world coordinates
// differed by slot and the results differed in the last digits.)
import { describe, expect, it } from 'vitest';
import { runBatch, type BatchJob } from '../../src/core/evaluation/episode';
import { parseScenario } from '../../src/core/evaluation/scenario';
import type { EpisodeRecord } from '../../src/core/evaluation/types';
import { danceBatch } from './policy-fixture';

const scenario = parseScenario(
  JSON.stringify({
    name: 'everything',
    seed: 5,
    perturbations: {
      pushes: { count: 1, force_n: [60, 120], bodies: ['torso_link'], window_s: [0.3, 0.8], duration_s: 0.15 },
      friction: { scale: [0.6, 1.2] },
      mass: { scale: [0.9, 1.1], bodies: 'all', per_body: true },
      action_delay: { ms: [0, 20] },
      obs_noise: { std: { base_ang_vel: 0.05, joint_pos_rel: 0.01, joint_vel_rel: 0.2 } },
      init_noise: { joint_pos_std: 0.02, root_pos_std: 0.01, root_yaw_std: 0.05 },
    },
  }),
  'everything.json',
);
const job = (episodes: number[]): BatchJob => ({ ...danceBatch(), scenario, episodes, seconds: 1 });
const same = (a: EpisodeRecord, b: EpisodeRecord) => expect(JSON.stringify(b)).toBe(JSON.stringify(a));

describe('evaluation determinism across batches (Rapier, dancing G1)', () => {
  it('episode 2 alone, in slot 1 of a batch of 2 and in slot 3 of a batch of 4 gives identical metrics', async () => {
    const alone = (await runBatch(job([2]))).records[0];
    const pair = (await runBatch(job([5, 2]))).records;
    const four = (await runBatch(job([7, 0, 1, 2]))).records;
    expect(alone.index).toBe(2);
    expect(alone.perturbation.pushes.length).toBe(1);
    expect(alone.control_steps).toBeGreaterThan(0);
    expect(Number.isFinite(alone.mpjpe_m)).toBe(true);
    same(alone, pair[1]);
    same(alone, four[3]);
    // the neighbour really is a different episode (different draws, different result)
    expect(pair[0].index).toBe(5);
    expect(pair[0].mpjpe_m).not.toBe(alone.mpjpe_m);
  });
});
