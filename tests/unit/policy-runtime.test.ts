import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { qFromAxisAngle, qMul, qYaw } from '../../src/core/math';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { createRapierEngine } from '../../src/core/physics/rapier';
import { createBatchState, type PhysicsEngine } from '../../src/core/physics/types';
import { isaacJointOrder, resolvePolicyConfig } from '../../src/core/policy/config';
import { PolicyController } from '../../src/core/policy/controller';
import { runEpisode } from '../../src/core/policy/episode';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { alignmentFor, applyAlignment } from '../../src/core/policy/refio';
import { PolicySession } from '../../src/core/policy/session';
import { checkTermination } from '../../src/core/policy/termination';
import {
  DANCE,
  danceConfig,
  danceExportMeta,
  embeddedExport,
  expectAnchorAligned,
  loadG1,
  node,
  onnxModel,
  tensor,
  valueInfo,
  skillTestProfile,
} from './policy-fixture';
import { probeReferenceLength } from '../../src/core/policy/reference-length';

const g1 = loadG1();
const names = g1.joints.map((j) => j.name);
const clip = parseMotionCsv(readFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, 'utf8'), 'G1_Take_102.bvh_60hz.csv', names);
const engines: PhysicsEngine[] = [];
afterAll(() => engines.forEach((e) => e.free()));
async function rapier(n: number, fixedRoot = false): Promise<PhysicsEngine> {
  const e = await createRapierEngine(g1, { n, fixedRoot });
  engines.push(e);
  return e;
}

describe('PolicyController', () => {
  it('holds the last finite targets of an env whose action is NaN, and counts it', async () => {
    // obs = skill one-hot (2); actions = log(obs · W): skill 0 → log(e^0.1) = 0.1, skill 1 → log(-1) = NaN
    const w = new Float32Array(2 * 29);
    w.fill(Math.exp(0.1), 0, 29);
    w.fill(-1, 29, 58);
    const bytes = onnxModel({
      nodes: [node('MatMul', ['obs', 'W'], ['z']), node('Log', ['z'], ['actions'])],
      initializers: [tensor('W', [2, 29], w)],
      inputs: [valueInfo('obs', ['batch', 2])],
      outputs: [valueInfo('actions', ['batch', 29])],
    });
    const profile = skillTestProfile('nan-test');
    const config = resolvePolicyConfig({ info: readOnnxInfo(bytes, 'nan.onnx'), file: 'nan.onnx', robot: g1, profile });
    const engine = await rapier(2, true);
    const session = await PolicySession.create(bytes, config, { file: 'nan.onnx' });
    const track = new ReferenceTrack(g1, clip, config.stepDt);
    const ctrl = new PolicyController({ model: g1, engine, config, session, track });
    await ctrl.reset();
    const start = ctrl.targets.slice(29, 58);
    ctrl.setSkill(0, 0);
    ctrl.setSkill(1, 1);
    await ctrl.act();
    expect(ctrl.nonFiniteActions).toBe(1);
    ctrl.targets.slice(0, 29).forEach((t) => expect(t).toBeCloseTo(0.1, 5));
    expect(Array.from(ctrl.targets.slice(29, 58))).toEqual(Array.from(start)); // env 1 held its pose
    expect(start.some((t) => Math.abs(t - 0.1) > 0.01)).toBe(true);
    ctrl.setSkill(1, 0);
    await ctrl.act();
    ctrl.targets.slice(29, 58).forEach((t) => expect(t).toBeCloseTo(0.1, 5));
    ctrl.setSkill(1, 1);
    await ctrl.act();
    expect(ctrl.nonFiniteActions).toBe(2);
    ctrl.targets.slice(29, 58).forEach((t) => expect(t).toBeCloseTo(0.1, 5));
    expect(ctrl.ctx.lastAction.every((a) => Number.isFinite(a))).toBe(true);
    // the action hook sees the raw actions: an Inf injected there is held and counted like a NaN
    ctrl.setSkill(1, 0);
    ctrl.onActions = (act) => {
      act[3] = Infinity;
      act[32] = -Infinity;
    }; // both envs
    await ctrl.act();
    expect(ctrl.nonFiniteActions).toBe(4);
    ctrl.onActions = null;
    for (let k = 0; k < 4; k++) engine.step();
    expect(engine.state.jointPos.every((q) => Number.isFinite(q))).toBe(true);
    await session.release();
  });

  it("recurrent state is reset with each env's episode (start, fall reset, park); phase = t / motion length", async () => {
    const bytes = onnxModel({
      nodes: [node('MatMul', ['obs', 'W'], ['actions'])],
      initializers: [tensor('W', [2, 29], new Float32Array(58))],
      inputs: [valueInfo('obs', ['batch', 2])],
      outputs: [valueInfo('actions', ['batch', 29])],
    });
    const profile = skillTestProfile('rec');
    const config = resolvePolicyConfig({ info: readOnnxInfo(bytes, 'rec.onnx'), file: 'rec.onnx', robot: g1, profile });
    config.motionSeconds = 2;
    const engine = await rapier(2, true);
    const session = await PolicySession.create(bytes, config, { file: 'rec.onnx' });
    // the families' session resets its recurrent state per env: record the calls the controller makes
    const calls: (number | undefined)[] = [];
    (session as unknown as { resetRecurrent: (e?: number) => void }).resetRecurrent = (e) => calls.push(e);
    const ctrl = new PolicyController({ model: g1, engine, config, session, track: new ReferenceTrack(g1, clip, config.stepDt) });
    const ctx = ctrl.ctx as typeof ctrl.ctx & { phase?: Float32Array };
    ctx.phase ??= new Float32Array(2); // the observation context's phase (families); the controller writes it
    await ctrl.reset();
    expect(calls).toEqual([0, 1]);
    for (let k = 0; k < 10; k++) await ctrl.step();
    await ctrl.act();
    expect(ctx.phase[0]).toBeCloseTo((10 * 0.02) / 2, 6);
    await ctrl.reset(1, 3);
    ctrl.forget(0);
    expect(calls).toEqual([0, 1, 1, 0]);
    await ctrl.act();
    expect(ctx.phase[1]).toBeCloseTo((3 * 0.02) / 2, 6);
    await session.release();
  });

  it('embedded reference (BeyondMimic export): time_step selects the reference, fetched one step ahead', async () => {
    const order = isaacJointOrder(g1);
    const c = Float32Array.from(order, (_, i) => 0.01 * (i + 1));
    const metadata = { ...danceExportMeta(g1), observation_history_lengths: '1,1,1,1,1,1' };
    const bytes = onnxModel({
      nodes: [
        node('MatMul', ['obs', 'Wz'], ['actions']),
        node('Mul', ['time_step', 'C'], ['joint_pos']),
        node('Mul', ['time_step', 'Z'], ['joint_vel']),
        node('Identity', ['P'], ['body_pos_w']),
        node('Identity', ['Q'], ['body_quat_w']),
      ],
      initializers: [
        tensor('Wz', [154, 29], new Float32Array(154 * 29)),
        tensor('C', [1, 29], c),
        tensor('Z', [1, 29], new Float32Array(29)),
        tensor('P', [1, 2, 3], [0.1, 0.2, 0.8, 0.1, 0.2, 1.0]),
        tensor('Q', [1, 2, 4], [1, 0, 0, 0, 1, 0, 0, 0]),
      ],
      inputs: [valueInfo('obs', [1, 154]), valueInfo('time_step', [1, 1])],
      outputs: ['actions', 'joint_pos', 'joint_vel']
        .map((o) => valueInfo(o, [1, 29]))
        .concat([valueInfo('body_pos_w', [1, 2, 3]), valueInfo('body_quat_w', [1, 2, 4])]),
      metadata,
    });
    const info = readOnnxInfo(bytes, 'bm.onnx');
    const config = resolvePolicyConfig({ info, file: 'bm.onnx', robot: g1 });
    expect(config.source).toBe('metadata');
    expect(config.embeddedReference).toBe(true);
    const engine = await rapier(1);
    const session = await PolicySession.create(bytes, config, { file: 'bm.onnx' });
    const ctrl = new PolicyController({ model: g1, engine, config, session });
    await ctrl.reset();
    // step 0: the robot was put on reference step 0 (joints 0, pelvis at P[0])
    expect(Array.from(engine.state.rootPos).map((x) => +x.toFixed(3))).toEqual([0.1, 0.2, 0.8]);
    expect(Math.max(...Array.from(engine.state.jointPos).map(Math.abs))).toBeLessThan(1e-4);
    await ctrl.act();
    expect(Math.max(...Array.from(ctrl.obs.subarray(0, 29)).map(Math.abs))).toBeLessThan(1e-6);
    ctrl.advance();
    await ctrl.act();
    // step 1: the command term carries the reference for time_step 1, in policy order
    Array.from(ctrl.obs.subarray(0, 29)).forEach((v, i) => expect(v).toBeCloseTo(c[i], 6));
    order.forEach((j, i) => expect(ctrl.ctx.ref.jointPos[g1.jointIndex.get(j)!]).toBeCloseTo(c[i], 6));
    const torso = g1.bodyIndex.get('torso_link')!;
    expect(ctrl.ctx.ref.bodyPos[torso * 3 + 2]).toBeCloseTo(1.0, 6);
    await session.release();
  });

  it("'align' start: the reference is moved onto the robot by yaw and horizontal position", async () => {
    const engine = await rapier(1);
    const yaw = Math.PI / 2;
    const q0 = [1, 0, 0, 0];
    engine.reset(0, { rootPos: [1, 2, 0.8], rootQuat: qMul(qFromAxisAngle([0, 0, 1], yaw), q0), jointPos: new Float32Array(29) });
    const { bytes, config } = danceConfig(g1);
    const session = await PolicySession.create(bytes, config);
    const ctrl = new PolicyController({ model: g1, engine, config, session, track: new ReferenceTrack(g1, clip, 0.02), start: 'align' });
    await ctrl.reset();
    const s = engine.state;
    expectAnchorAligned(ctrl, s);
    expect(s.rootPos[0]).toBeCloseTo(1, 3); // the robot was not moved
    await ctrl.act();
    // anchor orientation observation (after command, 58..63): yaw removed, close to identity columns
    const m = ctrl.obs.subarray(58, 64);
    expect(m[0]).toBeGreaterThan(0.95);
    expect(m[3]).toBeGreaterThan(0.95);
    await session.release();
  });
});

describe('runEpisode with an embedded reference and no clip', () => {
  const order = isaacJointOrder(g1);
  const metadata = danceExportMeta(g1);

  it('a graph that fails past its last frame: the length is probed, the episode ends at it', async () => {
    const frames = 6;
    const refs: number[] = [];
    const r = await runEpisode({
      model: g1,
      engine: 'mujoco',
      policy: { bytes: embeddedExport(frames, false, metadata), file: 'embedded.onnx' },
      seconds: 1,
      stopOnTermination: false,
      onStep: (i) => refs.push(i.ref.jointPos[0]),
    });
    expect(r.config_source).toBe('metadata');
    expect(r.control_steps).toBe(frames - 1);
    expect(r.clip_s).toBeCloseTo((frames - 1) * 0.02, 9);
    expect(refs.length).toBe(frames);
    refs.forEach((v, f) => expect(v).toBeCloseTo(0.01 * f, 6));
    expect(r.notes?.join('\n')).toMatch(/embedded reference: 6 steps .*the graph fails past the last frame/);
  });

  it('a real-export-like graph that CLAMPS time_step: the length is probed (bisection), metrics use the embedded reference', async () => {
    // the probe alone, on a long motion: about 2·log2(frames) runs
    const cfg = resolvePolicyConfig({
      info: readOnnxInfo(embeddedExport(1000, true, metadata), 'long.onnx'),
      file: 'long.onnx',
      robot: g1,
    });
    const s = await PolicySession.create(embeddedExport(1000, true, metadata), cfg, { file: 'long.onnx' });
    const len = await probeReferenceLength(s, cfg, 154, 'long.onnx');
    await s.release();
    expect(len).toMatchObject({ last: 999, failsPastEnd: false });
    expect(len.probes).toBeLessThan(30);
    // a whole episode: 40 frames = 0.78 s, no clip anywhere
    const refs: number[] = [];
    const r = await runEpisode({
      model: g1,
      engine: 'rapier',
      policy: { bytes: embeddedExport(40, true, metadata), file: 'clamped.onnx' },
      onStep: (i) => refs.push(i.ref.jointPos[g1.jointIndex.get(order[0])!]),
    });
    expect(r.control_steps).toBe(39);
    expect(r.clip_s).toBeCloseTo(0.78, 9);
    expect(r.clip).toBe('clamped.onnx (embedded reference)');
    expect(r.notes?.join('\n')).toMatch(/embedded reference: 40 steps .*the outputs stop changing past the last frame/);
    refs.forEach((v, f) => expect(v).toBeCloseTo(0.01 * f, 6));
    expect(r.policy_family).toBeDefined();
    expect(r.config_warnings).toEqual(expect.any(Array));
  });
});

describe('alignment and termination (synthetic states)', () => {
  it('alignmentFor + applyAlignment put the reference anchor on the robot anchor', () => {
    const ref = createBatchState(1, 0, 1);
    ref.bodyPos.set([2, -1, 0.9]);
    ref.bodyQuat.set(qFromAxisAngle([0, 0, 1], 0.3));
    ref.rootPos.set([2, -1, 0.9]);
    ref.rootQuat.set(qFromAxisAngle([0, 0, 1], 0.3));
    ref.rootLinVel.set([1, 0, 0]);
    const al = alignmentFor([0.5, 0.5, 0.7], qFromAxisAngle([0, 0, 1], -1.2), ref.bodyPos, ref.bodyQuat);
    applyAlignment(ref, 0, al);
    expect(ref.bodyPos[0]).toBeCloseTo(0.5, 5);
    expect(ref.bodyPos[1]).toBeCloseTo(0.5, 5);
    expect(ref.bodyPos[2]).toBeCloseTo(0.9, 5); // heights kept
    expect(qYaw(ref.bodyQuat)).toBeCloseTo(-1.2, 5);
    expect(ref.rootLinVel[0]).toBeCloseTo(Math.cos(-1.5), 5);
    expect(ref.rootLinVel[1]).toBeCloseTo(Math.sin(-1.5), 5);
  });

  it('BeyondMimic terminations: anchor height, anchor orientation, end-effector height', () => {
    const mk = () => {
      const s = createBatchState(1, 0, 3);
      s.bodyPos.set([0, 0, 0.8, 0, 0, 1.0, 0.2, 0, 0.05]);
      s.bodyQuat.set([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
      return s;
    };
    const ref = mk();
    const s = mk();
    expect(checkTermination(s, ref, 0, 1, [2])).toBeNull();
    s.bodyPos[5] = 0.7;
    expect(checkTermination(s, ref, 0, 1, [2])?.reason).toBe('anchor_height');
    s.bodyPos[5] = 0.9; // within 0.25
    s.bodyQuat.set(qFromAxisAngle([1, 0, 0], 1.2), 4); // 1 - cos(1.2) = 0.64 < 0.8
    expect(checkTermination(s, ref, 0, 1, [2])).toBeNull();
    s.bodyQuat.set(qFromAxisAngle([1, 0, 0], 1.4), 4); // 1 - cos(1.4) = 0.83 > 0.8
    expect(checkTermination(s, ref, 0, 1, [2])?.reason).toBe('anchor_orientation');
    s.bodyQuat.set([1, 0, 0, 0], 4);
    s.bodyPos[8] = 0.35;
    expect(checkTermination(s, ref, 0, 1, [2])).toMatchObject({ reason: 'end_effector_height', body: 2 });
  });
});

describe('built-in controller', () => {
  it('with full assist the G1 follows the dance clip on Rapier; the armature rule is reported', async () => {
    const r = await runEpisode({ model: g1, engine: 'rapier', clip, seconds: 3, assist: 1 });
    expect(r.driver).toBe('builtin');
    expect(r.success).toBe(true);
    expect(r.control_steps).toBe(150);
    expect(r.mean_anchor_pos_err_m).toBeLessThan(0.05);
    expect(r.mean_joint_err_rad).toBeLessThan(0.05);
    expect(r.adjustments.join('\n')).toMatch(/armature from the PD gains/);
  });

  it('honest: without assist, joint tracking of a dance alone does not balance the robot', async () => {
    const r = await runEpisode({ model: g1, engine: 'rapier', clip, seconds: 3, assist: 0 });
    expect(r.success).toBe(false);
    expect(r.survived_s).toBeLessThan(3);
    expect(r.terminations[0].reason).toMatch(/height|orientation/);
  });
});
