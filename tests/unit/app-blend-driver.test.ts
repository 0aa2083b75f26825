// The app's blend of policies (src/app/skills/blend-driver.ts) in Node on the G1 in Rapier: layer 1 = the holosoma
// walker steered at 0.3 m/s on the legs and torso, layer 2 = the dance clip played by PD on the arms. The robot walks
// without falling; moving layer 2's arm weight to 0 reaches it smoothly (2 per second, not at once); two policy layers
// at different control rates are refused naming both rates.
import { describe, expect, it } from 'vitest';
import { makeEngine } from '../../src/core/policy/locomotion';
import { loadPolicyConfig } from '../../src/core/evaluation/setup';
import { maskOf } from '../../src/core/motion/blend';
import { bodyParts } from '../../src/core/policy/blend';
import { buildBlendDriver } from '../../src/app/skills/blend-driver';
import { trimClip } from '../../src/app/skills/plan';
import type { LayerSpec } from '../../src/app/store';
import { locoPolicy, robots } from './loco-helpers';
import { danceClip } from './policy-fixture';

const g1 = robots.g1;
const walker = locoPolicy('g1', 'fastsac');
const wcfg = loadPolicyConfig(walker, g1);
const layers = (): LayerSpec[] => [
  {
    clipId: 'dance',
    weight: 1,
    speed: 1,
    mask: maskOf(['root', 'legs', 'torso']),
    policy: { id: 'walk', commands: [{ t: 0, vx: 0.3, vy: 0, wz: 0 }] },
  },
  { clipId: 'dance', weight: 1, speed: 1, mask: maskOf(['leftArm', 'rightArm']) },
];

describe('app blend driver: policy layers mixed per body part', () => {
  it('walker legs + clip arms by PD: walks, weights move smoothly', async () => {
    const engine = await makeEngine(g1, 'rapier', wcfg, []);
    const clip = trimClip(danceClip(g1), 0, 4); // 4 s of arms are enough (the whole clip's reference costs FK time)
    const d = await buildBlendDriver(
      engine,
      layers(),
      () => ({ cfg: wcfg, bytes: walker.bytes, name: walker.file }),
      () => clip,
      false,
    );
    try {
      d.reset();
      const x0 = engine.state.rootPos[0];
      for (let k = 0; k < 60; k++) await d.step();
      const arms = bodyParts(g1).arms;
      expect(d.weights.current[1][arms[0]]).toBe(1);
      expect(d.weights.current[0][arms[0]]).toBe(0);
      const next = layers();
      next[1].weight = 0;
      next[0].mask = maskOf(['root', 'legs', 'torso', 'leftArm', 'rightArm']);
      d.setLayers(next);
      await d.step();
      expect(d.weights.current[1][arms[0]]).toBeCloseTo(1 - 2 * 0.02, 5); // one control step of the 2 / s ramp
      for (let k = 0; k < 50; k++) await d.step();
      expect(d.weights.current[1][arms[0]]).toBe(0);
      expect(engine.state.rootPos[2]).toBeGreaterThan(0.6); // upright
      expect(engine.state.rootPos[0] - x0).toBeGreaterThan(0.15); // walked forward (0.3 m/s for 2.2 s)
    } finally {
      d.dispose();
      await new Promise((r) => setTimeout(r, 10));
    }
  }, 60_000);

  it('two policy layers at different control rates are refused, naming both', async () => {
    const engine = await makeEngine(g1, 'rapier', wcfg, []);
    const both = layers();
    both[1].policy = { id: 'slow', commands: 'live' };
    const configOf = (id: string) => ({
      cfg: id === 'slow' ? { ...wcfg, stepDt: 0.04, decimation: 8 } : wcfg,
      bytes: walker.bytes,
      name: `${id}.onnx`,
    });
    await expect(buildBlendDriver(engine, both, configOf, () => danceClip(g1), false)).rejects.toThrow(
      /layer 2: slow\.onnx at blend: control rates differ: layer 1: walk\.onnx runs at 50\.0 Hz \(decimation 4\), layer 2: slow\.onnx at 25\.0 Hz \(decimation 8\)/,
    );
    engine.free();
  }, 40_000);
});
