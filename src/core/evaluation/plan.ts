/**
 * An evaluation run: variants (policies × engines × settings) × clips × scenarios × episodes, split into
 * batches of `envs` episodes with a FIXED composition (batch b of a group = episodes b·envs … b·envs+envs−1),
 * so results never depend on which worker ran what or when. Results are assembled by group and episode index.
 */
import { terrainFacts, terrainLevels } from './terrain'; // terrain (issue 16)
import { fail } from '../errors';
import { LIMITS } from '../validate';
import { aggregate } from './metrics';
import type { BatchJob, BatchOutput } from './episode';
import { startModeOf, type StartModeInput } from '../policy/start';
import type { MotionClip } from '../motion/types';
import { checkSuiteWork, type Scenario } from './scenario';
import type { ClipSource, EvalVariant, RobotSource } from './setup';
import type { MetricOptions } from './metric-settings';
import type { EvalResult, GroupResult } from './types';

export interface EvalPlan {
  robot: RobotSource;
  variants: EvalVariant[];
  /** clip files, or clips already parsed (the app) */
  clips: (ClipSource | MotionClip)[];
  scenarios: Scenario[];
  /** episodes per (variant, clip, scenario); default: the scenario's own `episodes`, else 1 */
  episodes?: number;
  /** envs per engine batch (default 4) */
  envs?: number;
  /** cap on the evaluated time per episode, s */
  seconds?: number;
  /** how episodes start (default 'ground') */
  start?: StartModeInput;
  /** key bodies and frame rate of the per-frame metric sets */
  metrics?: MetricOptions;
  /** false: keep broken first/last reference frames (--no-repair) */
  repair?: boolean;
  /** run only slice `index` of `count`: the episodes whose ordinal in the plan (groups in order, then episode index) ≡ index mod count */
  shard?: { index: number; count: number };
}

/** Does the shard own the episode with this ordinal in the plan? (round robin: stable, balanced) */
export const inShard = (ordinal: number, shard?: { index: number; count: number }): boolean =>
  !shard || ordinal % shard.count === shard.index;

export interface PlannedGroup {
  variant: EvalVariant;
  clip: ClipSource | MotionClip;
  scenario: Scenario;
  episodes: number;
}

export interface PlannedTask {
  group: number;
  job: BatchJob;
}

export function planTasks(plan: EvalPlan): { groups: PlannedGroup[]; tasks: PlannedTask[] } {
  const envs = Math.max(1, plan.envs ?? 4);
  const groups: PlannedGroup[] = [];
  const tasks: PlannedTask[] = [];
  let ordinal = 0;
  let work = 0;
  for (const variant of plan.variants) {
    for (const clip of plan.clips) {
      for (const scenario of plan.scenarios.flatMap(terrainLevels)) {
        // a terrain ladder: one scenario per level (issue 16)
        const episodes = Math.max(1, plan.episodes ?? scenario.episodes ?? 1);
        const seconds = Math.min(plan.seconds ?? Infinity, scenario.seconds ?? Infinity);
        const secs = Number.isFinite(seconds) ? seconds : 0; // unknown until the clip is read (a clip is capped too)
        checkSuiteWork(episodes, secs, scenario.file ?? `scenario ${scenario.name}`, 'episodes');
        work += episodes * secs;
        if (work > LIMITS.maxSuiteWork) {
          fail(
            'ParseError',
            scenario.file ?? `scenario ${scenario.name}`,
            'episodes',
            `the suite adds up to ${work} robot-seconds (variants × clips × scenarios × episodes × seconds), above the limit of ${LIMITS.maxSuiteWork}`,
          );
        }
        const g = groups.push({ variant, clip, scenario, episodes }) - 1;
        const mine = Array.from({ length: episodes }, (_, i) => i).filter((i) => inShard(ordinal + i, plan.shard));
        ordinal += episodes;
        for (let b = 0; b * envs < mine.length; b++) {
          const idx = mine.slice(b * envs, b * envs + envs);
          tasks.push({
            group: g,
            job: {
              robot: plan.robot,
              variant,
              clip,
              scenario,
              episodes: idx,
              seconds: plan.seconds,
              ...(plan.metrics ? { metrics: plan.metrics } : {}),
              ...(plan.start ? { start: plan.start } : {}),
              ...(plan.repair === false ? { repair: false } : {}),
            },
          });
        }
      }
    }
  }
  return { groups, tasks };
}

/** Runs jobs somewhere (a worker pool, or in-process); `onProgress` reports control steps of that job. */
export type Executor = (job: BatchJob, onProgress: (done: number, total: number) => void) => Promise<BatchOutput>;

export interface RunProgress {
  /** fraction done, 0..1 (by control steps, estimated per batch) */
  fraction: number;
  tasksDone: number;
  tasks: number;
}

/**
 * Execute a plan with `concurrency` executors pulling batches from a queue, then assemble the result.
 * `executors[i]` runs on slot i (one per worker).
 */
export async function runPlan(plan: EvalPlan, executors: Executor[], onProgress?: (p: RunProgress) => void): Promise<EvalResult> {
  const { groups, tasks } = planTasks(plan);
  const outputs = new Array<BatchOutput | undefined>(tasks.length);
  const frac = new Float64Array(tasks.length);
  const t0 = Date.now();
  let next = 0,
    done = 0;
  const report = () =>
    onProgress?.({ fraction: frac.reduce((a, b) => a + b, 0) / Math.max(1, tasks.length), tasksDone: done, tasks: tasks.length });
  let failed: unknown = null;
  const slot = async (ex: Executor) => {
    while (next < tasks.length && failed === null) {
      const i = next++;
      try {
        outputs[i] = await ex(tasks[i].job, (d, tot) => {
          frac[i] = d / Math.max(1, tot);
          report();
        });
      } catch (e) {
        failed ??= e;
        return;
      }
      frac[i] = 1;
      done++;
      report();
    }
  };
  await Promise.all(executors.map(slot));
  if (failed !== null) throw failed instanceof Error ? failed : new Error('an evaluation task failed');
  const wall = (Date.now() - t0) / 1000;
  return assemble(plan, groups, tasks, outputs as BatchOutput[], { wall_s: wall, workers: executors.length });
}

const baseName = (f: string): string => f.split(/[\\/]/).pop() ?? f;

export function assemble(
  plan: EvalPlan,
  groups: PlannedGroup[],
  tasks: PlannedTask[],
  outputs: BatchOutput[],
  t: { wall_s: number; workers: number },
): EvalResult {
  const envs = Math.max(1, plan.envs ?? 4);
  let msSum = 0,
    stepSum = 0,
    envSteps = 0;
  const results: GroupResult[] = groups.map((g, gi) => {
    const mine = tasks.map((task, i) => ({ task, out: outputs[i] })).filter((x) => x.task.group === gi);
    const episodes = mine.flatMap((x) => x.out.records).sort((a, b) => a.index - b.index);
    for (const x of mine) {
      msSum += x.out.msPerControlStep * x.out.controlSteps;
      stepSum += x.out.controlSteps;
      envSteps += x.out.controlSteps * x.task.job.episodes.length;
    }
    const first: Partial<BatchOutput> = mine[0]?.out ?? {};
    return {
      id: `g${gi}`,
      variant: g.variant.label,
      policy: g.variant.policy ? baseName(g.variant.policy.file) : `(${g.variant.driver ?? 'reference'} driver)`,
      engine: g.variant.engine,
      clip: 'file' in g.clip ? (g.clip.embedded ? (first.clipName ?? baseName(g.clip.file)) : baseName(g.clip.file)) : g.clip.name,
      scenario: g.scenario.name,
      seed: g.scenario.seed,
      ...terrainFacts(g.scenario), // terrain (issue 16)
      joint_names: first.jointNames ?? [],
      adjustments: first.adjustments ?? [],
      ...(first.policyInfo ?? {}),
      metric_settings: first.metricSettings ?? null,
      clip_diagnostics: first.clipDiagnostics ?? null,
      reference_warnings: first.referenceWarnings ?? [],
      aggregate: aggregate(episodes),
      episodes,
    };
  });
  const ms = stepSum ? msSum / stepSum : NaN;
  return {
    format: 'mimic-bench-eval/1',
    robot: baseName(plan.robot.file),
    settings: {
      seconds: plan.seconds ?? null,
      episodes: Math.max(...groups.map((g) => g.episodes)),
      envs,
      start: startModeOf(plan.start),
      metrics: { key_bodies: plan.metrics?.keyBodies ?? null, fps: plan.metrics?.fps ?? null },
    },
    groups: results,
    timing: {
      wall_s: Number(t.wall_s.toFixed(3)),
      workers: t.workers,
      ms_per_control_step: Number(ms.toFixed(3)),
      ms_per_env_control_step: Number((msSum / Math.max(1, envSteps)).toFixed(3)),
    },
  };
}
