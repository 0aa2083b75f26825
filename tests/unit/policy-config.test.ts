import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RobotModel } from '../../src/core/model/types';
import {
  armatureFromStiffness,
  configFromDeployYaml,
  configFromMetadata,
  configFromProfile,
  isaacJointOrder,
  resolvePolicyConfig,
} from '../../src/core/policy/config';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { DANCE, linearPolicy, loadG1, node, onnxModel, tensor, valueInfo, shippedProfile } from './policy-fixture';
import { caught } from './policy-fixture';

const yamlText = readFileSync(`${DANCE}/deploy.yaml`, 'utf8');
const danceBytes = new Uint8Array(readFileSync(`${DANCE}/policy.onnx`));
const danceInfo = readOnnxInfo(danceBytes, 'policy.onnx');
type ResolveInput = Parameters<typeof resolvePolicyConfig>[0];
/** The dance export's config on `robot` (default the G1) from what `extra` gives (a yaml, a profile). */
const resolveDance = (extra: Partial<ResolveInput>): ReturnType<typeof resolvePolicyConfig> =>
  resolvePolicyConfig({ info: danceInfo, file: 'policy.onnx', robot: loadG1(), ...extra });

/** A copy of the robot without some joints (by name), as if another robot. */
function withoutJoints(m: RobotModel, drop: string[]): RobotModel {
  const jointIndex = new Map([...m.jointIndex].filter(([k]) => !drop.includes(k)));
  return { ...m, name: 'smaller', jointIndex };
}

describe('deploy.yaml (unitree_rl_lab)', () => {
  const g1 = loadG1();
  const names = g1.joints.map((j) => j.name);
  const cfg = configFromDeployYaml(yamlText, 'deploy.yaml', names);
  const byName = (k: 'stiffness' | 'damping' | 'defaultJointPos' | 'actionScale', j: string) => cfg[k][cfg.jointNames.indexOf(j)];

  it('maps joint_ids_map to policy joint names and re-indexes stiffness/damping from description order', () => {
    expect(cfg.jointNames.slice(0, 4)).toEqual(['left_hip_pitch_joint', 'right_hip_pitch_joint', 'waist_yaw_joint', 'left_hip_roll_joint']);
    expect(cfg.decimation).toBe(4);
    expect(cfg.stepDt).toBeCloseTo(0.02);
    // read in description order, every gain follows the armature rule and left equals right
    expect(byName('stiffness', 'left_knee_joint')).toBeCloseTo(99.1);
    expect(byName('stiffness', 'waist_yaw_joint')).toBeCloseTo(40.2);
    expect(byName('stiffness', 'left_wrist_yaw_joint')).toBeCloseTo(16.8);
    expect(byName('stiffness', 'left_shoulder_pitch_joint')).toBeCloseTo(14.3);
    for (const j of cfg.jointNames) {
      const other = j.replace(/^left_/, 'right_');
      expect(byName('stiffness', other)).toBe(byName('stiffness', j));
      const a = armatureFromStiffness(byName('stiffness', j));
      // kd = 2·ζ·a·ω with ζ = 2
      expect(byName('damping', j)).toBeCloseTo(4 * a * 2 * Math.PI * 10, 1);
    }
    // default pose and action scale stay in policy order
    expect(cfg.defaultJointPos[0]).toBeCloseTo(-0.302);
    expect(byName('defaultJointPos', 'left_knee_joint')).toBeCloseTo(0.672);
    expect(byName('actionScale', 'left_knee_joint')).toBeCloseTo(0.351);
    expect(cfg.observations.map((o) => o.term)).toEqual([
      'command',
      'motion_anchor_ori_b',
      'base_ang_vel',
      'joint_pos_rel',
      'joint_vel_rel',
      'last_action',
    ]);
  });

  it("joint_ids_map is Isaac Lab's breadth-first order of the description", () => {
    expect(isaacJointOrder(g1)).toEqual(cfg.jointNames);
  });

  it('resolves against the dance policy (154 observations, no metadata → deploy.yaml)', () => {
    const r = resolveDance({ yaml: yamlText });
    expect(r.source).toBe('deploy.yaml');
    expect(r.embeddedReference).toBe(false);
    expect(r.anchorBody).toBe('torso_link');
    expect(r.bodyNames).toHaveLength(14);
  });

  it('YAML syntax errors name the file and line', () => {
    const e = caught(() => configFromDeployYaml('joint_ids_map: [0, 1\nstep_dt: : 0.02\n', 'bad.yaml', names));
    expect(e.kind).toBe('ParseError');
    expect(e.message).toContain('bad.yaml');
    expect(e.where).toMatch(/line \d/);
  });

  it('a joint index outside the robot is refused', () => {
    const e = caught(() => configFromDeployYaml(yamlText.replace('[0, 6, 12,', '[0, 60, 12,'), 'deploy.yaml', names));
    expect(e.where).toBe('joint_ids_map[1]');
  });
});

describe('profiles', () => {
  const g1 = loadG1();
  const yamlCfg = configFromDeployYaml(
    yamlText,
    'deploy.yaml',
    g1.joints.map((j) => j.name),
  );

  it('unitree-rl-lab.json reproduces the dance deploy.yaml gains, scales and order from the rules', () => {
    const p = configFromProfile(shippedProfile('unitree-rl-lab'), 'unitree-rl-lab.json', { robot: g1, obsSize: 154 });
    expect(p.jointNames).toEqual(yamlCfg.jointNames);
    p.stiffness.forEach((k, i) => expect(k).toBeCloseTo(yamlCfg.stiffness[i], 0));
    p.damping.forEach((k, i) => expect(k).toBeCloseTo(yamlCfg.damping[i], 1));
    p.actionScale.forEach((k, i) => expect(Math.abs(k - yamlCfg.actionScale[i])).toBeLessThan(0.002));
    p.defaultJointPos.forEach((k, i) => expect(Math.abs(k - yamlCfg.defaultJointPos[i])).toBeLessThan(0.03));
    const same = (t: string) => (t === 'actions' ? 'last_action' : t); // the same term under two names
    expect(p.observations.map((o) => same(o.term))).toEqual(yamlCfg.observations.map((o) => same(o.term)));
    // resolved with the profile alone, it fits the dance policy's 154 inputs
    const r = resolveDance({
      profile: shippedProfile('unitree-rl-lab'),
      profileFile: 'unitree-rl-lab.json',
    });
    expect(r.source).toBe('profile:unitree-rl-lab');
  });

  it('beyondmimic.json picks its layout by input size; skill-condition.json uses ranges', () => {
    const b160 = configFromProfile(shippedProfile('beyondmimic'), 'beyondmimic.json', { robot: g1, obsSize: 160 });
    expect(b160.observations).toHaveLength(8);
    expect(b160.embeddedReference).toBe(true);
    const s = configFromProfile(shippedProfile('skill-condition'), 'skill-condition.json', { robot: g1 });
    expect(s.nSkills).toBe(64);
    const knee = s.jointNames.indexOf('left_knee_joint');
    const range = g1.joints[g1.jointIndex.get('left_knee_joint')!].range!;
    expect(s.actionOffset[knee]).toBeCloseTo((range[0] + range[1]) / 2);
    expect(s.actionScale[knee]).toBeCloseTo((range[1] - range[0]) / 2);
    const info = readOnnxInfo(linearPolicy(157, 29, new Float32Array(157 * 29)), 'skill.onnx');
    expect(resolvePolicyConfig({ info, file: 'skill.onnx', robot: g1, profile: shippedProfile('skill-condition') }).nSkills).toBe(64);
  });
});

describe('resolvePolicyConfig checks', () => {
  const g1 = loadG1();

  it('layout size ≠ ONNX input size → error with both numbers', () => {
    const e = caught(() =>
      resolveDance({
        profile: { ...(shippedProfile('beyondmimic') as object), observationsBySize: undefined },
      }),
    );
    expect(e.kind).toBe('PolicyError');
    expect(e.detail).toContain('160');
    expect(e.detail).toContain('154');
  });

  it('an unknown observation term is named', () => {
    const e = caught(() =>
      resolveDance({
        yaml: yamlText.replace('base_ang_vel:', 'base_wobble:'),
        yamlFile: 'deploy.yaml',
      }),
    );
    expect(e.detail).toContain('"base_wobble"');
    expect(e.file).toBe('deploy.yaml');
  });

  it('a policy expecting joints the robot lacks is refused with their names', () => {
    const small = withoutJoints(g1, ['left_wrist_yaw_joint', 'right_wrist_yaw_joint']);
    const e = caught(() => resolveDance({ robot: small, yaml: yamlText }));
    expect(e.kind).toBe('PolicyError');
    expect(e.detail).toContain('left_wrist_yaw_joint');
    expect(e.detail).toContain('right_wrist_yaw_joint');
    expect(e.detail).not.toContain('left_knee_joint');
  });

  it('no metadata, no yaml, no profile → error asking for one', () => {
    expect(() => resolveDance({})).toThrow(/deploy\.yaml or a profile/);
  });

  it('an embedded-reference policy without a time_step input is refused', () => {
    // profile says embedded; the graph has no time_step
    const e = caught(() =>
      resolveDance({
        profile: { ...(shippedProfile('unitree-rl-lab') as object), embeddedReference: true },
      }),
    );
    expect(e.detail).toMatch(/time_step/);
    // a graph with reference outputs but no time_step input
    const bytes = onnxModel({
      nodes: [node('MatMul', ['obs', 'W'], ['actions']), node('Identity', ['actions'], ['joint_pos'])],
      initializers: [tensor('W', [154, 29], new Float32Array(154 * 29))],
      inputs: [valueInfo('obs', [1, 154])],
      outputs: [valueInfo('actions', [1, 29]), valueInfo('joint_pos', [1, 29])],
    });
    const info = readOnnxInfo(bytes, 'noclock.onnx');
    expect(() => resolvePolicyConfig({ info, file: 'noclock.onnx', robot: g1, yaml: yamlText })).toThrow(/time_step/);
  });

  it('BeyondMimic metadata: lists decoded, joint_pos/joint_vel/actions mean the relative terms', () => {
    const names = isaacJointOrder(g1);
    const meta = {
      joint_names: names.join(','),
      joint_stiffness: names.map(() => '40').join(','),
      joint_damping: names.map(() => '2.5').join(','),
      default_joint_pos: names.map((_, i) => (i / 100).toFixed(2)).join(','),
      action_scale: names.map(() => '0.5').join(','),
      observation_names: 'command,motion_anchor_pos_b,motion_anchor_ori_b,base_lin_vel,base_ang_vel,joint_pos,joint_vel,actions',
      observation_history_lengths: '1,1,1,1,1,1,1,1',
      command_names: 'motion',
      anchor_body_name: 'torso_link',
      body_names: 'pelvis,torso_link',
    };
    const c = configFromMetadata(meta, 'bm.onnx');
    expect(c.jointNames).toEqual(names);
    expect(c.defaultJointPos[3]).toBeCloseTo(0.03);
    expect(c.actionOffset).toEqual(c.defaultJointPos);
    expect(c.observations.map((o) => o.term)).toEqual([
      'command',
      'motion_anchor_pos_b',
      'motion_anchor_ori_b',
      'base_lin_vel',
      'base_ang_vel',
      'joint_pos_rel',
      'joint_vel_rel',
      'last_action',
    ]);
    expect(c.bodyNames).toEqual(['pelvis', 'torso_link']);
    const bad = caught(() => configFromMetadata({ ...meta, joint_damping: '1,2' }, 'bm.onnx'));
    expect(bad.where).toBe('metadata_props.joint_damping');
    expect(bad.detail).toContain('29');
  });
});
