/**
 * Which run the eval arguments ask for, decided before anything heavy is loaded: a composed / blended skill plan
 * (eval-skills.ts), a velocity-command track (eval-loco.ts), else an evaluation plan (eval.ts).
 */
import { basename, dirname } from 'node:path';
import { nominalScenario, type Scenario } from '../core/evaluation/scenario';
import { skillPlanOf, type SkillPlan } from '../core/evaluation/skill-plan';
import { CommandTrack, parseCommandArg, parseCommandTrack } from '../core/policy/commands';
import { readScenario, scenarioJsons, type CliOptions } from './eval-args';

/** The skill plan of the first --scenario file with `skills` or `blend`, and the first other one as perturbations. */
export function skillPlan(o: CliOptions): { plan: SkillPlan; dir: string; scenario: Scenario } | null {
  for (const { path, json } of scenarioJsons(o)) {
    const plan = skillPlanOf(json, basename(path));
    if (!plan) continue;
    const other = o.scenarios.find((p) => p !== path);
    return { plan, dir: dirname(path), scenario: other ? readScenario(other, o.seed) : nominalScenario(o.seed ?? 0) };
  }
  return null;
}

/** The command track the options ask for: --command, or the first --scenario file with `commands`; else null. */
export function locoTrack(o: CliOptions): CommandTrack | null {
  const t = commandTrackOf(o);
  return t && o.headingHold ? t.withHeadings() : t;
}

function commandTrackOf(o: CliOptions): CommandTrack | null {
  if (o.command) return CommandTrack.constant(parseCommandArg(o.command));
  const found = scenarioJsons(o).find((s) => 'commands' in s.json);
  if (found) return parseCommandTrack(found.json.commands, basename(found.path), found.json.interp ?? 'linear');
  return null;
}
