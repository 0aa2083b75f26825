// A limp G1 (zero gains, no policy) dropped from 1.5 m in real Rapier: the evaluation must call it a failure
// (BeyondMimic anchor-height termination, 0.25 m) at the free-fall time, within a control step or two.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/core/evaluation/episode';
import { holdClip, loadRobotSource } from '../../src/core/evaluation/setup';
import { nominalScenario, parseScenario } from '../../src/core/evaluation/scenario';

const A = '../shared/assets/g1';
const files: Record<string, Uint8Array> = {};
for (const f of readdirSync(`${A}/meshes`)) files[`meshes/${f}`] = readFileSync(`${A}/meshes/${f}`);
const robot = { file: 'g1_29dof_rev_1_0.xml', text: readFileSync(`${A}/g1_29dof_rev_1_0.xml`, 'utf8'), files };

describe('evaluation: dropped robot', () => {
  it.each(['rapier', 'mujoco'] as const)(
    'a limp G1 dropped from 1.5 m fails by anchor height at the free-fall time (%s)',
    async (engine) => {
      const model = loadRobotSource(robot);
      const clip = holdClip(model, [0, 0, 1.5], [1, 0, 0, 0], new Float32Array(model.joints.length), 2, 'drop');
      const out = await runBatch({
        robot,
        clip,
        scenario: nominalScenario(),
        episodes: [0, 1],
        seconds: 1,
        variant: { label: 'limp', engine, driver: 'zero' },
      });
      const controlDt = 0.02;
      const tFall = Math.sqrt((2 * 0.25) / 9.81); // 0.226 s to fall 0.25 m from rest
      for (const r of out.records) {
        expect(r.success).toBe(false);
        expect(r.termination).toMatch(/^anchor_height/);
        expect(Math.abs(r.survived_s - tFall)).toBeLessThanOrEqual(2 * controlDt + 1e-9);
        // the episode is scored only until it terminates
        expect(r.control_steps).toBe(Math.round(r.survived_s / controlDt));
        expect(r.clip_s).toBe(1);
      }
      expect(out.adjustments.length).toBeGreaterThan(0);
    },
  );

  it('the same robot held by the reference driver in place survives (the failure above is the drop, not the harness)', async () => {
    const model = loadRobotSource(robot);
    // reference: the robot standing on its feet (pelvis height from a zero pose: feet spheres touch z = 0)
    const clip = holdClip(model, [0, 0, 0.793], [1, 0, 0, 0], new Float32Array(model.joints.length), 2, 'stand');
    const out = await runBatch({
      robot,
      clip,
      episodes: [0],
      seconds: 1,
      scenario: parseScenario('{"name":"still","seed":1,"perturbations":{}}', 'still.json'),
      variant: { label: 'pd', engine: 'rapier', driver: 'reference', physics: { fixedRoot: true } },
    });
    expect(out.records[0].termination).toBeNull();
    expect(out.records[0].success).toBe(true);
    expect(out.records[0].survived_s).toBe(1);
  });
});
