import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MimicError } from '../../src/core/errors';
import { DelayLine } from '../../src/core/evaluation/perturb';
import { parseScenario, samplePerturbation, type SampleContext } from '../../src/core/evaluation/scenario';
import { aggregate } from '../../src/core/evaluation/metrics';
import { episodesCsv, summaryCsv, toHtml } from '../../src/core/evaluation/report';
import type { EvalResult, GroupResult } from '../../src/core/evaluation/types';
import { createBatchState, type PhysicsEngine } from '../../src/core/physics/types';

const ctx: SampleContext = {
  bodyNames: ['pelvis', 'torso_link', 'left_ankle_roll_link'],
  jointNames: ['a', 'b', 'c'],
  seconds: 10,
  physicsDt: 0.005,
};

const parseErr = (text: string): MimicError => {
  try {
    parseScenario(text, 'bad.json');
  } catch (e) {
    return e as MimicError;
  }
  throw new Error('no error');
};

describe('scenarios', () => {
  it('every shipped seed parses and samples', () => {
    for (const f of readdirSync('seeds').filter((x) => x.endsWith('.json'))) {
      const sc = parseScenario(readFileSync(`seeds/${f}`, 'utf8'), f);
      expect(sc.name).toBeTruthy();
      const p = samplePerturbation(sc, 0, { ...ctx, bodyNames: ['pelvis', 'torso_link'] });
      expect(p.index).toBe(0);
    }
  });

  it('bad files are ParseErrors naming the key', () => {
    expect(parseErr('{').kind).toBe('ParseError');
    expect(parseErr('{"name":"x","seed":1,"perturbations":{"pushs":{}}}').where).toBe('perturbations.pushs');
    expect(parseErr('{"name":"x","seed":-1}').where).toBe('seed');
    const e = parseErr('{"name":"x","seed":1,"perturbations":{"pushes":{"force_n":[150,50],"bodies":["pelvis"],"duration_s":0.1}}}');
    expect(e.where).toBe('perturbations.pushes.force_n');
    expect(e.message).toMatch(/bad\.json/);
    expect(parseErr('{"name":"x","seed":1,"perturbations":{"obs_noise":{"std":{"joint_pos_rel":-1}}}}').where).toBe(
      'perturbations.obs_noise.std.joint_pos_rel',
    );
  });

  it('draws depend on (seed, index) only, stay in range and are independent per kind', () => {
    const text = JSON.stringify({
      name: 'all',
      seed: 42,
      perturbations: {
        pushes: { count: [1, 3], force_n: [50, 150], bodies: ['pelvis', 'torso_link'], duration_s: [0.1, 0.2], window_s: [1, 8] },
        friction: { scale: [0.5, 1.5] },
        mass: { scale: [0.9, 1.1] },
        action_delay: { ms: [0, 40] },
        obs_noise: { std: 0.01 },
        init_noise: { joint_pos_std: 0.1, root_pos_std: 0.05, root_yaw_std: 0.2 },
      },
    });
    const sc = parseScenario(text, 'all.json');
    const a = samplePerturbation(sc, 3, ctx);
    expect(samplePerturbation(sc, 3, ctx)).toEqual(a);
    expect(samplePerturbation(sc, 4, ctx)).not.toEqual(a);
    expect(samplePerturbation({ ...sc, seed: 43 }, 3, ctx)).not.toEqual(a);
    for (let i = 0; i < 50; i++) {
      const p = samplePerturbation(sc, i, ctx);
      expect(p.pushes.length).toBeGreaterThanOrEqual(1);
      expect(p.pushes.length).toBeLessThanOrEqual(3);
      for (const q of p.pushes) {
        const f = Math.hypot(...q.force);
        expect(f).toBeGreaterThanOrEqual(50 - 1e-9);
        expect(f).toBeLessThanOrEqual(150 + 1e-9);
        expect(q.force[2]).toBe(0);
        expect(q.start_s).toBeGreaterThanOrEqual(1);
        expect(q.start_s).toBeLessThanOrEqual(8);
        expect(['pelvis', 'torso_link']).toContain(q.body);
      }
      expect(p.friction).toBeGreaterThanOrEqual(0.5);
      expect(p.friction).toBeLessThanOrEqual(1.5);
      expect(p.action_delay_steps).toBeGreaterThanOrEqual(0);
      expect(p.action_delay_steps).toBeLessThanOrEqual(8);
      expect(p.mass.length).toBe(3);
    }
    // removing one kind leaves the others' draws unchanged
    const noPush = JSON.parse(text);
    delete noPush.perturbations.pushes;
    const b = samplePerturbation(parseScenario(JSON.stringify(noPush), 'x.json'), 3, ctx);
    expect(b.friction).toBe(a.friction);
    expect(b.init).toEqual(a.init);
    expect(b.action_delay_steps).toBe(a.action_delay_steps);
  });

  it("the action delay line releases each env's targets after its own delay", () => {
    const log: number[][] = [];
    const eng = {
      state: createBatchState(2, 1, 1),
      setTargets: (t: ArrayLike<number>) => log.push(Array.from(t)),
    } as unknown as PhysicsEngine;
    const line = new DelayLine(eng, [0, 6], 4); // env 1: 6 physics steps = 1.5 control steps
    for (let p = 0; p < 16; p++) {
      if (p % 4 === 0) line.publish([p, p], p);
      line.apply(p);
    }
    expect(log.map((t) => t[0])).toEqual([0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12]);
    // env 1 sees the target of step p at p + 6: step 4's from 10, step 8's from 14
    expect(log.map((t) => t[1])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 8, 8]);
  });
});

describe('reports', () => {
  it('JSON, CSV and a self-contained HTML report with two variants side by side', () => {
    const ep = (success: boolean, i: number) => ({
      index: i,
      success,
      status: success ? ('success' as const) : ('failed' as const),
      invalid_reasons: [],
      metric_notes: {},
      sets: {},
      survived_s: success ? 2 : 1,
      clip_s: 2,
      control_steps: 100,
      termination: success ? null : 'anchor_height',
      mean_joint_err_rad: 0.05,
      joint_pos_rmse_rad: 0.06,
      joint_vel_rmse_rad_s: 0.5,
      mpjpe_m: 0.03,
      mpjpe_root_rel_m: 0.02,
      mean_anchor_pos_err_m: 0.02,
      anchor_ori_err_rad: 0.03,
      ee_pos_err_m: 0.04,
      torque_rms_nm: 5,
      power_w: 40,
      foot_slip_m_s: 0.05,
      non_finite_actions: 0,
      joint_err_rad: [0.1, 0.2],
      torque_rms_joint_nm: [3, 4],
      torque_peak_joint_nm: [9, 8],
      perturbation: {
        index: i,
        pushes: [{ body: 'pelvis', start_s: 1, duration_s: 0.1, force: [100, 0, 0] as [number, number, number] }],
        friction: 1,
        mass: [],
        action_delay_steps: 0,
        obs_noise: 0,
        noise_seed: 1,
        init: { joint_pos: {}, root_pos: [0, 0] as [number, number], root_yaw: 0 },
      },
    });
    const group = (variant: string, engine: 'rapier' | 'mujoco', eps: ReturnType<typeof ep>[]): GroupResult => ({
      id: variant,
      variant,
      policy: 'p.onnx',
      engine,
      clip: 'dance.csv',
      scenario: 'push <b>',
      seed: 1,
      joint_names: ['knee', 'hip'],
      adjustments: [`${engine} adjustment`],
      metric_settings: null,
      clip_diagnostics: null,
      reference_warnings: [],
      aggregate: aggregate(eps),
      episodes: eps,
    });
    const r: EvalResult = {
      format: 'mimic-bench-eval/1',
      robot: 'g1.xml',
      settings: { seconds: 2, episodes: 2, envs: 2, start: 'reset', metrics: { key_bodies: null, fps: null } },
      groups: [group('p · rapier', 'rapier', [ep(true, 0), ep(false, 1)]), group('p · mujoco', 'mujoco', [ep(true, 0), ep(true, 1)])],
      timing: { wall_s: 1, workers: 2, ms_per_control_step: 3, ms_per_env_control_step: 1.5 },
    };
    const html = toHtml(r);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(html).toMatch(/p · rapier/);
    expect(html).toMatch(/p · mujoco/);
    expect(html).toMatch(/rapier adjustment/);
    expect(html).toMatch(/mujoco adjustment/);
    expect(html).toMatch(/push &lt;b&gt;/);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThan(15);
    expect(episodesCsv(r).trim().split('\n').length).toBe(5);
    const sum = summaryCsv(r).trim().split('\n');
    expect(sum.length).toBe(3);
    expect(sum[1]).toMatch(/,0\.5,/); // rapier success rate
  });
});
