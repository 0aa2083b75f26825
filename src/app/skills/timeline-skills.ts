/**
 * Wiring between the store's segments and the skill driver: the clips of policy segments (own motion, commanded
 * motion), whether the timeline needs the skill driver (a 'policy' segment that names its policy or mode), building
 * it (one skill per policy segment; every skill at one control rate, else a named error with both rates), and the
 * plain-data view the test hook reads.
 */
import type { RobotModel } from '../../core/model/types';
import type { MotionClip } from '../../core/motion/types';
import type { SegmentSkill, Timeline } from '../../core/motion/timeline';
import type { PhysicsEngine } from '../../core/physics/types';
import { checkRates, type Skill } from '../../core/policy/skills';
import type { SegmentSpec } from '../store';
import type { Driver } from '../drivers';
import { buildSkill, segmentClip, trimClip, type ConfigOf } from './plan';
import { SkillTimelineDriver, type SkillEntry } from './skill-driver';

/** The segment's skill with the global policy filled in (null: not a policy segment with a skill). */
export function skillOf(g: SegmentSpec, globalPolicy: string | null): SegmentSkill | null {
  if (g.driver !== 'policy' || !g.skill) return null;
  const policyId = g.skill.policyId ?? globalPolicy ?? undefined;
  return { ...g.skill, policyId };
}

/**
 * Per segment: the clip it puts on the timeline when its skill brings one (own or commanded motion), else null
 * (the segment's own clip). A segment whose policy cannot be read: its error goes to `report`, null.
 */
export async function segmentClips(
  specs: SegmentSpec[],
  globalPolicy: string | null,
  model: RobotModel,
  configOf: ConfigOf,
  report: (e: unknown) => void,
): Promise<(MotionClip | null)[]> {
  const out: (MotionClip | null)[] = [];
  for (const g of specs) {
    const sk = skillOf(g, globalPolicy);
    if (!sk || sk.mode === 'clip' || !sk.policyId) {
      out.push(null);
      continue;
    }
    try {
      out.push(await segmentClip(model, sk, configOf(sk.policyId), () => null, Math.max(g.out, 0.1)));
    } catch (e) {
      report(e);
      out.push(null);
    }
  }
  return out;
}

/** The timeline needs the skill driver: some 'policy' segment names its own policy or mode. */
export const usesSkills = (tl: Timeline | null): boolean => !!tl?.segments.some((g) => g.driver === 'policy' && g.skill);

/** The store's source names policy skills (a policy segment with its own policy / mode, or a policy layer). */
export const storeUsesSkills = (s: { source: string; segments: SegmentSpec[]; layers: { policy?: unknown }[] }): boolean =>
  s.source === 'timeline' ? s.segments.some((g) => g.driver === 'policy' && !!g.skill) : s.layers.some((l) => !!l.policy);

/** Build the skill driver of a timeline: one skill per policy segment, all at one control rate. */
export async function buildSkillDriver(
  engine: PhysicsEngine,
  tl: Timeline,
  dt: number,
  configOf: ConfigOf,
  globalPolicy: string | null,
  nSteps: () => number,
  takeOver: boolean,
): Promise<SkillTimelineDriver> {
  const entries: SkillEntry[] = [];
  try {
    for (const [i, g] of tl.segments.entries()) {
      if (g.driver !== 'policy') continue;
      const sk: SegmentSkill = { mode: 'clip', ...g.skill, policyId: g.skill?.policyId ?? globalPolicy ?? undefined };
      if (!sk.policyId) throw new Error(`segment ${i + 1}: no policy loaded for it (load an .onnx, or pick one)`);
      const p = configOf(sk.policyId);
      const clip = sk.mode === 'clip' ? trimClip(g.clip, g.in, g.out) : g.clip;
      const name = `${i + 1}: ${p.name}${sk.mode === 'command' ? ' (steered)' : sk.mode === 'embedded' ? ' (own motion)' : ` on ${g.clip.name}`}`;
      entries.push({ segment: i, skill: await buildSkill(engine.model, engine, sk, p, clip, g.out - g.in, name) });
    }
    if (!entries.length) throw new Error('no policy segment on the timeline');
    checkRates(
      entries.map((e) => e.skill),
      'timeline',
    );
    if (Math.abs(entries[0].skill.stepDt - dt) > 1e-9)
      throw new Error(`the skills run at ${entries[0].skill.stepDt} s per control step, the timeline at ${dt}`);
    return new SkillTimelineDriver(engine, tl, dt, entries, nSteps, takeOver);
  } catch (e) {
    for (const x of entries) await x.skill.release().catch(() => undefined);
    throw e;
  }
}

/** The control step of the policies a timeline names (the first policy segment's), to set the app's rate. */
export function timelineStepDt(tl: Timeline, configOf: ConfigOf, globalPolicy: string | null): number | null {
  const g = tl.segments.find((x) => x.driver === 'policy');
  const id = g?.skill?.policyId ?? globalPolicy;
  return id ? configOf(id).cfg.stepDt : null;
}

/** Plain data for the test hook: the skills, the one running, the transition measures. */
export function skillInfo(d: Driver): {
  names: string[];
  current: number;
  inTransition: boolean;
  stats: SkillTimelineDriver['stats'];
} | null {
  if (!(d instanceof SkillTimelineDriver)) return null;
  return {
    names: d.entries.map((e) => e.skill.name),
    current: d.currentIndex(),
    inTransition: d.switcher.outgoing !== null,
    stats: { ...d.stats },
  };
}

export type { Skill };
