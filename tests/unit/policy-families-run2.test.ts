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
      const r = await runEpisode({
        model: g1,
        engine,
        policy: { bytes, file: 'fastsac_g1_29dof.onnx' },
        clip,
        seconds: 0.1,
        start: 'align',
        stopOnTermination: false,
      });
      expect(r.control_steps).toBe(5);
      expect(r.non_finite_actions).toBe(0);
      expect(r.config_source).toBe('metadata');
    }
  });
});

describe('holosoma tracking reference (torso only) becomes a whole reference', () => {
  it("root pose from the torso's pose and the joints; 'reset' start stands the robot on it", async () => {
    const { holosomaWbt } = await import('./families-fixture');
    const torso = g1.bodyIndex.get('torso_link')!;
    let ref: { tq: number[]; tz: number; rq: number } | null = null;
    const r = await runEpisode({
      model: g1,
      engine: 'mujoco',
      policy: { bytes: holosomaWbt(), file: 'wbt.onnx' },
      seconds: 0.06,
      start: 'reset',
      stopOnTermination: false,
      onStep: (i) => {
        ref ??= {
          tq: Array.from(i.ref.bodyQuat.subarray(torso * 4, torso * 4 + 4)),
          tz: i.ref.bodyPos[torso * 3 + 2],
          rq: Math.hypot(...Array.from(i.ref.rootQuat.subarray(0, 4))),
        };
      },
    });
    expect(r.control_steps).toBe(3);
    expect(ref!.tq[0]).toBeCloseTo(Math.cos(0.1), 5);
    expect(ref!.tq[3]).toBeCloseTo(Math.sin(0.1), 5);
    expect(ref!.tz).toBeCloseTo(1.05, 5);
    expect(ref!.rq).toBeCloseTo(1, 5);
  });
});
