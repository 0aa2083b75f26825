/**
 * THE BAR: the shared g1-dance-102 policy (unitree_rl_lab export, obs [1,154], no metadata, deploy.yaml)
 * dances its whole clip on the G1 in our Rapier simulator without a termination, tracking joints to
 * < 0.08 rad mean error and within 1.15× of the same policy in MuJoCo-WASM (native armature, implicitfast)
 * on the same model, measured in this run.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode, type EpisodeResult } from '../../src/core/policy/episode';
import { danceClip, dancePolicy, loadG1 } from './policy-fixture';

describe('g1-dance-102 on the G1', () => {
  const g1 = loadG1();
  const clip = danceClip(g1);
  const policy = dancePolicy();
  const results: Partial<Record<'rapier' | 'mujoco', EpisodeResult>> = {};
  const report = (r: EpisodeResult) => ({
    engine: r.engine,
    survived_s: r.survived_s,
    joint_err_rad: +r.mean_joint_err_rad!.toFixed(4),
    anchor_err_m: +r.mean_anchor_pos_err_m!.toFixed(4),
    ms_per_control_step: +r.ms_per_control_step.toFixed(2),
  });

  it('MuJoCo-WASM (oracle): the whole clip, no termination', async () => {
    const r = await runEpisode({ model: g1, engine: 'mujoco', policy, clip, stopOnTermination: false });
    results.mujoco = r;
    console.log('dance', JSON.stringify(report(r)));
    expect(r.config_source).toBe('deploy.yaml');
    expect(r.control_steps).toBe(1456); // 1457 reference steps: 1456 scored after the start
    expect(r.terminations).toEqual([]);
    expect(r.mean_joint_err_rad).toBeLessThan(0.08);
  }, 300_000);

  it('Rapier: the whole clip, no termination, joint error < 0.08 rad and ≤ 1.15× MuJoCo', async () => {
    const r = await runEpisode({ model: g1, engine: 'rapier', policy, clip, stopOnTermination: false });
    results.rapier = r;
    console.log('dance', JSON.stringify(report(r)));
    expect(r.control_steps).toBe(1456); // 1457 reference steps: 1456 scored after the start
    expect(r.survived_s).toBeGreaterThanOrEqual(29.1);
    expect(r.terminations).toEqual([]);
    expect(r.success).toBe(true);
    expect(r.non_finite_actions).toBe(0);
    expect(r.mean_joint_err_rad).toBeLessThan(0.08);
    expect(results.mujoco).toBeDefined();
    expect(r.mean_joint_err_rad).toBeLessThanOrEqual(1.15 * results.mujoco!.mean_joint_err_rad!);
    // the armature the gains came from was given to the engine, and said so
    expect(r.adjustments.join('\n')).toMatch(/armature from the PD gains/);
  }, 300_000);

  it("Rapier, 'default-pose' start (BeyondMimic deployment): from the default standing pose, 10 s without a termination", async () => {
    const r = await runEpisode({ model: g1, engine: 'rapier', policy, clip, seconds: 10, start: 'default-pose', stopOnTermination: false });
    console.log('dance align', JSON.stringify(report(r)));
    expect(r.control_steps).toBe(500);
    expect(r.terminations).toEqual([]);
    expect(r.mean_joint_err_rad).toBeLessThan(0.08);
  }, 300_000);

  // the shift is decided at the start: 4 s (200 control steps) of tracking show the robot stands and dances on it
  it("a reference lowered 0.12 m below the floor: the default ('ground') start stands the robot on the floor, 4 s complete", async () => {
    const low = { ...clip, rootPos: Float32Array.from(clip.rootPos, (v, i) => (i % 3 === 2 ? v - 0.12 : v)) };
    const r = await runEpisode({ model: g1, engine: 'rapier', policy, clip: low, seconds: 4 });
    console.log('dance lowered', JSON.stringify(report(r)), r.start_shift_m);
    expect(r.start).toBe('ground');
    expect(r.start_shift_m).toBeGreaterThan(0.12); // the clip's own feet sit ~1 cm in the floor
    expect(r.start_shift_m).toBeLessThan(0.14);
    expect(r.notes?.join('\n')).toMatch(/start 'ground': robot and reference raised 0\.1\d\d m/);
    expect(r.success).toBe(true);
    expect(r.control_steps).toBe(200);
    expect(r.mean_joint_err_rad).toBeLessThan(0.08);
    expect(r.mean_anchor_pos_err_m).toBeLessThan(0.1); // against the raised reference
  }, 300_000);
});
