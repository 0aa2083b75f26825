// Deployment conventions of the originals, on exports built with each family's exact interface:
// - holosoma whole-body tracking observes the embedded reference one step behind (holosoma_inference
//   policies/wbt.py), BeyondMimic the current step (motion_tracking_controller MotionOnnxPolicy);
// - HumanoidVerse / ASAP / PBHC start the past-frame history at zeros (envs/env_utils/history_handler.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRobot } from '../../src/core/model';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { createRapierEngine } from '../../src/core/physics/rapier';
import { resolvePolicyConfig } from '../../src/core/policy/config';
import { PolicyController, type ReferenceSource } from '../../src/core/policy/controller';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { PolicySession } from '../../src/core/policy/session';
import { parse as parseYaml, stringify } from 'yaml';
import { descNames, g1, holosomaWbt, humanoidverseExport, mjlabDeployYaml, trackingExport } from './families-fixture';
import { dirResolver } from './model-helpers';
import { DANCE, linearPolicy } from './policy-fixture';

/** the embedded joint_pos of these exports: time_step · A, A[i] = 0.002·((i mod 5) − 2) */
const A = Array.from({ length: 29 }, (_, i) => 0.002 * ((i % 5) - 2));

/** Run `steps` control steps; the observations each act built (copies). */
async function observe(bytes: Uint8Array, file: string, steps: number, track?: ReferenceSource) {
  const config = resolvePolicyConfig({ info: readOnnxInfo(bytes, file), file, robot: g1 });
  const engine = await createRapierEngine(g1, { n: 1, fixedRoot: true });
  const session = await PolicySession.create(bytes, config, { file });
  const ctrl = new PolicyController({ model: g1, engine, config, session, track, file, start: 'reference' });
  const seen: Float32Array[] = [];
  ctrl.onObservation = (o) => seen.push(o.slice());
  await ctrl.reset();
  for (let k = 0; k < steps; k++) await ctrl.step();
  await session.release();
  engine.free();
  return { seen, entries: ctrl.builder.entries, config };
}

/** the reference joint positions the observation's command term held at each step, as multiples of A */
function commandSteps(seen: Float32Array[], entries: { term: { name: string }; offset: number }[]): number[] {
  const at = entries.find((r) => r.term.name === 'command')!.offset;
  return seen.map((o) => {
    const k = o[at] / A[0]; // A[0] = −0.004
    for (let i = 0; i < 29; i++) expect(o[at + i]).toBeCloseTo(k * A[i], 6);
    return Math.round(k * 1000) / 1000;
  });
}

describe('embedded reference timing', () => {
  it('holosoma: step 0 sees step 0, step k sees step k − 1', async () => {
    const { seen, entries, config } = await observe(holosomaWbt(), 'wbt.onnx', 4);
    expect(config.family).toBe('holosoma-wbt');
    expect(config.referenceOutputs?.lagged).toBe(true);
    expect(commandSteps(seen, entries)).toEqual([0, 0, 1, 2]);
  });

  it('BeyondMimic: step k sees step k', async () => {
    const { seen, entries, config } = await observe(trackingExport('beyondmimic', 154), 'bm.onnx', 4);
    expect(config.referenceOutputs?.lagged).toBeFalsy();
    expect(commandSteps(seen, entries)).toEqual([0, 1, 2, 3]);
  });
});

describe('HumanoidVerse history', () => {
  it('starts at zeros; step 1 holds step 0 newest first, the rest still zero', async () => {
    const clip = parseMotionCsv(readFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, 'utf8'), 'dance_60hz.csv', descNames);
    const track = new ReferenceTrack(g1, clip, 0.02);
    const { seen, entries, config } = await observe(humanoidverseExport(), 'asap.onnx', 3, track);
    expect(config.family).toBe('humanoidverse');
    const past = entries.filter((r) => r.history > 1);
    expect(past.length).toBe(6);
    for (const r of past) {
      const cur = entries.find((c) => c.history === 1 && c.term.name === r.term.name)!;
      const dim = cur.scale.length;
      const block = (o: Float32Array, k: number) => Array.from(o.subarray(r.offset + k * dim, r.offset + (k + 1) * dim));
      const now0 = Array.from(seen[0].subarray(cur.offset, cur.offset + dim));
      for (let k = 0; k < 4; k++) expect(block(seen[0], k)).toEqual(new Array(dim).fill(0));
      expect(block(seen[1], 0)).toEqual(now0);
      for (let k = 1; k < 4; k++) expect(block(seen[1], k)).toEqual(new Array(dim).fill(0));
      expect(block(seen[2], 1)).toEqual(now0);
    }
    // the current joint positions are not zero at step 0 (the dance pose), so zeros are not the state
    const jp = entries.find((c) => c.history === 1 && c.term.name === 'joint_pos_rel')!;
    expect(Math.max(...Array.from(seen[0].subarray(jp.offset, jp.offset + 23), Math.abs))).toBeGreaterThan(0.05);
  });
});

describe('mjlab per-term observation metadata', () => {
  const info = () => readOnnxInfo(trackingExport('mjlab', 154), 'mj.onnx');
  it('history, scale and clip per term, written as mjlab writes them', () => {
    const i = info();
    // command, motion_anchor_ori_b, base_ang_vel, joint_pos, joint_vel, actions
    i.metadata.observation_terms_history_length = '0.000,0.000,0.000,0.000,0.000,0.000';
    i.metadata.observation_terms_scale =
      '1.000,1.000,0.250,[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5],0.050,1.000';
    i.metadata.observation_terms_clip = '[-inf, inf],[-inf, inf],[-inf, inf],[-inf, inf],[-inf, inf],[-100.0, 100.0]';
    const cfg = resolvePolicyConfig({ info: i, file: 'mj.onnx', robot: g1 });
    expect(cfg.family).toBe('mjlab');
    const o = cfg.observations;
    expect(o.map((e) => e.history)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(o[2].scale).toBe(0.25);
    expect((o[3].scale as number[])[28]).toBe(0.5);
    expect(o[4].scale).toBe(0.05);
    expect(o.map((e) => e.clip)).toEqual([null, null, null, null, null, [-100, 100]]);
  });
  it('a list of the wrong length is named', () => {
    const i = info();
    i.metadata.observation_terms_scale = '1.000,1.000';
    expect(() => resolvePolicyConfig({ info: i, file: 'mj.onnx', robot: g1 })).toThrow(/observation_terms_scale.*2 item\(s\) for 6/);
  });
});

describe('holosoma action_scale metadata', () => {
  const scaleOf = (v: string) => {
    const info = readOnnxInfo(holosomaWbt(), 'wbt.onnx');
    info.metadata.action_scale = v;
    return resolvePolicyConfig({ info, file: 'wbt.onnx', robot: g1 }).actionScale;
  };
  it('a JSON number, a one-value list or a string is every joint’s; a list is per joint', () => {
    for (const v of ['0.3', '[0.3]', '"0.3"']) expect(scaleOf(v)).toEqual(new Array(29).fill(0.3));
    const per = Array.from({ length: 29 }, (_, i) => 0.1 + i / 100);
    expect(scaleOf(JSON.stringify(per))).toEqual(per);
    expect(scaleOf(per.join(','))).toEqual(per);
    expect(() => scaleOf('[0.1, 0.2]')).toThrow(/action_scale.*2 values, expected 29/);
  });
});

describe('unitree_rl_mjlab deploy.yaml as its writer makes it', () => {
  const policy = () => linearPolicy(154, 29, new Float32Array(154 * 29));
  const resolve = (y: Record<string, unknown>) =>
    resolvePolicyConfig({ info: readOnnxInfo(policy(), 'p.onnx'), file: 'p.onnx', robot: g1, yaml: stringify(y), yamlFile: 'deploy.yaml' });
  it('joint_names (any order) is what joint_ids_map and the gains index: matched by name', () => {
    const y = parseYaml(mjlabDeployYaml()) as Record<string, unknown>;
    const kp = y.stiffness as number[];
    const order = [...descNames].reverse();
    y.joint_names = order;
    y.stiffness = order.map((n) => kp[descNames.indexOf(n)]);
    y.damping = order.map((n) => (y.damping as number[])[descNames.indexOf(n)]);
    y.default_joint_pos = order.map(() => 0);
    const acts = y.actions as Record<string, Record<string, unknown>>;
    acts.JointPositionAction.scale = order.map(() => 0.25);
    acts.JointPositionAction.offset = order.map(() => 0);
    const cfg = resolve(y);
    expect(cfg.jointNames).toEqual(order);
    cfg.jointNames.forEach((n, i) => expect(cfg.stiffness[i]).toBe(kp[descNames.indexOf(n)]));
    y.joint_names = [...order.slice(1), 'no_such_joint'];
    expect(() => resolve(y)).toThrow(/joint_names\[28\].*no_such_joint/);
  });
  it('actions.clip: one [low, high] row per joint (equal rows are one pair)', () => {
    const y = parseYaml(mjlabDeployYaml()) as Record<string, unknown>;
    const act = (y.actions as Record<string, Record<string, unknown>>).JointPositionAction;
    act.clip = descNames.map(() => [-2, 2]);
    expect(resolve(y).actionClip).toEqual([-2, 2]);
    act.clip = descNames.map((_, i) => [-1 - i, 1 + i]);
    expect((resolve(y).actionClip as [number, number][])[3]).toEqual([-4, 4]);
    act.clip = [[-1, 1]];
    expect(() => resolve(y)).toThrow(/actions\.clip.*1 rows, expected 29/);
  });
});

describe('mjlab tracking export without body names on another robot', () => {
  it('is a named error asking for bodyNames / anchorBody (not a silent G1 body list)', () => {
    const dir = '../shared/assets/t1/';
    const t1 = loadRobot('t1_29dof.xml', readFileSync(dir + 't1_29dof.xml', 'utf8'), dirResolver(dir));
    const info = readOnnxInfo(trackingExport('mjlab', 154), 'mj.onnx');
    const m = info.metadata;
    m.joint_names = t1.joints.map((j) => j.name).join(',');
    delete m.body_names;
    delete m.anchor_body_name;
    expect(() => resolvePolicyConfig({ info, file: 'mj.onnx', robot: t1 })).toThrow(
      /PolicyError in mj\.onnx at metadata_props \(no body_names\): .*not in robot .*give a profile with "bodyNames".*"anchorBody"/,
    );
  });
});
