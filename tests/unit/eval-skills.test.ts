// The evaluation CLI runs a composed skill (`skills`: walker → crossfade → the shared dance policy on its clip)
// and a blended one (`blend`: walker legs + torso, the wave clip on the arms) through the episode loop and
// reports metrics per segment / per skill; bad skill files are named errors with their key path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skillPlanOf } from '../../src/core/evaluation/skill-plan';
import { cli } from './eval-cli-inproc';

const A = resolve('../shared/assets/policies');
const walker = `${A}/holosoma-loco-g1/fastsac_g1_29dof.onnx`;
const dance = `${A}/g1-dance-102/policy.onnx`;
const dir = mkdtempSync(join(tmpdir(), 'eval-skills-'));
const file = (name: string, json: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(json));
  return p;
};
type Segment = { name: string; joint_err_rad: number | null; anchor_err_m: number | null; survived_s: number; max_jump_rad: number };
type Run = { engine: string; kind: string; fall: unknown; survived_s: number; max_jump_bound_rad: number; max_jump_steady_rad: number };

describe('eval CLI: composed and blended skills', () => {
  it('skills: walk 1 s → 0.3 s crossfade → dance 1.2 s; per-segment errors, survival and transition jump', async () => {
    const sc = file('compose.json', {
      skills: [
        { name: 'walk', policy: walker, command: [0.4, 0, 0], seconds: 1 },
        { name: 'dance', policy: dance, clip: `${A}/g1-dance-102/G1_Take_102.bvh_60hz.csv`, seconds: 1.2, transition: 0.3 },
      ],
    });
    const r = await cli(['--scenario', sc, '--engine', 'mujoco']);
    expect(r.code, r.stderr).toBe(0);
    const run = (r.out.runs as (Run & { segments: Segment[] })[])[0];
    expect(run).toMatchObject({ engine: 'mujoco', kind: 'compose', fall: null });
    expect(run.survived_s).toBeCloseTo(2.2, 6);
    const [walk, danced] = run.segments;
    expect(walk).toMatchObject({ name: 'walk', joint_err_rad: null, anchor_err_m: null, max_jump_rad: 0 });
    expect(walk.survived_s).toBeCloseTo(1, 6);
    expect(danced.survived_s).toBeCloseTo(1.2, 6);
    expect(danced.joint_err_rad!).toBeGreaterThan(0);
    expect(danced.joint_err_rad!).toBeLessThan(0.2);
    expect(danced.anchor_err_m!).toBeGreaterThan(0);
    expect(danced.max_jump_rad).toBeGreaterThan(0);
    expect(danced.max_jump_rad).toBeLessThanOrEqual(run.max_jump_bound_rad);
  }, 60_000);

  it('blend: walker on legs + torso, the wave clip on the arms; per-skill tracking error', async () => {
    const sc = file('blend.json', {
      blend: {
        seconds: 1.5,
        skills: [
          { name: 'walker', policy: walker, command: [0.3, 0, 0], parts: ['legs', 'torso'] },
          { name: 'wave', clip: resolve('motions/wave_50hz.csv'), parts: ['arms'] },
        ],
      },
    });
    const r = await cli(['--scenario', sc, '--engine', 'mujoco']);
    expect(r.code, r.stderr).toBe(0);
    const run = (r.out.runs as (Run & { tracking_err_rad: Record<string, number | null> })[])[0];
    expect(run).toMatchObject({ kind: 'blend', fall: null });
    expect(run.survived_s).toBeCloseTo(1.5, 6);
    expect(run.tracking_err_rad.walker!).toBeGreaterThan(0);
    expect(run.tracking_err_rad.wave!).toBeGreaterThan(0);
    expect(run.tracking_err_rad.wave!).toBeLessThan(0.3);
    // the loop's pushes reach a blended skill: a 900 N shove on the pelvis for 0.3 s knocks it over
    const shove = file('shove.json', {
      name: 'shove',
      seed: 1,
      perturbations: { pushes: { count: 1, force_n: 900, bodies: ['pelvis'], window_s: [0.3, 0.3], duration_s: 0.3 } },
    });
    const p = await cli(['--scenario', sc, '--scenario', shove, '--engine', 'mujoco']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.out.scenario).toBe('shove');
    const pushed = (p.out.runs as Run[])[0];
    expect(pushed.fall).not.toBeNull();
    expect(pushed.survived_s).toBeLessThan(1.5);
  }, 60_000);

  it('bad skill files are named with their key path', () => {
    expect(() => skillPlanOf({ skills: [{ policy: 'a.onnx', seconds: 1, speed: 2 }] }, 's.json')).toThrow(
      /s\.json at skills\[0\]\.speed: unknown key/,
    );
    expect(() => skillPlanOf({ skills: [{ seconds: 1 }] }, 's.json')).toThrow(
      /s\.json at skills\[0\]: a skill needs a "policy" or a "clip"/,
    );
    expect(() => skillPlanOf({ skills: [{ policy: 'a.onnx', seconds: -1 }] }, 's.json')).toThrow(
      /skills\[0\]\.seconds: expected a number >= 0/,
    );
    expect(() => skillPlanOf({ blend: { seconds: 2, skills: [{ clip: 'w.csv', parts: ['wings'] }] } }, 'b.json')).toThrow(
      /b\.json at blend\.skills\[0\]\.parts: expected a list of legs \/ torso \/ arms/,
    );
    expect(() => skillPlanOf({ skills: [{ clip: 'w.csv', command: [1, 0, 0], seconds: 1 }] }, 's.json')).toThrow(/not both/);
    expect(skillPlanOf({ seed: 3 }, 'plain.json')).toBeNull();
  });
});
