// The per-step skill switcher (src/core/policy/skill-step.ts) on the G1 in Rapier: walk 1 s (holosoma FastSAC) →
// switchTo the shared g1-dance-102 policy over 0.5 s → 1 s → switchTo a second walker over 0.5 s → 1 s. No fall; every
// joint-target jump inside a transition stays within the crossfade's bound and under the gap an instant switch makes.
import { describe, expect, it } from 'vitest';
import { makeEngine, fallCheck } from '../../src/core/policy/locomotion';
import { loadPolicyConfig } from '../../src/core/evaluation/setup';
import { policySkill, type Skill } from '../../src/core/policy/skills';
import { SkillSwitcher } from '../../src/core/policy/skill-step';
import { locoPolicy, releaseAll, robots, twoRateWalkers, walkSkill } from './loco-helpers';
import { danceClip, dancePolicy } from './policy-fixture';

const g1 = robots.g1;

describe('SkillSwitcher: per-step policy switching with a crossfade', () => {
  it('G1 Rapier: walk → 0.5 s → dance → 0.5 s → walk without a fall; jumps within the bound', async () => {
    const walker = locoPolicy('g1', 'fastsac');
    const wcfg = loadPolicyConfig(walker, g1);
    const engine = await makeEngine(g1, 'rapier', wcfg, []);
    const skills: Skill[] = [];
    try {
      skills.push(await walkSkill({ model: g1, engine, policy: walker, config: wcfg, vx: 0.3, seconds: 2, name: 'walk' }));
      skills.push(await policySkill({ model: g1, engine, policy: dancePolicy(), clip: danceClip(g1), name: 'dance' }));
      skills.push(await walkSkill({ model: g1, engine, policy: walker, config: wcfg, vx: 0, seconds: 2, name: 'stand' }));
      await skills[0].controller!.reset();
      const anchor = skills[0].controller!.ctx.anchorBody,
        z0 = engine.state.bodyPos[anchor * 3 + 2];
      const sw = new SkillSwitcher(engine, skills[0]);
      let fell = false;
      const run = async (seconds: number) => {
        for (let k = 0; k < Math.round(seconds / 0.02) && !fell; k++) {
          await sw.step();
          fell = fallCheck(engine.state, 0, anchor, z0, sw.stats.controlSteps * 0.02) !== null;
        }
      };
      await run(1);
      expect(sw.stats.maxJumpTransition).toBe(0);
      await sw.switchTo(skills[1], 0.5);
      expect(sw.outgoing).toBe(skills[0]);
      await run(1.5);
      expect(sw.outgoing).toBeNull();
      await sw.switchTo(skills[2], 0.5);
      await run(1);
      const st = sw.stats;
      console.log('skill-step', JSON.stringify(st));
      expect(fell).toBe(false);
      expect(st.controlSteps).toBe(175);
      expect(st.transitions).toBe(2);
      expect(st.maxJumpTransition).toBeGreaterThan(0);
      expect(st.maxJumpTransition).toBeLessThanOrEqual(st.maxJumpBound);
      expect(st.maxGapAtSwitch).toBeGreaterThan(st.maxJumpTransition); // an instant switch would jump more
    } finally {
      await releaseAll(skills, engine);
    }
  }, 40_000);

  it('a skill at another control rate is refused, naming both rates; the current one keeps running', async () => {
    const { engine, a, b } = await twoRateWalkers('rapier');
    try {
      await a.controller!.reset();
      const sw = new SkillSwitcher(engine, a);
      await expect(sw.switchTo(b, 0.5)).rejects.toThrow(
        /walk 25 Hz at switch: control rates differ: walk 50 Hz runs at 50\.0 Hz.*25\.0 Hz/,
      );
      expect(sw.current).toBe(a);
      await sw.step();
      expect(sw.stats.controlSteps).toBe(1);
    } finally {
      await releaseAll([a, b], engine);
    }
  }, 20_000);
});
