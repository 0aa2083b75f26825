/**
 * A composed or blended skill for the evaluation, from a JSON file (`--scenario FILE`, seeds/README.md):
 *   { "skills": [ { "policy": P, "clip": C | "command": [vx, vy, wz] | "commands": [{t, vx, vy, wz}],
 *                   "seconds": S, "transition": T, "name": N } ... ] }            policies (or clips by PD) in time
 *   { "blend": { "seconds": S, "rate": R, "skills": [ { ..., "parts": ["legs"|"torso"|"arms"], "weight": W } ] } }
 * A skill is a policy with a clip (tracking), a policy with a command (locomotion), a policy alone (its own
 * reference), or a clip alone (played by PD). Paths are relative to the file. Every bad key is named.
 */
import { fail } from '../errors';
import { parseCommandTrack, type CommandTrack } from '../policy/commands';

export type BodyPart = 'legs' | 'torso' | 'arms';

export interface SkillEntry {
  name?: string;
  policy?: string;
  /** a policy's deploy.yaml / profile */
  config?: string;
  clip?: string;
  commands?: CommandTrack;
  /** composition: seconds of this segment and the crossfade into it */
  seconds: number;
  transition: number;
  /** blend: the body parts this skill weighs (all when omitted) and its weight */
  parts?: BodyPart[];
  weight: number;
}

export type SkillPlan =
  | { kind: 'compose'; file: string; skills: SkillEntry[] }
  | { kind: 'blend'; file: string; seconds: number; rate: number; skills: SkillEntry[] };

const ENTRY_KEYS = ['name', 'policy', 'config', 'clip', 'command', 'commands', 'interp', 'seconds', 'transition', 'parts', 'weight'];
const PARTS: BodyPart[] = ['legs', 'torso', 'arms'];

function num(v: unknown, file: string, where: string, dflt?: number, min = 0): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
    fail('ParseError', file, where, `expected a number >= ${min} (got ${JSON.stringify(v)})`);
  return v as number;
}

function str(v: unknown, file: string, where: string, what = 'a path'): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !v) fail('ParseError', file, where, `expected ${what} (got ${JSON.stringify(v)})`);
  return v as string;
}

function commandsOf(o: Record<string, unknown>, file: string, where: string): CommandTrack | undefined {
  if (o.command !== undefined) {
    const c = o.command;
    if (!Array.isArray(c) || c.length !== 3) fail('ParseError', file, `${where}.command`, 'expected [vx, vy, wz]');
    const [vx, vy, wz] = c as unknown[];
    return parseCommandTrack([{ t: 0, vx, vy, wz }], file);
  }
  return o.commands === undefined ? undefined : parseCommandTrack(o.commands, file, o.interp ?? 'linear');
}

function partsOf(v: unknown, file: string, where: string): BodyPart[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.length || v.some((p) => !PARTS.includes(p as BodyPart)))
    fail('ParseError', file, where, `expected a list of ${PARTS.join(' / ')} (got ${JSON.stringify(v)})`);
  return v as BodyPart[];
}

function entry(v: unknown, file: string, where: string, blend: boolean): SkillEntry {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail('ParseError', file, where, 'expected an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!ENTRY_KEYS.includes(k)) fail('ParseError', file, `${where}.${k}`, `unknown key (known: ${ENTRY_KEYS.join(', ')})`);
  const e: SkillEntry = {
    name: str(o.name, file, `${where}.name`, 'a name'),
    policy: str(o.policy, file, `${where}.policy`),
    config: str(o.config, file, `${where}.config`),
    clip: str(o.clip, file, `${where}.clip`),
    commands: commandsOf(o, file, where),
    seconds: blend ? 0 : num(o.seconds, file, `${where}.seconds`),
    transition: num(o.transition, file, `${where}.transition`, 0),
    parts: partsOf(o.parts, file, `${where}.parts`),
    weight: num(o.weight, file, `${where}.weight`, 1),
  };
  if (!e.policy && !e.clip) fail('ParseError', file, where, 'a skill needs a "policy" or a "clip"');
  if (e.clip && e.commands) fail('ParseError', file, where, 'a skill follows a clip or a command, not both');
  if (!e.policy && e.commands) fail('ParseError', file, `${where}.command`, 'a command needs a locomotion "policy"');
  return e;
}

function list(v: unknown, file: string, where: string, blend: boolean): SkillEntry[] {
  if (!Array.isArray(v) || !v.length) fail('ParseError', file, where, 'expected a non-empty list of skills');
  return (v as unknown[]).map((x, i) => entry(x, file, `${where}[${i}]`, blend));
}

/** The skill plan of a parsed JSON file, or null when it has neither `skills` nor `blend`. */
export function skillPlanOf(json: unknown, file: string): SkillPlan | null {
  if (!json || typeof json !== 'object') return null;
  const o = json as Record<string, unknown>;
  if (o.skills !== undefined && o.blend !== undefined) fail('ParseError', file, 'blend', 'give "skills" (in time) or "blend", not both');
  if (o.skills !== undefined) return { kind: 'compose', file, skills: list(o.skills, file, 'skills', false) };
  if (o.blend === undefined) return null;
  const b = o.blend as Record<string, unknown>;
  if (!b || typeof b !== 'object') fail('ParseError', file, 'blend', 'expected an object {seconds, skills}');
  return {
    kind: 'blend',
    file,
    seconds: num(b.seconds, file, 'blend.seconds'),
    rate: num(b.rate, file, 'blend.rate', 2),
    skills: list(b.skills, file, 'blend.skills', true),
  };
}
