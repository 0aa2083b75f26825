/** Shared by the policy-families-run*.test.ts files: each family's built export, a few control steps in both engines. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { runEpisode, type EpisodeOptions } from '../../src/core/policy/episode';
import {
  descNames,
  g1,
  holosomaLoco,
  holosomaWbt,
  humanoidverseExport,
  mjlabDeployYaml,
  recurrentExport,
  trackingExport,
} from './families-fixture';
import { ASSETS, DANCE, linearPolicy, shippedProfile } from './policy-fixture';

const clip = parseMotionCsv(readFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, 'utf8'), 'G1_Take_102.bvh_60hz.csv', descNames);

type Case = { name: string; policy: EpisodeOptions['policy']; clip?: boolean; start?: EpisodeOptions['start'] };
export const cases: Case[] = [
  {
    name: 'beyondmimic 154 (embedded reference, no clip)',
    policy: { bytes: trackingExport('beyondmimic', 154), file: 'bm154.onnx' },
    start: 'align',
  },
  { name: 'mjlab 160 (embedded reference, no clip)', policy: { bytes: trackingExport('mjlab', 160), file: 'mj160.onnx' }, start: 'align' },
  {
    name: 'unitree-rl-mjlab deploy.yaml',
    policy: { bytes: linearPolicy(154, 29, new Float32Array(154 * 29)), file: 'mj.onnx', yaml: mjlabDeployYaml(), yamlFile: 'deploy.yaml' },
    clip: true,
  },
  { name: 'holosoma locomotion', policy: { bytes: holosomaLoco(), file: 'loco.onnx' }, clip: true, start: 'align' },
  { name: 'holosoma whole-body tracking (embedded, xyzw)', policy: { bytes: holosomaWbt(), file: 'wbt.onnx' }, start: 'align' },
  {
    name: 'humanoidverse (23 of 29 joints, history)',
    policy: { bytes: humanoidverseExport(), file: 'asap.onnx' },
    clip: true,
    start: 'align',
  },
  {
    name: 'skillmimic profile',
    policy: { bytes: linearPolicy(157, 29, new Float32Array(157 * 29)), file: 'skill.onnx', profile: shippedProfile('skill-condition') },
    clip: true,
  },
  {
    name: 'recurrent (h_in/h_out)',
    policy: { bytes: recurrentExport(154), file: 'rnn.onnx', profile: shippedProfile('unitree-rl-lab') },
    clip: true,
  },
];

/** runEpisode for cases [from, to) in both engines, a few control steps each. */
export function familyRuns(from: number, to: number): void {
  describe('each family runs a few control steps in both engines', () => {
    for (const c of cases.slice(from, to)) {
      for (const engine of ['rapier', 'mujoco'] as const) {
        it(`${c.name} on ${engine}`, async () => {
          const r = await runEpisode({
            model: g1,
            engine,
            policy: c.policy,
            clip: c.clip ? clip : undefined,
            seconds: 0.1,
            start: c.start,
            stopOnTermination: false,
          });
          expect(r.driver).toBe('policy');
          expect(r.control_steps).toBe(5);
          expect(r.non_finite_actions).toBe(0);
          expect(Number.isFinite(r.mean_joint_err_rad)).toBe(true);
        });
      }
    }
  });
}

export { ASSETS, clip, g1 };
