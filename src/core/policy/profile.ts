/**
 * JSON policy profiles (policies/*.json; format in policies/README.md): the conventions of a family of
 * policies — joint order, gain rule, default pose, action scale/offset, observation layout, tracked bodies —
 * for exports that carry no metadata and come without a deploy.yaml.
 */
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import { obsLayouts } from '../observation/layouts';
import type { ObsLayoutEntry } from '../observation/types';
import type { PolicyConfig } from './config';
import {
  DAMPING_RATIO, DEFAULT_ANCHOR, G1_END_EFFECTORS, G1_TRACKED_BODIES, NATURAL_FREQ_HZ, canonicalTerm, clipPair,
  decimationOf, isaacJointOrder, layoutEntry, valuesByName,
} from './conventions';

type Obj = Record<string, unknown>;

function observationsOf(spec: unknown, file: string, where: string): ObsLayoutEntry[] {
  if (typeof spec === 'string') {
    const l = obsLayouts[spec];
    if (!l) fail('PolicyError', file, where, `unknown layout "${spec}" (shipped: ${Object.keys(obsLayouts).join(', ')})`);
    return l.map((e) => ({ ...e }));
  }
  if (!Array.isArray(spec)) return fail('PolicyError', file, where, 'expected a layout name or a list of terms');
  return spec.map((e: unknown, i) => {
    if (typeof e === 'string') return layoutEntry(canonicalTerm(e), 1, 1, null, file, `${where}[${i}]`);
    const o = (e ?? {}) as Obj;
    if (typeof o.term !== 'string') fail('PolicyError', file, `${where}[${i}].term`, 'missing term name');
    return layoutEntry(canonicalTerm(o.term as string), o.history, o.scale, o.clip, file, `${where}[${i}]`);
  });
}

const needRobot = (robot: RobotModel | undefined, file: string, where: string): RobotModel =>
  robot ?? fail('PolicyError', file, where, 'this profile entry needs the robot model (pass it to configFromProfile)');

function jointOf(robot: RobotModel, name: string, file: string, where: string) {
  const j = robot.jointIndex.get(name);
  if (j === undefined) fail('PolicyError', file, where, `joint ${name} is not in robot "${robot.name}"`);
  return robot.joints[j!];
}

/**
 * Profile JSON (already parsed, or its text) → config. `robot` supplies the joint order ('isaac' /
 * 'description'), armature, effort limits and ranges that rules refer to; `obsSize` picks an entry of
 * `observationsBySize`.
 */
export function configFromProfile(json: unknown, file: string, opts: { robot?: RobotModel; obsSize?: number } = {}): PolicyConfig {
  let p: Obj;
  if (typeof json === 'string') {
    try {
      p = JSON.parse(json) as Obj;
    } catch (e) {
      return fail('ParseError', file, '', `not valid JSON: ${(e as Error).message}`);
    }
  } else p = json as Obj;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return fail('PolicyError', file, '', 'a profile is a JSON object');
  const { robot } = opts;
  const name = typeof p.name === 'string' ? p.name : file;

  // joint order
  const order = p.jointOrder ?? 'isaac';
  let jointNames: string[];
  if (Array.isArray(order)) jointNames = order.map(String);
  else if (order === 'isaac') jointNames = isaacJointOrder(needRobot(robot, file, 'jointOrder'));
  else if (order === 'description') jointNames = needRobot(robot, file, 'jointOrder').joints.map((j) => j.name);
  else return fail('PolicyError', file, 'jointOrder', `expected "isaac", "description" or a list of joint names, got ${JSON.stringify(order)}`);
  const n = jointNames.length;
  const joint = (i: number, where: string) => jointOf(needRobot(robot, file, where), jointNames[i], file, where);

  // gains
  const gains = (p.gains ?? { rule: 'armature' }) as Obj;
  let stiffness: number[], damping: number[];
  if (gains.rule === 'armature') {
    const w = 2 * Math.PI * Number(gains.naturalFreqHz ?? NATURAL_FREQ_HZ);
    const zeta = Number(gains.dampingRatio ?? DAMPING_RATIO);
    const arm = valuesByName(p.armature ?? {}, jointNames, file, 'armature', (jn, i) => {
      const a = joint(i, 'armature').armature;
      return a > 0 ? a : fail('PolicyError', file, 'armature', `no armature for joint ${jn} (neither in the profile nor in the robot)`);
    });
    stiffness = arm.map((a) => a * w * w);
    damping = arm.map((a) => 2 * zeta * a * w);
  } else if (gains.stiffness !== undefined && gains.damping !== undefined) {
    stiffness = valuesByName(gains.stiffness, jointNames, file, 'gains.stiffness');
    damping = valuesByName(gains.damping, jointNames, file, 'gains.damping');
  } else return fail('PolicyError', file, 'gains', 'expected {"rule": "armature"} or {"stiffness": ..., "damping": ...}');

  const effortLimits = p.effortLimits === undefined || p.effortLimits === 'model'
    ? (robot && jointNames.every((jn) => robot.jointIndex.has(jn)) ? jointNames.map((_, i) => joint(i, 'effortLimits').effortLimit) : undefined)
    : valuesByName(p.effortLimits, jointNames, file, 'effortLimits');

  const defaultJointPos = p.defaultJointPos === 'zero' || p.defaultJointPos === undefined
    ? new Array<number>(n).fill(0)
    : valuesByName(p.defaultJointPos, jointNames, file, 'defaultJointPos', () => 0);

  // actions
  let actionScale: number[];
  const as = p.actionScale ?? 1;
  const asRule = (as as Obj).rule;
  if (asRule === 'effort-over-stiffness') {
    const k = Number((as as Obj).factor ?? 0.25);
    actionScale = stiffness.map((kp, i) => {
      const eff = effortLimits?.[i] ?? joint(i, 'actionScale').effortLimit;
      if (!Number.isFinite(eff)) fail('PolicyError', file, 'actionScale', `joint ${jointNames[i]} has no effort limit for the effort-over-stiffness rule`);
      return (k * eff) / kp;
    });
  } else if (asRule === 'half-range') {
    actionScale = jointNames.map((jn, i) => {
      const r = joint(i, 'actionScale').range ?? fail('PolicyError', file, 'actionScale', `joint ${jn} has no range for the half-range rule`);
      return (r[1] - r[0]) / 2;
    });
  } else actionScale = valuesByName(as, jointNames, file, 'actionScale', () => 1);

  let actionOffset: number[];
  const ao = p.actionOffset ?? 'default';
  if (ao === 'default') actionOffset = defaultJointPos.slice();
  else if (ao === 'mid-range') {
    actionOffset = jointNames.map((jn, i) => {
      const r = joint(i, 'actionOffset').range ?? fail('PolicyError', file, 'actionOffset', `joint ${jn} has no range for mid-range`);
      return (r[0] + r[1]) / 2;
    });
  } else actionOffset = valuesByName(ao, jointNames, file, 'actionOffset', () => 0);

  // observations
  const bySize = p.observationsBySize as Obj | undefined;
  let obsSpec: unknown = p.observations ?? 'beyondmimic154';
  let obsWhere = 'observations';
  if (bySize && opts.obsSize !== undefined && bySize[String(opts.obsSize)] !== undefined) {
    obsSpec = bySize[String(opts.obsSize)];
    obsWhere = `observationsBySize.${opts.obsSize}`;
  }
  const observations = observationsOf(obsSpec, file, obsWhere);

  const stepDt = Number(p.stepDt ?? 0.02);
  const physicsDt = Number(p.physicsDt ?? 0.005);
  const strs = (v: unknown, d: string[], where: string): string[] => {
    if (v === undefined) return d.slice();
    if (!Array.isArray(v)) return fail('PolicyError', file, where, 'expected a list of body names');
    return v.map(String);
  };
  const nSkills = Number(p.nSkills ?? 0);
  if (!Number.isInteger(nSkills) || nSkills < 0) fail('PolicyError', file, 'nSkills', 'must be a non-negative integer');
  return {
    source: `profile:${name}`,
    jointNames, stiffness, damping, defaultJointPos, actionScale, actionOffset,
    actionClip: clipPair(p.actionClip, file, 'actionClip'),
    stepDt, physicsDt,
    decimation: decimationOf(stepDt, physicsDt, file, 'stepDt'),
    observations,
    anchorBody: typeof p.anchorBody === 'string' ? p.anchorBody : DEFAULT_ANCHOR,
    bodyNames: strs(p.bodyNames, G1_TRACKED_BODIES, 'bodyNames'),
    endEffectors: strs(p.endEffectors, G1_END_EFFECTORS, 'endEffectors'),
    embeddedReference: p.embeddedReference === true,
    armatureFromGains: p.armatureFromGains !== false,
    nSkills,
    ...(effortLimits ? { effortLimits } : {}),
  };
}
