/**
 * File over profile: a family reads what the file says (metadata, deploy.yaml) and takes the rest from a
 * profile — the user's, else the family's shipped one — or from the defaults. Every key filled from a
 * profile / default is listed (PolicyConfig.filledFromProfile); a profile value that contradicts the file
 * gives a warning naming both values, and the file wins.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import type { PolicyConfig } from '../config';
import { DEFAULT_ANCHOR, G1_END_EFFECTORS, G1_TRACKED_BODIES, decimationOf, isaacJointOrder, parseJsonText } from '../conventions';
import { configFromProfile } from '../profile';
import type { FamilyInput } from './types';

type Obj = Record<string, unknown>;

/** The config keys a file or a profile can set. */
export const CONFIG_KEYS = [
  'jointNames',
  'stiffness',
  'damping',
  'defaultJointPos',
  'actionScale',
  'actionOffset',
  'actionClip',
  'stepDt',
  'physicsDt',
  'observations',
  'anchorBody',
  'bodyNames',
  'endEffectors',
  'effortLimits',
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** Profile JSON keys → the config keys they set. */
const PROFILE_SETS: Record<string, ConfigKey[]> = {
  jointOrder: ['jointNames'],
  gains: ['stiffness', 'damping'],
  armature: ['stiffness', 'damping'],
  defaultJointPos: ['defaultJointPos'],
  actionScale: ['actionScale'],
  actionOffset: ['actionOffset'],
  actionClip: ['actionClip'],
  stepDt: ['stepDt'],
  physicsDt: ['physicsDt'],
  observations: ['observations'],
  observationsBySize: ['observations'],
  anchorBody: ['anchorBody'],
  bodyNames: ['bodyNames'],
  endEffectors: ['endEffectors'],
  effortLimits: ['effortLimits'],
};

/** A profile to fill from: its JSON object and file name. */
export interface ProfileSource {
  json: Obj;
  file: string;
}

/** The user's profile (parsed, syntax errors with line and column) if given, else `shipped`. */
export function chooseProfile(x: FamilyInput, shipped?: ProfileSource): ProfileSource | undefined {
  if (x.profile === undefined) return shipped;
  const file = x.profileFile ?? 'profile.json';
  const json = typeof x.profile === 'string' ? parseJsonText(x.profile, file) : x.profile;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('PolicyError', file, '', 'a profile is a JSON object');
  return { json: json as Obj, file };
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The profile's own joint order (null when it is not one we can resolve). */
function profileOrder(json: Obj, robot: RobotModel): string[] | null {
  const o = json.jointOrder ?? 'isaac';
  if (Array.isArray(o)) return o.map(String);
  if (o === 'isaac') return isaacJointOrder(robot);
  if (o === 'description') return robot.joints.map((j) => j.name);
  return null;
}

/** The profile re-expressed in the file's joint order: per-joint lists become {name: value} maps. */
function inFileOrder(src: ProfileSource, robot: RobotModel, fileJoints: string[], warnings: string[]): Obj {
  const order = profileOrder(src.json, robot);
  if (!order) return src.json;
  if (Array.isArray(src.json.jointOrder) && order.join() !== fileJoints.join()) {
    warnings.push(
      `${src.file}: jointOrder (${order.length} joints) differs from the file's joint order (${fileJoints.length} joints): the file wins`,
    );
  }
  const byName = (v: unknown): unknown =>
    Array.isArray(v) && v.length === order.length ? Object.fromEntries(order.map((n, i) => [escapeRe(n), v[i]])) : v;
  const out: Obj = { ...src.json, jointOrder: fileJoints };
  for (const k of ['armature', 'defaultJointPos', 'actionScale', 'actionOffset', 'effortLimits']) {
    if (src.json[k] !== undefined) out[k] = byName(src.json[k]);
  }
  const g = src.json.gains as Obj | undefined;
  if (g && typeof g === 'object') out.gains = { ...g, stiffness: byName(g.stiffness), damping: byName(g.damping) };
  return out;
}

/** The profile's config (in the file's joint order when the file names its joints), the keys it sets, its file name. */
export function profileConfig(
  src: ProfileSource,
  x: FamilyInput,
  fileJoints: string[] | undefined,
  warnings: string[],
): { cfg: PolicyConfig; explicit: Set<ConfigKey>; name: string } {
  const json = fileJoints ? inFileOrder(src, x.robot, fileJoints, warnings) : src.json;
  const cfg = configFromProfile(json, src.file, { robot: x.robot, obsSize: x.obsSize > 0 ? x.obsSize : undefined });
  const explicit = new Set<ConfigKey>(Object.keys(src.json).flatMap((k) => PROFILE_SETS[k] ?? []));
  return { cfg, explicit, name: src.file };
}

/** First difference between two values of a config key, as text (null when equal within rounding). */
function difference(a: unknown, b: unknown, names: string[]): string | null {
  const near = (u: number, v: number) => Math.abs(u - v) <= 1e-3 * Math.max(1, Math.abs(u), Math.abs(v));
  if (typeof a === 'number' && typeof b === 'number') return near(a, b) ? null : `${b} vs ${a}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${b.length} values vs ${a.length}`;
    for (let i = 0; i < a.length; i++) {
      const u = a[i] as unknown,
        v = b[i] as unknown;
      const at = names[i] ?? String(i);
      if (typeof u === 'number' && typeof v === 'number') {
        if (!near(u, v)) return `[${at}] ${v} vs ${u}`;
      } else if (JSON.stringify(u) !== JSON.stringify(v)) return `[${i}] ${JSON.stringify(v)} vs ${JSON.stringify(u)}`;
    }
    return null;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? null : `${JSON.stringify(b)} vs ${JSON.stringify(a)}`;
}

const DEFAULTS: Partial<PolicyConfig> = {
  actionClip: null,
  stepDt: 0.02,
  physicsDt: 0.005,
  anchorBody: DEFAULT_ANCHOR,
  bodyNames: G1_TRACKED_BODIES,
  endEffectors: G1_END_EFFECTORS,
};
const REQUIRED: [ConfigKey, string][] = [
  ['jointNames', 'jointOrder'],
  ['stiffness', 'gains'],
  ['damping', 'gains'],
  ['defaultJointPos', 'defaultJointPos'],
  ['actionScale', 'actionScale'],
  ['observations', 'observations'],
];

export interface MergeInput {
  /** what the file itself says */
  file: Partial<PolicyConfig>;
  fileName: string;
  /** the profile's config, if any */
  base?: { cfg: PolicyConfig; explicit: Set<ConfigKey>; name: string };
  /** family settings (source, family, embeddedReference...) */
  rest: Partial<PolicyConfig>;
}

/** Merge file over profile over defaults; warnings for contradictions, filledFromProfile for the rest. */
export function mergeFileOverProfile(m: MergeInput, warnings: string[]): PolicyConfig {
  const out: Record<string, unknown> = {};
  const filled: string[] = [];
  const names = m.file.jointNames ?? m.base?.cfg.jointNames ?? [];
  for (const k of CONFIG_KEYS) {
    const fv = m.file[k],
      bv = m.base?.cfg[k];
    if (fv !== undefined) {
      out[k] = fv;
      if (m.base && m.base.explicit.has(k) && bv !== undefined) {
        const d = difference(fv, bv, names);
        if (d) warnings.push(`${m.base.name} sets ${k} ${d.replace(' vs ', `, ${m.fileName} says `)}: the file wins`);
      }
    } else if (bv !== undefined) {
      out[k] = bv;
      filled.push(k);
    } else if (k in DEFAULTS) {
      const d = DEFAULTS[k];
      out[k] = Array.isArray(d) ? d.slice() : d;
      filled.push(k);
    }
  }
  out.actionOffset ??= (out.defaultJointPos as number[] | undefined)?.slice();
  const missing = REQUIRED.filter(([k]) => out[k] === undefined);
  if (missing.length) {
    fail(
      'PolicyError',
      m.fileName,
      missing.map(([k]) => k).join(', '),
      `the file does not say ${missing.map(([k]) => k).join(', ')}; give a profile (policies/*.json) with ${[...new Set(missing.map(([, p]) => `"${p}"`))].join(', ')}`,
    );
  }
  const base = m.base?.cfg;
  const cfg = {
    ...(base ?? {}),
    ...m.rest,
    ...out,
    decimation: decimationOf(out.stepDt as number, out.physicsDt as number, m.fileName, 'step_dt'),
    embeddedReference: m.rest.embeddedReference ?? base?.embeddedReference ?? false,
    armatureFromGains: m.rest.armatureFromGains ?? base?.armatureFromGains ?? true,
    nSkills: m.rest.nSkills ?? base?.nSkills ?? 0,
  } as PolicyConfig;
  cfg.filledFromProfile = filled;
  cfg.warnings = warnings;
  return cfg;
}
