// Policies that drive a subset of the robot's joints (config.heldJoints: the others held by PD at stated
// positions) and phase-conditioned policies without a clip (config.motionSeconds sets the episode length).
import { describe, expect, it } from 'vitest';
import { resolvePolicyConfig, type PolicyConfig } from '../../src/core/policy/config';
import { runEpisode } from '../../src/core/policy/episode';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { readFileSync } from 'node:fs';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { createRapierEngine } from '../../src/core/physics/rapier';
import { PolicyController } from '../../src/core/policy/controller';
import { PolicySession } from '../../src/core/policy/session';
import { DANCE, loadG1, node, onnxModel, skillTestProfile, tensor, valueInfo } from './policy-fixture';

const g1 = loadG1();
const wrists = g1.joints.map((j) => j.name).filter((n) => /wrist/.test(n));
const driven = g1.joints.map((j) => j.name).filter((n) => !wrists.includes(n));

/** a zero policy over the non-wrist joints (skill one-hot observation), wrists held at 0.4 rad */
function subsetPolicy(): { bytes: Uint8Array; config: PolicyConfig } {
  const na = driven.length;
  const bytes = onnxModel({
    nodes: [node('MatMul', ['obs', 'W'], ['actions'])],
    initializers: [tensor('W', [2, na], new Float32Array(2 * na))],
    inputs: [valueInfo('obs', ['batch', 2])],
    outputs: [valueInfo('actions', ['batch', na])],
  });
  const profile = {
    ...skillTestProfile('subset'),
    jointOrder: driven,
    gains: { stiffness: 60, damping: 3 },
    heldJoints: { positions: { '.*wrist.*': 0.4 }, stiffness: 20, damping: 1 },
  };
  const config = resolvePolicyConfig({ info: readOnnxInfo(bytes, 'subset.onnx'), file: 'subset.onnx', robot: g1, profile });
  expect(config.heldJoints).toEqual({
    names: wrists,
    positions: wrists.map(() => 0.4),
    stiffness: wrists.map(() => 20),
    damping: wrists.map(() => 1),
  });
  config.motionSeconds = 1;
  return { bytes, config };
}

describe('held joints and motion length', () => {
  it('joints the policy does not drive are held at their stated positions, and named; no clip: the motion length', async () => {
    expect(wrists.length).toBe(6);
    const { bytes, config } = subsetPolicy();
    const r = await runEpisode({
      model: g1,
      engine: 'rapier',
      physics: { fixedRoot: true },
      policy: { bytes, file: 'subset.onnx' },
      config,
      stopOnTermination: false,
    });
    expect(r.held_joints).toEqual(wrists);
    expect(r.notes?.join('\n')).toMatch(/held by PD: .*wrist/);
    expect(r.notes?.join('\n')).toMatch(/no clip: 1 s of motion/);
    expect(r.clip).toBe('default pose (no clip)');
    expect(r.control_steps).toBe(50);
    expect(r.clip_s).toBeCloseTo(1, 9);
  });

  it('a held joint is driven to its stated position from wherever the start put it', async () => {
    const { bytes, config } = subsetPolicy();
    const engine = await createRapierEngine(g1, { n: 1, fixedRoot: true });
    const session = await PolicySession.create(bytes, config, { file: 'subset.onnx' });
    const clip = parseMotionCsv(
      readFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, 'utf8'),
      'G1_Take_102.bvh_60hz.csv',
      g1.joints.map((j) => j.name),
    );
    const ctrl = new PolicyController({
      model: g1,
      engine,
      config,
      session,
      track: new ReferenceTrack(g1, clip, 0.02),
      start: 'reference',
    });
    await ctrl.reset();
    const w = wrists.map((n) => g1.jointIndex.get(n)!);
    const start = w.map((j) => engine.state.jointPos[j]);
    expect(Math.max(...start.map((q) => Math.abs(q - 0.4)))).toBeGreaterThan(0.2); // the dance's wrists are elsewhere
    for (let k = 0; k < 50; k++) await ctrl.step();
    w.forEach((j) => expect(ctrl.targets[j]).toBe(Math.fround(0.4)));
    w.forEach((j) => expect(Math.abs(engine.state.jointPos[j] - 0.4)).toBeLessThan(0.05));
    await session.release();
    engine.free();
  });
});
