// Built exports of holosoma tracking, HumanoidVerse, SkillMimic and a recurrent policy run a few control
// steps in both engines; the real holosoma G1 locomotion export runs with its shipped profile.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/core/policy/episode';
import { ASSETS, clip, familyRuns, g1 } from './families-run';

familyRuns(4, 8);

describe('real holosoma export', () => {
  it('the G1 FastSAC locomotion policy runs with the shipped profile (Rapier and MuJoCo)', async () => {
    const bytes = new Uint8Array(readFileSync(`${ASSETS}/policies/holosoma-loco-g1/fastsac_g1_29dof.onnx`));
    for (const engine of ['rapier', 'mujoco'] as const) {
      const r = await runEpisode({ model: g1, engine, policy: { bytes, file: 'fastsac_g1_29dof.onnx' }, clip, seconds: 0.2, start: 'align', stopOnTermination: false });
      expect(r.control_steps).toBe(10);
      expect(r.non_finite_actions).toBe(0);
      expect(r.config_source).toBe('metadata');
    }
  });
});
