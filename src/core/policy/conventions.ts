/** Conventions shared by the config sources: gain rule, G1 defaults, term aliases, small parsers. */
import { fail } from '../errors';
import { parseJson } from '../validate';
import type { RobotModel } from '../model/types';
import type { ObsLayoutEntry } from '../observation/types';

export const NATURAL_FREQ_HZ = 10;
export const DAMPING_RATIO = 2;
const OMEGA = 2 * Math.PI * NATURAL_FREQ_HZ;
/** BeyondMimic gain rule: kp = a·ω², kd = 2·ζ·a·ω. */
export const gainsFromArmature = (a: number): [number, number] => [a * OMEGA * OMEGA, 2 * DAMPING_RATIO * a * OMEGA];
export const armatureFromStiffness = (kp: number): number => kp / (OMEGA * OMEGA);

/** BeyondMimic's tracked bodies and end effectors on the G1 (defaults when a config names none). */
export const G1_TRACKED_BODIES = [
  'pelvis',
  'left_hip_roll_link',
  'left_knee_link',
  'left_ankle_roll_link',
  'right_hip_roll_link',
  'right_knee_link',
  'right_ankle_roll_link',
  'torso_link',
  'left_shoulder_roll_link',
  'left_elbow_link',
  'left_wrist_yaw_link',
  'right_shoulder_roll_link',
  'right_elbow_link',
  'right_wrist_yaw_link',
];
export const G1_END_EFFECTORS = ['left_ankle_roll_link', 'right_ankle_roll_link', 'left_wrist_yaw_link', 'right_wrist_yaw_link'];
export const DEFAULT_ANCHOR = 'torso_link';

/** Observation names used by exporters → our term names. */
export const TERM_ALIASES: Record<string, string> = { motion_command: 'command', generated_commands: 'command' };
/** BeyondMimic names its terms after the Isaac Lab fields, not the functions: joint_pos is joint_pos_rel. */
export const BEYONDMIMIC_ALIASES: Record<string, string> = {
  ...TERM_ALIASES,
  joint_pos: 'joint_pos_rel',
  joint_vel: 'joint_vel_rel',
  actions: 'last_action',
};
export const canonicalTerm = (name: string, aliases: Record<string, string> = TERM_ALIASES): string => aliases[name] ?? name;

/**
 * Caps on the policy timing (documented in policies/README.md): at most MAX_DECIMATION physics steps per
 * action, a physics step of at least MIN_PHYSICS_DT s, a policy period of at most MAX_STEP_DT s.
 */
export const MAX_DECIMATION = 100;
export const MIN_PHYSICS_DT = 1e-4;
export const MAX_STEP_DT = 0.5;

export function decimationOf(stepDt: number, physicsDt: number, file: string, where: string): number {
  if (typeof stepDt !== 'number' || !Number.isFinite(stepDt) || stepDt <= 0)
    fail('PolicyError', file, where, `step_dt must be a positive number of seconds, got ${String(stepDt)}`);
  if (typeof physicsDt !== 'number' || !Number.isFinite(physicsDt) || physicsDt < MIN_PHYSICS_DT) {
    fail('PolicyError', file, where, `the physics dt must be a number >= ${MIN_PHYSICS_DT} s, got ${String(physicsDt)}`);
  }
  if (stepDt > MAX_STEP_DT)
    fail('PolicyError', file, where, `step_dt ${stepDt} s is beyond the ${MAX_STEP_DT} s limit of a control period`);
  if (stepDt / physicsDt > MAX_DECIMATION) {
    fail(
      'PolicyError',
      file,
      where,
      `step_dt ${stepDt} s needs ${Math.round(stepDt / physicsDt)} physics steps of ${physicsDt} s per action; the limit is ${MAX_DECIMATION}`,
    );
  }
  const d = Math.round(stepDt / physicsDt);
  if (!(d >= 1) || Math.abs(d * physicsDt - stepDt) > 1e-6) {
    fail('PolicyError', file, where, `step_dt ${stepDt} s is not a whole multiple of the physics dt ${physicsDt} s`);
  }
  return d;
}

/** The control timing of a config: policy period, physics step and the decimation between them (checked). */
export const timingOf = (
  stepDt: number,
  physicsDt: number,
  file: string,
  where: string,
): { stepDt: number; physicsDt: number; decimation: number } => ({
  stepDt,
  physicsDt,
  decimation: decimationOf(stepDt, physicsDt, file, where),
});

export function numList(v: unknown, file: string, where: string, n?: number): number[] {
  let out: number[];
  if (typeof v === 'string')
    out = v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(Number);
  else if (Array.isArray(v)) out = v.map((x) => (typeof x === 'number' ? x : Number(x)));
  else if (typeof v === 'number' && n !== undefined) out = new Array<number>(n).fill(v);
  else return fail('PolicyError', file, where, `expected a list of numbers, got ${JSON.stringify(v)}`);
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) fail('PolicyError', file, `${where}[${bad}]`, 'not a finite number');
  if (n !== undefined && out.length !== n) {
    fail('PolicyError', file, where, `has ${out.length} values, expected ${n} (one per policy joint)`);
  }
  return out;
}

/** A finite number (not a string, not NaN/Inf) with optional bounds; else PolicyError at `where`. */
export function num(v: unknown, file: string, where: string, o: { min?: number; above?: number; integer?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    return fail('PolicyError', file, where, `expected a finite number, got ${JSON.stringify(v) ?? String(v)}`);
  if (o.integer && !Number.isInteger(v)) fail('PolicyError', file, where, `expected an integer, got ${v}`);
  if (o.min !== undefined && v < o.min) fail('PolicyError', file, where, `must be >= ${o.min}, got ${v}`);
  if (o.above !== undefined && !(v > o.above)) fail('PolicyError', file, where, `must be > ${o.above}, got ${v}`);
  return v;
}

/** Per-joint values must not be negative (stiffness, damping, armature, effort limits): PolicyError naming the joint. */
export function nonNegative(values: number[], names: string[], file: string, where: string): number[] {
  const k = values.findIndex((x) => !(x >= 0));
  if (k >= 0) fail('PolicyError', file, `${where}[${k}]`, `joint ${names[k] ?? k}: ${values[k]} is negative (must be >= 0)`);
  return values;
}

/** A joint list that names a joint twice → PolicyError naming it. */
export function uniqueNames(names: string[], file: string, where: string): string[] {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n))
      fail('PolicyError', file, `${where}[${i}]`, `joint ${n} is listed twice (every joint once: a repeat leaves another joint undriven)`);
    seen.add(n);
  });
  return names;
}

/** JSON.parse with the line and column of a syntax error (one definition: core/validate.ts). */
export const parseJsonText = (text: string, file: string): unknown => parseJson(text, file);

export const strList = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function clipPair(v: unknown, file: string, where: string): [number, number] | null {
  if (v === null || v === undefined) return null;
  const c = numList(v, file, where);
  if (c.length !== 2 || c[0] > c[1]) fail('PolicyError', file, where, `clip must be [low, high], got ${JSON.stringify(v)}`);
  return [c[0], c[1]];
}

export function layoutEntry(term: string, history: unknown, scale: unknown, clip: unknown, file: string, where: string): ObsLayoutEntry {
  const h = history === undefined || history === null || history === 0 ? 1 : Number(history);
  if (!Number.isInteger(h) || h < 1)
    fail('PolicyError', file, `${where}.history_length`, `must be a positive integer, got ${String(history)}`);
  let s: number | number[] = 1;
  if (typeof scale === 'number') s = scale;
  else if (scale !== undefined && scale !== null) {
    const list = numList(scale, file, `${where}.scale`);
    s = list.every((x) => x === list[0]) ? (list[0] ?? 1) : list;
  }
  return { term, history: h, scale: s, clip: clipPair(clip, file, `${where}.clip`) };
}

/**
 * Isaac Lab's joint order: breadth-first over the body tree (children in description order), one entry per
 * movable joint. BeyondMimic and unitree_rl_lab policies use it (the G1's joint_ids_map is this order).
 */
export function isaacJointOrder(model: RobotModel): string[] {
  const children: number[][] = model.bodies.map(() => []);
  const roots: number[] = [];
  for (const b of model.bodies) (b.parent < 0 ? roots : children[b.parent]).push(b.index);
  const out: string[] = [];
  const queue = roots.slice();
  while (queue.length) {
    const b = queue.shift()!;
    for (const j of model.bodies[b].joints) if (model.joints[j]) out.push(model.joints[j].name);
    queue.push(...children[b]);
  }
  return out;
}

/**
 * Values per joint from a { "regex": value } map (full-name match, first matching key wins), a list (in
 * `names` order) or a single number. Joints no key matches get `fallback` (or an error when undefined).
 */
export function valuesByName(
  spec: unknown,
  names: string[],
  file: string,
  where: string,
  fallback?: (name: string, i: number) => number,
): number[] {
  if (typeof spec === 'number' || Array.isArray(spec) || typeof spec === 'string') return numList(spec, file, where, names.length);
  if (spec === null || typeof spec !== 'object')
    return fail('PolicyError', file, where, `expected a number, a list or a {"joint regex": value} map`);
  const entries = Object.entries(spec as Record<string, unknown>).map(([k, v]) => {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${k})$`);
    } catch {
      return fail('PolicyError', file, `${where}."${k}"`, 'not a valid regular expression');
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('PolicyError', file, `${where}."${k}"`, 'not a finite number');
    return [re, v as number] as const;
  });
  return names.map((n, i) => {
    const hit = entries.find(([re]) => re.test(n));
    if (hit) return hit[1];
    if (fallback) return fallback(n, i);
    return fail('PolicyError', file, `${where}`, `no entry matches joint ${n}`);
  });
}
