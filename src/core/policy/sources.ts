/** Config sources that come with the policy: BeyondMimic ONNX metadata_props and unitree_rl_lab deploy.yaml. */
import { parse as parseYaml } from 'yaml';
import { fail } from '../errors';
import type { PolicyConfig } from './config';
import {
  BEYONDMIMIC_ALIASES,
  DEFAULT_ANCHOR,
  G1_END_EFFECTORS,
  G1_TRACKED_BODIES,
  canonicalTerm,
  clipPair,
  timingOf,
  layoutEntry,
  nonNegative,
  numList,
  strList,
  uniqueNames,
} from './conventions';

// ---------------------------------------------------------------- BeyondMimic metadata

export const hasMetadataConfig = (meta: Record<string, string>): boolean => typeof meta.joint_names === 'string';

/** BeyondMimic ONNX metadata_props → config. Lists are comma-separated; joint order is the policy's. */
export function configFromMetadata(meta: Record<string, string>, file: string): PolicyConfig {
  const need = (k: string): string => meta[k] ?? fail('PolicyError', file, `metadata_props.${k}`, 'missing');
  const jointNames = strList(need('joint_names'));
  const n = jointNames.length;
  // mjlab writes a scalar action_scale as one number; lists are per joint
  const list = (k: string) => {
    const v = need(k);
    return numList(/^\s*[-+.\deE]+\s*$/.test(v) ? Number(v) : v, file, `metadata_props.${k}`, n);
  };
  const defaultJointPos = list('default_joint_pos');
  const obsNames = strList(need('observation_names'));
  const hist = meta.observation_history_lengths
    ? numList(meta.observation_history_lengths, file, 'metadata_props.observation_history_lengths', obsNames.length)
    : [];
  const observations = obsNames.map((name, i) =>
    layoutEntry(canonicalTerm(name, BEYONDMIMIC_ALIASES), hist[i] ?? 1, 1, null, file, `metadata_props.observation_names[${i}]`),
  );
  const stepDt = meta.step_dt ? Number(meta.step_dt) : 0.02;
  uniqueNames(jointNames, file, 'metadata_props.joint_names');
  for (const k of ['joint_stiffness', 'joint_damping']) nonNegative(list(k), jointNames, file, `metadata_props.${k}`);
  const physicsDt = 0.005;
  return {
    source: 'metadata',
    jointNames,
    stiffness: list('joint_stiffness'),
    damping: list('joint_damping'),
    defaultJointPos,
    actionScale: list('action_scale'),
    actionOffset: meta.action_offset ? list('action_offset') : defaultJointPos.slice(),
    actionClip: null,
    ...timingOf(stepDt, physicsDt, file, 'metadata_props.step_dt'),
    observations,
    anchorBody: meta.anchor_body_name || DEFAULT_ANCHOR,
    bodyNames: meta.body_names ? strList(meta.body_names) : G1_TRACKED_BODIES.slice(),
    endEffectors: G1_END_EFFECTORS.slice(),
    embeddedReference: true,
    armatureFromGains: true,
    nSkills: 0,
  };
}

// ---------------------------------------------------------------- unitree_rl_lab deploy.yaml

/** deploy.yaml joint_names: a list of the robot's joint names, each once. */
function yamlJointNames(v: unknown, robotJointNames: string[], file: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    fail('PolicyError', file, 'joint_names', 'expected a list of joint names');
  const names = uniqueNames(v as string[], file, 'joint_names');
  const missing = names.findIndex((n) => !robotJointNames.includes(n));
  if (missing >= 0) fail('PolicyError', file, `joint_names[${missing}]`, `joint ${names[missing]} is not in the robot`);
  return names;
}

/**
 * actions.clip: [low, high], or one [low, high] per policy joint (unitree_rl_lab / unitree_rl_mjlab write the
 * action term's clip tensor, one row per joint); a per-joint list whose rows are all equal is one pair.
 */
function actionClipOf(v: unknown, n: number, file: string): [number, number] | [number, number][] | null {
  if (!Array.isArray(v) || !v.some(Array.isArray)) return clipPair(v, file, 'actions.clip');
  if (v.length !== n) fail('PolicyError', file, 'actions.clip', `has ${v.length} rows, expected ${n} (one [low, high] per policy joint)`);
  const rows = v.map((r, i) => clipPair(r, file, `actions.clip[${i}]`)!);
  return rows.every((r) => r[0] === rows[0][0] && r[1] === rows[0][1]) ? rows[0] : rows;
}

export function parseYamlText(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const err = e as { linePos?: { line: number }[]; message?: string };
    const line = err.linePos?.[0]?.line;
    return fail('ParseError', file, line ? `line ${line}` : '', String(err.message ?? e).split('\n')[0]);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return fail('ParseError', file, 'line 1', 'expected a YAML mapping (key: value) at the top level');
  }
  return doc as Record<string, unknown>;
}

/**
 * unitree_rl_lab deploy.yaml → config. joint_ids_map[i] is the description index of policy joint i.
 * stiffness/damping are in DESCRIPTION order (re-indexed here to policy order); default_joint_pos and the
 * action scale/offset are in policy order.
 */
export function configFromDeployYaml(text: string, file: string, robotJointNames: string[]): PolicyConfig {
  const y = parseYamlText(text, file);
  // unitree_rl_mjlab's writer also lists joint_names (the order joint_ids_map and the gains index): matched by name
  const listed = y.joint_names === undefined ? null : yamlJointNames(y.joint_names, robotJointNames, file);
  const descNames = listed ?? robotJointNames;
  const nDesc = descNames.length;
  const map = numList(y.joint_ids_map ?? fail('PolicyError', file, 'joint_ids_map', 'missing'), file, 'joint_ids_map');
  const n = map.length;
  map.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0 || d >= nDesc) {
      fail('PolicyError', file, `joint_ids_map[${i}]`, `index ${d} is outside the robot's ${nDesc} joints`);
    }
  });
  if (new Set(map).size !== n) fail('PolicyError', file, 'joint_ids_map', 'lists a joint twice');
  const jointNames = map.map((d) => descNames[d]);
  if (y.step_dt !== undefined && typeof y.step_dt !== 'number')
    fail('PolicyError', file, 'step_dt', `expected a number of seconds, got ${JSON.stringify(y.step_dt)}`);
  const byDescription = (key: string): number[] => {
    const v = numList(y[key] ?? fail('PolicyError', file, key, 'missing'), file, key);
    if (v.length !== nDesc)
      fail(
        'PolicyError',
        file,
        key,
        `has ${v.length} values, expected ${nDesc} (one per ${listed ? 'joint_names entry' : 'robot joint, description order'})`,
      );
    return map.map((d) => v[d]);
  };
  const stiffness = nonNegative(byDescription('stiffness'), jointNames, file, 'stiffness');
  const damping = nonNegative(byDescription('damping'), jointNames, file, 'damping');
  const defaultJointPos = numList(
    y.default_joint_pos ?? fail('PolicyError', file, 'default_joint_pos', 'missing'),
    file,
    'default_joint_pos',
    n,
  );
  const actions = (y.actions ?? {}) as Record<string, Record<string, unknown>>;
  const act = actions.JointPositionAction ?? Object.values(actions)[0] ?? fail('PolicyError', file, 'actions', 'no action term');
  const actionScale = act.scale === undefined ? new Array<number>(n).fill(1) : numList(act.scale, file, 'actions.scale', n);
  const actionOffset =
    act.offset === undefined || act.offset === null ? defaultJointPos.slice() : numList(act.offset, file, 'actions.offset', n);
  const obs = (y.observations ?? fail('PolicyError', file, 'observations', 'missing')) as Record<string, Record<string, unknown> | null>;
  const observations = Object.entries(obs).map(([name, o]) =>
    layoutEntry(canonicalTerm(name), o?.history_length, o?.scale, o?.clip, file, `observations.${name}`),
  );
  const stepDt = Number(y.step_dt ?? 0.02);
  const physicsDt = 0.005;
  return {
    source: 'deploy.yaml',
    jointNames,
    stiffness,
    damping,
    defaultJointPos,
    actionScale,
    actionOffset,
    actionClip: actionClipOf(act.clip, n, file),
    ...timingOf(stepDt, physicsDt, file, 'step_dt'),
    observations,
    anchorBody: DEFAULT_ANCHOR,
    bodyNames: G1_TRACKED_BODIES.slice(),
    endEffectors: G1_END_EFFECTORS.slice(),
    embeddedReference: false,
    armatureFromGains: true,
    nSkills: 0,
  };
}
