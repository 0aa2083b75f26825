// Blending policies on the G1: legs and torso from the holosoma walker (0.5 m/s forward), arms from the
// built-in wave clip played by PD, the arm weight ramped in smoothly; survives 20 s in both engines and the
// arm tracking error is reported. Body parts come from the tree (checked on the G1 and the T1). A G1-named
// clip on the T1 is a named error listing the joints.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { bodyParts, runBlend, SmoothWeights } from '../../src/core/policy/blend';
import { clipSkill, type Skill } from '../../src/core/policy/skills';
import { g1WalkerRig, releaseAll, robots } from './loco-helpers';

const g1 = robots.g1,
  t1 = robots.t1;
const names = (m: typeof g1, js: number[]) => js.map((j) => m.joints[j].name);
const wave = () =>
  parseMotionCsv(
    readFileSync('motions/wave_50hz.csv', 'utf8'),
    'wave_50hz.csv',
    g1.joints.map((j) => j.name),
  );

describe('body parts from the tree', () => {
  it('G1 and T1: 12 leg joints, 14 arm joints, the rest torso (waist, head)', () => {
    const p = bodyParts(g1),
      q = bodyParts(t1);
    expect(names(g1, p.legs).every((n) => /hip|knee|ankle/.test(n))).toBe(true);
    expect(p.legs.length).toBe(12);
    expect(names(g1, p.arms).every((n) => /shoulder|elbow|wrist/.test(n))).toBe(true);
    expect(p.arms.length).toBe(14);
    expect(names(g1, p.torso)).toEqual(['waist_yaw_joint', 'waist_roll_joint', 'waist_pitch_joint']);
    expect(q.legs.length).toBe(12);
    expect(names(t1, q.legs).every((n) => /Hip|Knee|Ankle/.test(n))).toBe(true);
    expect(names(t1, q.arms).every((n) => /Shoulder|Elbow|Wrist|Hand/.test(n))).toBe(true);
    expect(names(t1, q.torso).sort()).toEqual(['AAHead_yaw', 'Head_pitch', 'Waist']);
  });

  it('a G1-named clip on the T1 is a named error listing the joints', () => {
    expect(() => clipSkill(t1, wave(), 0.02, 4)).toThrow(
      /wave_50hz at joint left_hip_pitch_joint: 29 clip joint\(s\) the robot T1 lacks: "left_hip_pitch_joint", "left_hip_roll_joint"/,
    );
  });
});

describe('blending: walker legs + waving arms', () => {
  for (const eng of ['mujoco', 'rapier'] as const)
    // 10 s (500 control steps) is long enough for the raised arms to turn or tip the walker
    it(`G1 on ${eng}: 10 s at 0.5 m/s, no fall; arm tracking error reported`, async () => {
      const { engine, config: cfg, walk } = await g1WalkerRig(eng);
      const skills: Skill[] = [];
      try {
        skills.push(await walk(0.5, 10, 'walker'));
        skills.push(clipSkill(g1, wave(), cfg.stepDt, cfg.decimation));
        const parts = bodyParts(g1),
          w = new SmoothWeights(2, g1.joints.length, 1);
        w.set(0, 1, undefined, true); // the walker everywhere at first
        let seen = 0,
          path = 0,
          last: number[] | null = null;
        const r = await runBlend({
          engine,
          skills,
          weights: w,
          seconds: 10,
          onStep: (t) => {
            if (t >= 1 && t < 1.02) {
              w.set(0, 0, parts.arms);
              w.set(1, 1, parts.arms);
            } // arms fade to the wave over 1 s
            seen = Math.max(seen, w.current[1][parts.arms[0]]);
            const p = engine.state.rootPos;
            if (last) path += Math.hypot(p[0] - last[0], p[1] - last[1]);
            last = [p[0], p[1]];
          },
        });
        const q = engine.state.rootQuat,
          yaw = Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]));
        console.log('blend', eng, JSON.stringify({ ...r, path_m: +path.toFixed(2), end_yaw_rad: +yaw.toFixed(2) }));
        expect(r.fall).toBeNull();
        expect(r.survived_s).toBeCloseTo(10, 5);
        expect(seen).toBe(1);
        // 0.5 m/s (body frame, no heading hold) for 10 s: the raised arm turns the robot in Rapier, so the path, not x
        expect(path).toBeGreaterThan(2.5);
        expect(r.tracking_err_rad.wave_50hz).toBeLessThan(0.3);
      } finally {
        await releaseAll(skills, engine);
      }
    }, 55_000);
});
