/**
 * JSON policy profiles (policies/*.json; format in policies/README.md): the conventions of a family of
 * policies — joint order, gain rule, default pose, action scale/offset, observation layout, tracked bodies —
 * for exports that carry no metadata and come without a deploy.yaml.
 */
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import { obsLayouts } from '../observation/layouts';
import type { ObsLayoutEntry } from '../observation/types';
import type { HeldJoints, PolicyConfig } from './config';
import {
  DAMPING_RATIO,
  DEFAULT_ANCHOR,
  G1_END_EFFECTORS,
  G1_TRACKED_BODIES,
  NATURAL_FREQ_HZ,
  canonicalTerm,
  clipPair,
  timingOf,
  isaacJointOrder,
  layoutEntry,
  nonNegative,
  num,
  parseJsonText,
  uniqueNames,
  valuesByName,
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
    const entry = layoutEntry(canonicalTerm(o.term as string), o.history, o.scale, o.clip, file, `${where}[${i}]`);
    if (o.pastOnly === true) entry.pastOnly = true;
    if (o.newestFirst === true) entry.newestFirst = true;
    if (o.zeroStart === true) entry.zeroStart = true;
    return entry;
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
  const p = (typeof json === 'string' ? parseJsonText(json, file) : json) as Obj;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return fail('PolicyError', file, '', 'a profile is a JSON object');
  const { robot } = opts;
  const name = typeof p.name === 'string' ? p.name : file;

  // joint order
  const order = p.jointOrder ?? 'isaac';
  let jointNames: string[];
  if (Array.isArray(order)) jointNames = uniqueNames(order.map(String), file, 'jointOrder');
  else if (order === 'isaac') jointNames = isaacJointOrder(needRobot(robot, file, 'jointOrder'));
  else if (order === 'description') jointNames = needRobot(robot, file, 'jointOrder').joints.map((j) => j.name);
  else
    return fail(
      'PolicyError',
      file,
      'jointOrder',
      `expected "isaac", "description" or a list of joint names, got ${JSON.stringify(order)}`,
    );
  const n = jointNames.length;
  const joint = (i: number, where: string) => jointOf(needRobot(robot, file, where), jointNames[i], file, where);

  // gains
  const gains = (p.gains ?? { rule: 'armature' }) as Obj;
  let stiffness: number[], damping: number[];
  if (gains.rule === 'armature') {
    const w = 2 * Math.PI * num(gains.naturalFreqHz ?? NATURAL_FREQ_HZ, file, 'gains.naturalFreqHz', { above: 0 });
    const zeta = num(gains.dampingRatio ?? DAMPING_RATIO, file, 'gains.dampingRatio', { min: 0 });
    const arm = nonNegative(
      valuesByName(p.armature ?? {}, jointNames, file, 'armature', (jn, i) => {
        const a = joint(i, 'armature').armature;
        return a > 0 ? a : fail('PolicyError', file, 'armature', `no armature for joint ${jn} (neither in the profile nor in the robot)`);
      }),
      jointNames,
      file,
      'armature',
    );
    stiffness = arm.map((a) => a * w * w);
    damping = arm.map((a) => 2 * zeta * a * w);
  } else if (gains.stiffness !== undefined && gains.damping !== undefined) {
    stiffness = nonNegative(valuesByName(gains.stiffness, jointNames, file, 'gains.stiffness'), jointNames, file, 'gains.stiffness');
    damping = nonNegative(valuesByName(gains.damping, jointNames, file, 'gains.damping'), jointNames, file, 'gains.damping');
  } else return fail('PolicyError', file, 'gains', 'expected {"rule": "armature"} or {"stiffness": ..., "damping": ...}');

  const effortLimits =
    p.effortLimits === undefined || p.effortLimits === 'model'
      ? robot && jointNames.every((jn) => robot.jointIndex.has(jn))
        ? jointNames.map((_, i) => joint(i, 'effortLimits').effortLimit)
        : undefined
      : nonNegative(valuesByName(p.effortLimits, jointNames, file, 'effortLimits'), jointNames, file, 'effortLimits');

  const defaultJointPos =
    p.defaultJointPos === 'zero' || p.defaultJointPos === undefined
      ? new Array<number>(n).fill(0)
      : valuesByName(p.defaultJointPos, jointNames, file, 'defaultJointPos', () => 0);

  // actions
  let actionScale: number[];
  const as = p.actionScale ?? 1;
  const asRule = (as as Obj).rule;
  if (asRule === 'effort-over-stiffness') {
    const k = num((as as Obj).factor ?? 0.25, file, 'actionScale.factor', { above: 0 });
    actionScale = stiffness.map((kp, i) => {
      const eff = effortLimits?.[i] ?? joint(i, 'actionScale').effortLimit;
      if (!Number.isFinite(eff))
        fail('PolicyError', file, 'actionScale', `joint ${jointNames[i]} has no effort limit for the effort-over-stiffness rule`);
      return (k * eff) / kp;
    });
  } else if (asRule === 'half-range') {
    actionScale = jointNames.map((jn, i) => {
      const r =
        joint(i, 'actionScale').range ?? fail('PolicyError', file, 'actionScale', `joint ${jn} has no range for the half-range rule`);
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

  const stepDt = num(p.stepDt ?? 0.02, file, 'stepDt', { above: 0 });
  const physicsDt = num(p.physicsDt ?? 0.005, file, 'physicsDt', { above: 0 });
  const strs = (v: unknown, d: string[], where: string): string[] => {
    if (v === undefined) return d.slice();
    if (!Array.isArray(v)) return fail('PolicyError', file, where, 'expected a list of body names');
    return v.map(String);
  };
  const nSkills = num(p.nSkills ?? 0, file, 'nSkills', { integer: true, min: 0 });
  const heldJoints = robot ? heldJointsOf(p, robot, jointNames, file, Array.isArray(order)) : undefined;
  return {
    ...familyKeys(p, file),
    ...(heldJoints ? { heldJoints } : {}),
    source: `profile:${name}`,
    jointNames,
    stiffness,
    damping,
    defaultJointPos,
    actionScale,
    actionOffset,
    actionClip: clipPair(p.actionClip, file, 'actionClip'),
    ...timingOf(stepDt, physicsDt, file, 'stepDt'),
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

/** Optional family keys: family, gaitPeriod, motionSeconds, referenceOutputs. */
function familyKeys(p: Obj, file: string): Partial<PolicyConfig> {
  const out: Partial<PolicyConfig> = {};
  if (p.family !== undefined) {
    if (typeof p.family !== 'string') fail('PolicyError', file, 'family', 'expected a family name');
    out.family = p.family as string;
  }
  if (p.gaitPeriod !== undefined) out.gaitPeriod = num(p.gaitPeriod, file, 'gaitPeriod', { above: 0 });
  if (p.motionSeconds !== undefined) out.motionSeconds = num(p.motionSeconds, file, 'motionSeconds', { above: 0 });
  if (p.referenceOutputs !== undefined) {
    const r = p.referenceOutputs as Obj;
    if (r === null || typeof r !== 'object') fail('PolicyError', file, 'referenceOutputs', 'expected an object of output names');
    const q = r.quatOrder ?? 'wxyz';
    if (q !== 'wxyz' && q !== 'xyzw')
      fail('PolicyError', file, 'referenceOutputs.quatOrder', `expected "wxyz" or "xyzw", got ${JSON.stringify(q)}`);
    const ro: Record<string, string> = {};
    for (const k of ['timeStep', 'jointPos', 'jointVel', 'bodyPos', 'bodyQuat', 'bodyLinVel', 'bodyAngVel']) {
      if (r[k] === undefined) continue;
      if (typeof r[k] !== 'string') fail('PolicyError', file, `referenceOutputs.${k}`, 'expected an output name');
      ro[k] = r[k] as string;
    }
    if (r.lagged !== undefined && typeof r.lagged !== 'boolean')
      fail('PolicyError', file, 'referenceOutputs.lagged', `expected true or false, got ${JSON.stringify(r.lagged)}`);
    out.referenceOutputs = { ...ro, quatOrder: q as 'wxyz' | 'xyzw', ...(r.lagged === true ? { lagged: true } : {}) };
  }
  return out;
}

/**
 * Robot joints an explicit jointOrder leaves out: held by PD at `heldJoints.positions` (regex map, default 0)
 * with `heldJoints.stiffness` / `damping` (regex maps or numbers). A left-out joint the profile does not hold
 * → PolicyError (a jointOrder must name every joint the policy drives; the rest must be held on purpose).
 */
function heldJointsOf(p: Obj, robot: RobotModel, driven: string[], file: string, explicitOrder: boolean): HeldJoints | undefined {
  const set = new Set(driven);
  const names = robot.joints.map((j) => j.name).filter((n) => !set.has(n));
  const h = p.heldJoints as Obj | undefined;
  if (!names.length) return undefined;
  if (h === undefined || h === null) {
    if (explicitOrder) {
      fail(
        'PolicyError',
        file,
        'jointOrder',
        `omits robot joint(s) ${names.join(', ')}: list them, or hold them with "heldJoints": {"stiffness", "damping", "positions"}`,
      );
    }
    return undefined;
  }
  if (typeof h !== 'object') return fail('PolicyError', file, 'heldJoints', 'expected {"stiffness", "damping", "positions"}');
  const gain = (k: 'stiffness' | 'damping') =>
    nonNegative(
      valuesByName(h[k] ?? fail('PolicyError', file, `heldJoints.${k}`, 'missing'), names, file, `heldJoints.${k}`),
      names,
      file,
      `heldJoints.${k}`,
    );
  return {
    names,
    positions: h.positions === undefined ? names.map(() => 0) : valuesByName(h.positions, names, file, 'heldJoints.positions', () => 0),
    stiffness: gain('stiffness'),
    damping: gain('damping'),
  };
}
