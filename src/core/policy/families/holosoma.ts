/**
 * holosoma (amazon-far): metadata_props values are JSON — `dof_names` (the policy's joint order), `kp`, `kd`
 * (same order), `command_ranges`, optionally `action_scale` and `robot_urdf`. Locomotion exports take
 * `actor_obs` and return `action` (velocity command + gait clock in the observation); whole-body-tracking
 * exports take `obs` + `time_step` and return `actions` with the reference (`joint_pos`, `joint_vel`,
 * `ref_quat_xyzw` [+ `ref_pos_xyz`], quaternions xyzw). What the file does not carry (observation layout and
 * scales, default pose, action scale, timing, gait period) comes from holosoma's published configuration:
 * the shipped profiles policies/holosoma-*.json, chosen by the file's joint names. Tracking exports are run as
 * holosoma deploys them: the observation at step k holds the reference of step k − 1 (referenceOutputs.lagged).
 */
import { fail } from '../../errors';
import type { PolicyConfig } from '../config';
import { nonNegative, numList, uniqueNames } from '../conventions';
import g1Loco from '../../../../policies/holosoma-loco-g1.json';
import t1Loco from '../../../../policies/holosoma-loco-t1.json';
import g1Wbt from '../../../../policies/holosoma-wbt-g1.json';
import { commandRangesOf } from '../commands';
import { chooseProfile, mergeFileOverProfile, profileConfig, type ProfileSource } from './merge';
import { inputNamed, outputNamed, type Family, type FamilyInput } from './types';

const SHIPPED: { json: Record<string, unknown>; file: string; wbt: boolean }[] = [
  { json: g1Loco, file: 'policies/holosoma-loco-g1.json', wbt: false },
  { json: t1Loco, file: 'policies/holosoma-loco-t1.json', wbt: false },
  { json: g1Wbt, file: 'policies/holosoma-wbt-g1.json', wbt: true },
];

/** A JSON-valued metadata entry; a syntax error names the key and the position. */
function jsonMeta(meta: Record<string, string>, key: string, file: string): unknown {
  const v = meta[key];
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v);
  } catch (e) {
    return fail('ParseError', file, `metadata_props.${key}`, `not valid JSON: ${String((e as Error).message).split('\n')[0]}`);
  }
}

const isWbt = (x: FamilyInput): boolean =>
  !!inputNamed(x.info, 'time_step') || !!outputNamed(x.info, 'ref_quat_xyzw', 'ref_pos_xyz', 'joint_pos');

/** What the file says: joints, gains, optional action scale, and for tracking the reference outputs. */
function fromFile(x: FamilyInput): Partial<PolicyConfig> {
  const m = x.info.metadata,
    f = x.file;
  const names = jsonMeta(m, 'dof_names', f);
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))
    fail('PolicyError', f, 'metadata_props.dof_names', 'expected a JSON list of joint names');
  const jointNames = uniqueNames(names as string[], f, 'metadata_props.dof_names');
  const n = jointNames.length;
  const out: Partial<PolicyConfig> = { jointNames };
  const kp = jsonMeta(m, 'kp', f),
    kd = jsonMeta(m, 'kd', f);
  if (kp !== undefined) out.stiffness = nonNegative(numList(kp, f, 'metadata_props.kp', n), jointNames, f, 'metadata_props.kp');
  if (kd !== undefined) out.damping = nonNegative(numList(kd, f, 'metadata_props.kd', n), jointNames, f, 'metadata_props.kd');
  if (m.action_scale !== undefined) {
    let a: unknown;
    try {
      a = JSON.parse(m.action_scale);
    } catch {
      a = m.action_scale;
    }
    // holosoma_inference (policies/wbt.py) takes a JSON number or list, or a comma-separated string; one value
    // is every joint's
    if (Array.isArray(a) && a.length === 1) a = a[0];
    if (typeof a === 'string' && !a.includes(',') && Number.isFinite(Number(a))) a = Number(a);
    out.actionScale = numList(a, f, 'metadata_props.action_scale', n);
  }
  return out;
}

/** The shipped profile whose joints are the file's (same names, any order). */
function shippedFor(joints: string[], wbt: boolean): ProfileSource | undefined {
  const key = [...joints].sort().join();
  const hit = SHIPPED.find((s) => s.wbt === wbt && [...(s.json.jointOrder as string[])].sort().join() === key);
  return hit ? { json: hit.json, file: hit.file } : undefined;
}

function referenceOf(x: FamilyInput): PolicyConfig['referenceOutputs'] {
  const has = (n: string) => (outputNamed(x.info, n) ? n : undefined);
  return {
    timeStep: 'time_step',
    jointPos: has('joint_pos'),
    jointVel: has('joint_vel'),
    bodyPos: has('ref_pos_xyz'),
    bodyQuat: has('ref_quat_xyzw'),
    quatOrder: 'xyzw',
    // holosoma_inference policies/wbt.py: the observation at step k holds the outputs of the run fed time_step
    // k − 1 (the first one: a run at the start step), and the run at step k is fed k (the exporter indexes the
    // motion at time_step)
    lagged: true,
  };
}

export const holosoma: Family = {
  name: 'holosoma',
  detect(x) {
    const m = x.info.metadata;
    const json = (k: string) => typeof m[k] === 'string' && m[k].trim().startsWith('[');
    if (!json('dof_names') && !(json('kp') && json('kd'))) return null;
    const ev = ['metadata_props.dof_names / kp / kd are JSON lists (holosoma)'];
    if (m.command_ranges) ev.push('metadata_props.command_ranges (velocity commands)');
    if (m.robot_urdf) ev.push('metadata_props.robot_urdf');
    ev.push(
      isWbt(x)
        ? 'input time_step / reference outputs: whole-body tracking (observes its reference one step behind, as holosoma deploys it)'
        : `input ${x.obsIn.name} without time_step: locomotion`,
    );
    return ev;
  },
  configure(x, evidence) {
    const wbt = isWbt(x);
    const file = fromFile(x);
    const lacking = file.jointNames!.filter((n) => !x.robot.jointIndex.has(n));
    if (lacking.length) {
      fail(
        'PolicyError',
        x.file,
        'metadata_props.dof_names',
        `${lacking.length} policy joint(s) the robot "${x.robot.name}" lacks: ${lacking.join(', ')}`,
      );
    }
    const src = chooseProfile(x, shippedFor(file.jointNames!, wbt));
    if (!src) {
      fail(
        'PolicyError',
        x.file,
        'metadata_props.dof_names',
        `holosoma ${wbt ? 'tracking' : 'locomotion'} export for joints ${file.jointNames!.slice(0, 4).join(', ')}…: no shipped profile has these joints; give a profile with "defaultJointPos", "actionScale", "observations" (${x.obsSize} values), "stepDt"`,
      );
    }
    evidence.push(`defaults from ${src!.file}`);
    const warnings: string[] = [];
    const base = profileConfig(src!, x, file.jointNames, warnings);
    const rest: Partial<PolicyConfig> = {
      source: 'metadata',
      family: wbt ? 'holosoma-wbt' : 'holosoma-loco',
      embeddedReference: wbt,
      nSkills: 0,
    };
    if (wbt) {
      rest.referenceOutputs = referenceOf(x);
      rest.bodyNames = [base.cfg.anchorBody];
    }
    const cfg = mergeFileOverProfile({ file, fileName: x.file, base, rest }, warnings);
    if (wbt) cfg.bodyNames = [cfg.anchorBody];
    if (!wbt && x.info.metadata.command_ranges)
      cfg.commandRanges = commandRangesOf(x.info.metadata.command_ranges, x.file, 'metadata_props.command_ranges');
    return cfg;
  },
};
