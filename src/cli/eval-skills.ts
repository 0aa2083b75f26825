/**
 * `npm run eval -- --robot R --scenario FILE` where FILE has a `skills` block (policies composed in time) or
 * a `blend` block (policies and clips mixed per joint): core/evaluation/skill-plan.ts. Runs it on each
 * --engine through the episode loop (a fall ends it; other --scenario files add their perturbations) and
 * reports per segment: joint and anchor error of tracking segments, seconds survived, the transition's largest
 * joint-target jump; per blended skill its tracking error. JSON with --json, else one line per segment.
 */
import { basename, isAbsolute, join } from 'node:path';
import { fail } from '../core/errors';
import type { RobotModel } from '../core/model/types';
import type { PhysicsEngine } from '../core/physics/types';
import { loadClip, loadPolicyConfig, loadRobotSource } from '../core/evaluation/setup';
import type { Scenario } from '../core/evaluation/scenario';
import type { SkillEntry, SkillPlan } from '../core/evaluation/skill-plan';
import { bodyParts, runBlend, SmoothWeights } from '../core/policy/blend';
import { runComposition, type CompositionResult } from '../core/policy/compose';
import { makeEngine, type EngineName } from '../core/policy/locomotion';
import { clipSkill, policySkill, type Skill } from '../core/policy/skills';
import { readClip, readPolicy, readRobot, type CliOptions } from './eval-args';
import type { skillPlan } from './eval-modes';

const at = (dir: string, p: string) => (isAbsolute(p) ? p : join(dir, p));

/** The plan's skills on one engine: policies first (their control rate), then clips played by PD at that rate. */
async function makeSkills(model: RobotModel, plan: SkillPlan, dir: string, engineName: EngineName, seconds: number) {
  const first = plan.skills.find((s) => s.policy);
  if (!first) fail('PolicyError', plan.file, 'skills', 'a composed or blended skill needs at least one policy (its control rate)');
  const src = (s: SkillEntry) => readPolicy(at(dir, s.policy!), s.config && at(dir, s.config));
  const cfg = loadPolicyConfig(src(first!), model);
  const adjustments: string[] = [];
  const engine = await makeEngine(model, engineName, cfg, adjustments);
  const skills: Skill[] = [];
  try {
    for (const s of plan.skills) {
      const clip = s.clip ? loadClip(readClip(at(dir, s.clip)), model) : undefined;
      const name = s.name ?? basename(s.policy ?? s.clip!);
      skills.push(
        s.policy
          ? await policySkill({ model, engine, policy: src(s), name, clip, commands: s.commands, seconds })
          : clipSkill(model, { ...clip!, name }, cfg.stepDt, cfg.decimation),
      );
    }
  } catch (e) {
    await release(skills, engine);
    throw e;
  }
  return { engine, skills, adjustments };
}

async function release(skills: Skill[], engine: PhysicsEngine): Promise<void> {
  for (const s of skills) await s.release();
  engine.free();
}

/** Per-joint weights of a blend: each skill on its parts (all joints when none) at its weight, set at once. */
function blendWeights(model: RobotModel, plan: SkillPlan, rate: number): SmoothWeights {
  const parts = bodyParts(model),
    w = new SmoothWeights(plan.skills.length, model.joints.length, rate);
  plan.skills.forEach((s, k) =>
    w.set(
      k,
      s.weight,
      s.parts?.flatMap((p) => parts[p]),
      true,
    ),
  );
  return w;
}

async function runOne(model: RobotModel, plan: SkillPlan, dir: string, engineName: EngineName, scenario: Scenario) {
  const total = plan.kind === 'blend' ? plan.seconds : plan.skills.reduce((a, s) => a + s.seconds, 0);
  const { engine, skills, adjustments } = await makeSkills(model, plan, dir, engineName, total);
  try {
    if (plan.kind === 'compose') {
      const segments = skills.map((skill, i) => ({ skill, seconds: plan.skills[i].seconds, transition: plan.skills[i].transition }));
      return { engine: engineName, kind: plan.kind, ...(await runComposition({ engine, segments, scenario })), adjustments };
    }
    const weights = blendWeights(model, plan, plan.rate);
    const r = await runBlend({ engine, skills, weights, seconds: plan.seconds, scenario });
    return { engine: engineName, kind: plan.kind, ...r, adjustments };
  } finally {
    await release(skills, engine);
  }
}

const f = (x: number | null, d = 3) => (x === null ? '—' : x.toFixed(d));

function segmentLines(r: CompositionResult): string[] {
  return r.segments.map(
    (s) =>
      `  ${s.name}: ${f(s.start_s, 2)} s +${s.seconds} s (transition ${s.transition_s} s, largest jump ${f(s.max_jump_rad)} rad), ` +
      `survived ${f(s.survived_s, 2)} s, joint_err ${f(s.joint_err_rad)} rad, anchor_err ${f(s.anchor_err_m)} m`,
  );
}

export async function runSkillsCli(o: CliOptions, found: NonNullable<ReturnType<typeof skillPlan>>): Promise<number> {
  const model = loadRobotSource(readRobot(o.robot));
  const runs = [];
  for (const engine of o.engines) runs.push(await runOne(model, found.plan, found.dir, engine, found.scenario));
  if (o.json) {
    process.stdout.write(JSON.stringify({ robot: model.name, scenario: found.scenario.name, runs }) + '\n');
    return 0;
  }
  for (const r of runs) {
    const head = `${found.plan.kind} · ${r.engine}: ${r.fall ? `fell at ${r.fall.t.toFixed(2)} s (${r.fall.reason})` : 'no fall'}, survived ${r.survived_s.toFixed(2)} / ${r.seconds} s`;
    const lines =
      'segments' in r ? segmentLines(r) : Object.entries(r.tracking_err_rad).map(([n, e]) => `  ${n}: tracking_err ${f(e)} rad`);
    process.stdout.write([head, ...lines].join('\n') + '\n');
  }
  return 0;
}
