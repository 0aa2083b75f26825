// Exporter families: identification and configuration from each family's exact interface (built exports)
// and the real shared exports; profile-vs-file warnings; the unknown-family error.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRobot } from '../../src/core/model/index';
import { resolvePolicyConfig, type PolicyConfig } from '../../src/core/policy/config';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { PolicySession } from '../../src/core/policy/session';
import {
  descNames,
  g1,
  holosomaLoco,
  holosomaMeta,
  holosomaWbt,
  humanoidverseExport,
  mjlabDeployYaml,
  recurrentExport,
  trackingExport,
} from './families-fixture';
import { ASSETS, DANCE, linearPolicy, shippedProfile } from './policy-fixture';
import { caught } from './policy-fixture';

const resolve = (bytes: Uint8Array, file: string, extra: Partial<Parameters<typeof resolvePolicyConfig>[0]> = {}): PolicyConfig =>
  resolvePolicyConfig({ info: readOnnxInfo(bytes, file), file, robot: g1, ...extra });

describe('BeyondMimic / mjlab tracking exports', () => {
  it('BeyondMimic 154 (Isaac order, embedded reference): family, source, what was filled in', () => {
    const c = resolve(trackingExport('beyondmimic', 154), 'bm154.onnx');
    expect(c.family).toBe('beyondmimic');
    expect(c.source).toBe('metadata');
    expect(c.embeddedReference).toBe(true);
    expect(c.filledFromProfile).toEqual(expect.arrayContaining(['physicsDt', 'stepDt', 'endEffectors']));
    expect(c.filledFromProfile).not.toContain('stiffness');
    expect(c.familyEvidence?.join(' ')).toMatch(/Isaac Lab/);
  });

  it('mjlab 160 (description order, 3-decimal lists, scalar action_scale)', () => {
    const c = resolve(trackingExport('mjlab', 160), 'mj160.onnx');
    expect(c.family).toBe('mjlab');
    expect(c.jointNames).toEqual(descNames);
    expect(c.actionScale).toEqual(new Array(29).fill(0.25));
    expect(c.observations.map((o) => o.term)).toContain('motion_anchor_pos_b');
    expect(c.stiffness[descNames.indexOf('left_knee_joint')]).toBeCloseTo(99.1, 3);
  });
});

describe('mjlab velocity export', () => {
  it('no time_step, command_names "twist": locomotion, `command` read as the velocity command', () => {
    const meta = readOnnxInfo(trackingExport('mjlab', 160), 'x.onnx').metadata;
    const bytes = linearPolicy(99, 29, new Float32Array(99 * 29), 1, {
      ...meta,
      command_names: 'twist',
      observation_names: 'base_lin_vel,base_ang_vel,projected_gravity,joint_pos,joint_vel,actions,command',
    });
    const c = resolve(bytes, 'vel.onnx');
    expect(c.family).toBe('mjlab-velocity');
    expect(c.embeddedReference).toBe(false);
    expect(c.observations.map((o) => o.term)).toEqual([
      'base_lin_vel',
      'base_ang_vel',
      'projected_gravity',
      'joint_pos_rel',
      'joint_vel_rel',
      'last_action',
      'velocity_commands',
    ]);
  });
});

describe('unitree_rl_lab / unitree_rl_mjlab deploy.yaml', () => {
  it('the dance export with its deploy.yaml is unitree-rl-lab', () => {
    const c = resolve(new Uint8Array(readFileSync(`${DANCE}/policy.onnx`)), 'policy.onnx', {
      yaml: readFileSync(`${DANCE}/deploy.yaml`, 'utf8'),
    });
    expect(c.family).toBe('unitree-rl-lab');
    expect(c.source).toBe('deploy.yaml');
    expect(c.filledFromProfile).toEqual(expect.arrayContaining(['anchorBody', 'bodyNames', 'endEffectors', 'physicsDt']));
  });

  it('identity joint_ids_map with rounded gains (rl_mjlab) reads the same joints and gains by name', () => {
    const dance = resolve(new Uint8Array(readFileSync(`${DANCE}/policy.onnx`)), 'policy.onnx', {
      yaml: readFileSync(`${DANCE}/deploy.yaml`, 'utf8'),
    });
    const c = resolvePolicyConfig({
      info: readOnnxInfo(linearPolicy(154, 29, new Float32Array(154 * 29)), 'm.onnx'),
      file: 'm.onnx',
      robot: g1,
      yaml: mjlabDeployYaml(),
      yamlFile: 'mjlab.yaml',
    });
    expect(c.family).toBe('unitree-rl-mjlab');
    expect(c.jointNames).toEqual(descNames);
    for (const j of descNames) {
      const a = dance.jointNames.indexOf(j),
        b = c.jointNames.indexOf(j);
      expect(c.stiffness[b]).toBeCloseTo(dance.stiffness[a], 2);
      expect(c.damping[b]).toBeCloseTo(dance.damping[a], 2);
      expect(c.defaultJointPos[b]).toBeCloseTo(dance.defaultJointPos[a], 2);
    }
  });
});

describe('holosoma', () => {
  it('real G1 loco exports (FastSAC, PPO): identified, metadata read, the rest from holosoma-loco-g1.json', () => {
    for (const f of ['fastsac_g1_29dof.onnx', 'ppo_g1_29dof.onnx']) {
      const c = resolve(new Uint8Array(readFileSync(`${ASSETS}/policies/holosoma-loco-g1/${f}`)), f);
      expect(c.family).toBe('holosoma-loco');
      expect(c.jointNames[0]).toBe('left_hip_pitch_joint');
      expect(c.jointNames).toHaveLength(29);
      expect(c.stiffness[3]).toBeCloseTo(99.098427777, 6); // left knee, from kp
      expect(c.damping[3]).toBeCloseTo(6.308801854, 6);
      expect(c.defaultJointPos[3]).toBeCloseTo(0.669, 6);
      expect(c.actionScale.every((s) => s === 0.25)).toBe(true);
      expect(c.gaitPeriod).toBe(1);
      expect(c.filledFromProfile).toEqual(expect.arrayContaining(['defaultJointPos', 'actionScale', 'observations', 'stepDt']));
      expect(c.filledFromProfile).not.toContain('stiffness');
      expect(c.warnings).toEqual([]); // the shipped profile agrees with the file (armature rule = kp)
      expect(c.observations.map((o) => o.term)).toEqual([
        'actions',
        'base_ang_vel',
        'command_ang_vel',
        'command_lin_vel',
        'cos_phase',
        'dof_pos',
        'dof_vel',
        'projected_gravity',
        'sin_phase',
      ]);
    }
  });

  it('real T1 loco exports on the T1: its joints by name, gains from kp/kd, T1 scales', () => {
    const t1 = loadRobot('t1_29dof.xml', readFileSync(`${ASSETS}/t1/t1_29dof.xml`, 'utf8'), (p) => {
      try {
        return new Uint8Array(readFileSync(`${ASSETS}/t1/${p}`));
      } catch {
        return undefined;
      }
    });
    for (const f of ['fastsac_t1_29dof.onnx', 'ppo_t1_29dof.onnx']) {
      const bytes = new Uint8Array(readFileSync(`${ASSETS}/policies/holosoma-loco-t1/${f}`));
      const c = resolvePolicyConfig({ info: readOnnxInfo(bytes, f), file: f, robot: t1 });
      expect(c.family).toBe('holosoma-loco');
      expect(c.jointNames[0]).toBe('AAHead_yaw');
      expect(c.stiffness[c.jointNames.indexOf('Left_Knee_Pitch')]).toBe(200);
      expect(c.defaultJointPos[c.jointNames.indexOf('Left_Shoulder_Roll')]).toBeCloseTo(-1.35, 6);
      expect(c.observations.find((o) => o.term === 'dof_vel')?.scale).toBe(0.1);
      expect(c.anchorBody).toBe('Trunk');
    }
  });

  it('whole-body tracking: reference outputs named, quaternions xyzw → wxyz in the session', async () => {
    const bytes = holosomaWbt();
    const c = resolve(bytes, 'wbt.onnx');
    expect(c.family).toBe('holosoma-wbt');
    expect(c.embeddedReference).toBe(true);
    expect(c.referenceOutputs).toMatchObject({ bodyQuat: 'ref_quat_xyzw', bodyPos: 'ref_pos_xyz', quatOrder: 'xyzw' });
    expect(c.bodyNames).toEqual(['torso_link']);
    const s = await PolicySession.create(bytes, c, { file: 'wbt.onnx' });
    const r = await s.run(new Float32Array(154), 1, Float32Array.of(3));
    expect(Array.from(r.reference!.body_quat_w).map((x) => +x.toFixed(5))).toEqual([
      +Math.cos(0.1).toFixed(5),
      0,
      0,
      +Math.sin(0.1).toFixed(5),
    ]);
    expect(r.reference!.body_pos_w[2]).toBeCloseTo(1.05, 6);
    await s.release();
  });

  it('a profile that contradicts the file: the file wins, the warning names both values', () => {
    const p = { ...(shippedProfile('holosoma-loco-g1') as object), name: 'mine', gains: { stiffness: 55, damping: 2 } };
    const c = resolve(holosomaLoco(), 'loco.onnx', { profile: p, profileFile: 'mine.json' });
    expect(c.stiffness[3]).toBeCloseTo(99.1, 3);
    expect(c.warnings!.join('\n')).toMatch(/mine\.json sets stiffness \[left_hip_pitch_joint\] 55, loco\.onnx says 40\.2: the file wins/);
  });

  it('bad JSON in metadata is a ParseError naming the key', () => {
    const e = caught(() => resolve(holosomaLoco(holosomaMeta({ kp: '[1, 2,' })), 'bad.onnx'));
    expect(e.kind).toBe('ParseError');
    expect(e.where).toBe('metadata_props.kp');
  });
});

describe('HumanoidVerse / ASAP / PBHC', () => {
  it('actor_obs [1,380] → action [1,23]: 23 driven joints, the 6 wrists held, motion length a setting', () => {
    const c = resolve(humanoidverseExport(), 'asap.onnx');
    expect(c.family).toBe('humanoidverse');
    expect(c.jointNames).toHaveLength(23);
    expect(c.heldJoints!.names.sort()).toEqual(descNames.filter((n) => n.includes('wrist')).sort());
    expect(c.heldJoints!.stiffness.every((k) => k > 0)).toBe(true);
    expect(c.motionSeconds).toBe(10);
    expect(c.filledFromProfile).toEqual(expect.arrayContaining(['jointNames', 'stiffness', 'motionSeconds', 'heldJoints']));
    const past = c.observations.filter((o) => o.pastOnly);
    expect(past.map((o) => o.term)).toEqual(['actions', 'base_ang_vel', 'joint_pos_rel', 'joint_vel', 'projected_gravity', 'motion_phase']);
    expect(past.every((o) => o.history === 4 && o.newestFirst)).toBe(true);
  });
});

describe('skill-conditioned and recurrent exports', () => {
  it('SkillMimic-style (profile, 64 skills) keeps working', () => {
    const c = resolve(linearPolicy(157, 29, new Float32Array(157 * 29)), 'skill.onnx', { profile: shippedProfile('skill-condition') });
    expect(c.family).toBe('skillmimic');
    expect(c.nSkills).toBe(64);
  });

  it('h_in/h_out (rsl_rl LSTM/GRU naming) and adapt_hx are recognised; the session carries and resets the state per env', async () => {
    const bytes = recurrentExport(154);
    const c = resolve(bytes, 'rnn.onnx', { profile: shippedProfile('unitree-rl-lab') });
    expect(c.recurrent).toEqual([{ input: 'h_in', output: 'h_out', shape: [1, 8] }]);
    const c2 = resolve(recurrentExport(154, ['adapt_hx', 'next_adapt_hx']), 'hx.onnx', { profile: shippedProfile('unitree-rl-lab') });
    expect(c2.recurrent?.[0]).toMatchObject({ input: 'adapt_hx', output: 'next_adapt_hx' });
    const s = await PolicySession.create(bytes, c, { file: 'rnn.onnx' });
    for (let k = 0; k < 3; k++) await s.run(new Float32Array(2 * 154), 2);
    expect(Array.from(s.recurrentState('h_in')!)).toEqual(new Array(16).fill(3));
    s.resetRecurrent(1);
    await s.run(new Float32Array(2 * 154), 2);
    const st = s.recurrentState('h_in')!;
    expect(st[0]).toBe(4);
    expect(st[8]).toBe(1);
    await s.release();
  });

  it('runs of one session issued together run one after another: each reads the state the one before it wrote', async () => {
    const bytes = recurrentExport(154);
    const c = resolve(bytes, 'rnn.onnx', { profile: shippedProfile('unitree-rl-lab') });
    const s = await PolicySession.create(bytes, c, { file: 'rnn.onnx' });
    const obs = Float32Array.from({ length: 2 * 154 }, (_, i) => Math.sin(i));
    const alone = await s.run(obs, 2);
    s.resetRecurrent(0);
    s.resetRecurrent(1);
    const together = await Promise.all([1, 2, 3, 4].map(() => s.run(obs, 2)));
    for (const r of together) expect(Array.from(r.actions)).toEqual(Array.from(alone.actions));
    expect(Array.from(s.recurrentState('h_in')!)).toEqual(new Array(16).fill(4));
    const last = s.run(obs, 2);
    await s.release(); // waits for the run queued before it
    await expect(last).resolves.toBeDefined();
  });
});

describe('no family fits', () => {
  it('names the inputs, outputs, metadata keys and the profile keys that would make it run', () => {
    const e = caught(() => resolve(linearPolicy(48, 12, new Float32Array(48 * 12), 1, { producer_note: 'x' }), 'mystery.onnx'));
    expect(e.kind).toBe('PolicyError');
    expect(e.message).toMatch(/obs \[1, 48\] float32/);
    expect(e.message).toMatch(/actions \[1, 12\]/);
    expect(e.message).toMatch(/metadata keys: producer_note/);
    expect(e.message).toMatch(/"jointOrder", "gains", "defaultJointPos", "actionScale", "observations" \(a layout of 48 values\)/);
  });
});
