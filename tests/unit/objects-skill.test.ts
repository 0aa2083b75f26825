// A SkillMimic-style skill-conditioned ONNX (built here with the test ONNX encoder): proprioception + object
// observations + skill one-hot → actions. It runs with a ball in Rapier; switching the skill changes the actions;
// a skill index out of range is a named error.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadRobot } from '../../src/core/model';
import { primitiveObject } from '../../src/core/model/objects';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { createObsObjects } from '../../src/core/observation/objects';
import { createRapierEngine } from '../../src/core/physics/rapier';
import { resolvePolicyConfig } from '../../src/core/policy/config';
import { PolicyController } from '../../src/core/policy/controller';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { PolicySession } from '../../src/core/policy/session';
import { caught } from './policy-fixture';
import { skillObjectPolicy, SKILL_OBJECT_PROFILE } from './objects-skill-policy';

const model = loadRobot('humanoid29.xml', readFileSync('public/robots/humanoid29.xml', 'utf8'));
const names = model.joints.map((j) => j.name);
const stand = parseMotionCsv(readFileSync('motions/stand_idle_50hz.csv', 'utf8'), 'stand_idle_50hz.csv', names, 50);
// a reference that carries the ball: resting at (1, 0.5, 0.11) throughout
stand.objects = [
  {
    name: 'ball',
    pos: Float32Array.from({ length: stand.nFrames * 3 }, (_, i) => [1, 0.5, 0.11][i % 3]),
    quat: Float32Array.from({ length: stand.nFrames * 4 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
  },
];

describe('a skill-conditioned policy with a ball', () => {
  test('reads the ball, switches skills, names an out-of-range skill', async () => {
    const ball = primitiveObject({ name: 'ball', shape: 'sphere', size: [0.11], mass: 0.4, pos: [0.6, 0.2, 0.11] }, 'ui', []);
    const engine = await createRapierEngine(model, { objects: [ball] });
    const { bytes, nObs } = skillObjectPolicy(model);
    const config = resolvePolicyConfig({
      info: readOnnxInfo(bytes, 'skill.onnx'),
      file: 'skill.onnx',
      robot: model,
      profile: SKILL_OBJECT_PROFILE,
    });
    const session = await PolicySession.create(bytes, config, { file: 'skill.onnx' });
    const objects = createObsObjects(model, engine.objects!, [ball], ['right_ankle_roll_link']);
    const ctrl = new PolicyController({
      model,
      engine,
      config,
      session,
      track: new ReferenceTrack(model, stand, config.stepDt),
      objects,
      file: 'skill.onnx',
    });
    expect(ctrl.cpu.builder.size).toBe(nObs);
    await ctrl.reset();
    const hip = model.jointIndex.get('right_hip_pitch_joint')!,
      elbow = model.jointIndex.get('left_elbow_joint')!;
    const targets = async (k: number) => {
      ctrl.setSkill(0, k);
      await ctrl.act();
      return Array.from(ctrl.targets);
    };
    const t0 = await targets(0),
      t1 = await targets(1),
      t2 = await targets(2);
    // skill 1 swings the right hip by −0.5 rad, skill 2 bends the left elbow by 0.8 rad (offsets over skill 0)
    expect(t1[hip] - t0[hip]).toBeCloseTo(-0.5, 2);
    expect(t2[elbow] - t0[elbow]).toBeCloseTo(0.8, 2);
    // the ball's forward distance in the anchor frame reaches the actions: waist yaw = 0.1 · object_pos_b.x
    const yaw = model.jointIndex.get('waist_yaw_joint')!;
    // object_pos_b.x of the ball 0.6 m ahead of the pelvis ≈ 0.6 → waist yaw ≈ 0.06
    const ox = ctrl.cpu.obs[3 + model.joints.length];
    expect(ox).toBeGreaterThan(0.4);
    expect(t2[yaw]).toBeCloseTo(0.1 * ox, 4);
    for (let s = 0; s < 20; s++) {
      await ctrl.act();
      for (let k = 0; k < 4; k++) engine.step();
    }
    expect(engine.objects!.pos[2]).toBeGreaterThan(0.1);
    // the reference object pose comes from the clip's object track (aligned like the reference robot: rigid)
    const ref = objects.refPos,
      root = ctrl.ctx.ref.rootPos,
      f = Math.min(ctrl.refStep[0] * 50 * config.stepDt, stand.nFrames - 1);
    const want = Math.hypot(1 - stand.rootPos[f * 3], 0.5 - stand.rootPos[f * 3 + 1], 0.11 - stand.rootPos[f * 3 + 2]);
    expect(Math.hypot(ref[0] - root[0], ref[1] - root[1], ref[2] - root[2])).toBeCloseTo(want, 3);
    const err = caught(() => ctrl.setSkill(0, 3));
    expect(err.kind).toBe('PolicyError');
    expect(err.message).toMatch(/skill\.onnx at skill: skill 3 outside 0\.\.2/);
    engine.free();
  }, 60000);
});
