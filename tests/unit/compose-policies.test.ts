// Composing policies on the G1 (MuJoCo and Rapier): walk 3 s (holosoma FastSAC) → 0.5 s crossfade → the shared
// g1-dance-102 tracking policy on its clip, aligned to where the robot stands → 0.5 s crossfade → walk.
// No fall; the largest per-step joint-target jump in a transition stays within what the crossfade allows
// (Σ of the two policies' own steps weighted + Δw·|b − a|), far below the instant-switch gap.
import { describe, expect, it } from 'vitest';
import { runComposition } from '../../src/core/policy/compose';
import { checkRates, policySkill, type Skill } from '../../src/core/policy/skills';
import { g1WalkerRig, releaseAll, robots, twoRateWalkers } from './loco-helpers';
import { danceClip, dancePolicy } from './policy-fixture';

const g1 = robots.g1;

describe('composing policies: walk → dance → walk', () => {
  for (const eng of ['mujoco', 'rapier'] as const)
    it(`G1 on ${eng}: no fall; transition jumps within the crossfade bound`, async () => {
      const { engine, walk } = await g1WalkerRig(eng);
      const dance = dancePolicy();
      const clip = danceClip(g1);
      const skills: Skill[] = [];
      try {
        skills.push(await walk(0.5, 4, 'walk'));
        skills.push(await policySkill({ model: g1, engine, policy: dance, clip, name: 'dance' }));
        skills.push(await walk(0.3, 4, 'walk again'));
        const r = await runComposition({
          engine,
          segments: [
            { skill: skills[0], seconds: 3 },
            { skill: skills[1], seconds: 4, transition: 0.5 },
            { skill: skills[2], seconds: 3, transition: 0.5 },
          ],
        });
        console.log('compose', eng, JSON.stringify(r));
        expect(r.fall).toBeNull();
        expect(r.survived_s).toBeCloseTo(10, 5);
        expect(r.max_jump_transition_rad).toBeLessThanOrEqual(r.max_jump_bound_rad);
        const danced = r.segments[1];
        expect(danced.tracking_terminations).toBe(0); // the dance policy's own (BeyondMimic) terminations never fire
        expect(danced.joint_err_rad!).toBeLessThan(0.15);
        const gap = Math.max(...r.segments.map((s) => s.gap_at_switch_rad));
        expect(gap).toBeGreaterThan(0.1); // the two policies disagree: an instant switch would jump this much
        expect(r.max_jump_transition_rad).toBeLessThan(gap);
      } finally {
        await releaseAll(skills, engine);
      }
    }, 55_000);

  it('skills at different control rates are refused, naming both rates', async () => {
    const { engine, a, b } = await twoRateWalkers('mujoco');
    try {
      expect(() => checkRates([a, b], 'blend')).toThrow(
        /walk 25 Hz at blend: control rates differ: walk 50 Hz runs at 50\.0 Hz \(decimation 4\), walk 25 Hz at 25\.0 Hz \(decimation 8\)/,
      );
    } finally {
      await a.release();
      await b.release();
      engine.free();
    }
  });
});
