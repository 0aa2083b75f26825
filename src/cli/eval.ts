/**
 * Headless evaluation: `npm run --silent eval -- --robot PATH --policy PATH [...] --json`.
 * Without --scenario: one nominal episode in this process; prints survived_s, clip_s, success,
 * mean_joint_err_rad, mean_anchor_pos_err_m, ms_per_control_step and the other metrics.
 * With --scenario: policies × engines × clips × scenarios × episodes in batches of --envs humanoids on
 * --workers worker threads; prints the aggregate (success_rate, means, 95% intervals) and every group.
 * Deterministic output: everything except the `timing` field (wall clock) — and, in single-episode mode, the
 * top-level ms_per_control_step the contract asks for — is byte-identical for the same inputs and seed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MimicError } from '../core/errors';
import { planTasks, runPlan, type EvalPlan, type Executor, type RunProgress } from '../core/evaluation/plan';
import { clipsCsv, episodesCsv, flatSummary, pooled, summaryCsv, toHtml, toJson } from '../core/evaluation/report';
import { readClipSource, type ClipSource } from '../core/evaluation/setup';
import type { EvalResult } from '../core/evaluation/types';
import { loadPolicyConfig, loadRobotSource, type PolicySource, type RobotSource } from '../core/evaluation/setup';
import { clipRows, datasetAggregate, failedEpisodes, failedList } from '../core/evaluation/dataset';
import { makeShardFile } from '../core/evaluation/merge';
import { statusText } from '../core/evaluation/verdict';
import { datasetClips, namesDataset } from './eval-dataset';
import { planFingerprint } from './eval-fingerprint';
import {
  clipBeside,
  defaultScenario,
  parseArgs,
  readClip,
  readPolicy,
  readRobot,
  readScenario,
  UsageError,
  USAGE,
  variantsOf,
  type CliOptions,
} from './eval-args';
import { createNodePool } from './pool';
import { primeInputs } from '../core/evaluation/inputs';
import type { Pool } from '../core/evaluation/pool';
import { earlyPool, warmList } from './eval-start';
import { exitWhenFlushed } from './exit';
import { locoTrack, skillPlan } from './eval-modes';
import { isEntry } from './entry';
import { useHullCache } from './hull-cache';

function progressBar(quiet: boolean): (p: RunProgress) => void {
  if (quiet) return () => {};
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (p) => {
    const pct = Math.floor(p.fraction * 100);
    if (pct === lastPct) return;
    if (!tty && pct % 10 !== 0 && pct !== 100) return;
    lastPct = pct;
    const w = 30,
      fill = Math.round((w * pct) / 100);
    const bar = `[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${String(pct).padStart(3)}%  batches ${p.tasksDone}/${p.tasks}`;
    process.stderr.write(tty ? `\r${bar}${pct === 100 ? '\n' : ''}` : `${bar}\n`);
  };
}

/** Without --motion: the policy's own reference (embedded or a motion length), else the one clip beside it. */
function defaultClips(o: CliOptions, robot: RobotSource, policies: PolicySource[]): ClipSource[] {
  if (!o.policies.length) throw new UsageError('--motion is required without a policy');
  const cfg = loadPolicyConfig(policies[0], loadRobotSource(robot));
  if (cfg.embeddedReference || cfg.motionSeconds) return [{ file: policies[0].file, embedded: true }];
  return [readClip(clipBeside(o.policies[0]))];
}

/** The clip paths given on the command line: --motion entries (files, folders, globs) and --motion-list files. */
export function clipPaths(o: CliOptions): string[] {
  return o.motions.length || o.motionLists.length ? datasetClips(o.motions, o.motionLists) : [];
}

const DEFAULT_RETARGET = fileURLToPath(new URL('../../motions/retarget/cmu-humanoid29.json', import.meta.url));

/** A multi-clip file (a PHC pickle) as one source per clip, named `file#clip`. */
function clipEntries(c: ClipSource, robot: RobotSource): ClipSource[] {
  if (!/\.(pkl|pickle|joblib)$/i.test(c.file)) return [c];
  const names = readClipSource(c, loadRobotSource(robot)).map((x) => x.name);
  return names.length === 1 ? [c] : names.map((entry) => ({ ...c, file: `${c.file}#${entry}`, entry }));
}

function readClipWithRetarget(path: string, o: CliOptions): ClipSource {
  const c = readClip(path, o.fps);
  if (!/\.bvh$/i.test(path)) return c;
  const cfg = o.retarget ?? DEFAULT_RETARGET;
  if (!existsSync(cfg)) throw new MimicError('ParseError', cfg, '--retarget', 'no such file');
  return { ...c, retarget: JSON.parse(readFileSync(cfg, 'utf8')) };
}

export function buildPlan(o: CliOptions): EvalPlan {
  const robot = readRobot(o.robot);
  const policies = o.policies.map((p, i) => readPolicy(p, o.configs[i] ?? (o.configs.length === 1 ? o.configs[0] : undefined)));
  const motions = clipPaths(o);
  const clips = motions.length ? motions.flatMap((m) => clipEntries(readClipWithRetarget(m, o), robot)) : defaultClips(o, robot, policies);
  const scenarios = o.scenarios.length ? o.scenarios.map((s) => readScenario(s, o.seed)) : [defaultScenario(o.seed)];
  const variants = variantsOf(o, policies);
  if (o.compare && variants.length < 2)
    throw new UsageError(
      '--compare needs two or more variants: several --policy, an --engine list, --solver-iterations or --gain-scale lists',
    );
  const metrics =
    o.keyBodies || o.metricFps !== undefined
      ? { ...(o.keyBodies ? { keyBodies: o.keyBodies } : {}), ...(o.metricFps !== undefined ? { fps: o.metricFps } : {}) }
      : undefined;
  return {
    robot,
    variants,
    clips,
    scenarios,
    episodes: o.episodes,
    envs: o.envs,
    seconds: o.seconds,
    ...(o.start ? { start: o.start } : {}),
    ...(metrics ? { metrics } : {}),
    ...(o.shard ? { shard: o.shard } : {}),
    ...(o.repair ? {} : { repair: false }),
  };
}

/** The policy facts of a group (family, config source...), for the top level of the JSON. */
const policyFacts = (g: EvalResult['groups'][number]) => {
  if (g.config_source === undefined) return {};
  return {
    policy_family: g.policy_family,
    config_source: g.config_source,
    filled_from_profile: g.filled_from_profile,
    config_warnings: g.config_warnings,
    ...(g.held_joints ? { held_joints: g.held_joints } : {}),
  };
};

/** Report files: eval.json, episodes.csv, summary.csv, clips.csv, report.html and failed.txt (clip paths). */
export function writeReport(dir: string, r: EvalResult, paths: string[] = []): void {
  mkdirSync(dir, { recursive: true });
  const byName = new Map(paths.map((p) => [basename(p), resolve(p)]));
  writeFileSync(join(dir, 'eval.json'), toJson(r));
  writeFileSync(join(dir, 'episodes.csv'), episodesCsv(r));
  writeFileSync(join(dir, 'summary.csv'), summaryCsv(r));
  writeFileSync(join(dir, 'clips.csv'), clipsCsv(r));
  writeFileSync(
    join(dir, 'failed.txt'),
    failedList(r, (c) => byName.get(c) ?? c),
  );
  writeFileSync(join(dir, 'report.html'), toHtml(r, `Evaluation · ${r.robot}`));
}

/** An executor that records every episode of its batches and writes the files under `dir` (--record). */
function recording(ex: Executor, dir: string): Executor {
  mkdirSync(dir, { recursive: true });
  return async (job, onP) => {
    const out = await ex({ ...job, record: true }, onP);
    for (const r of out.recordings ?? []) for (const [name, data] of Object.entries(r.files)) writeFileSync(join(dir, name), data);
    const { recordings: _r, ...rest } = out;
    return rest;
  };
}

/** Reference warnings of every clip (or embedded reference), once per clip. */
export function referenceWarnings(r: EvalResult): Record<string, unknown>[] {
  const seen = new Set<string>();
  return r.groups.flatMap((g) => {
    if (seen.has(g.clip)) return [];
    seen.add(g.clip);
    return (g.reference_warnings ?? []).map((w) => ({ clip: g.clip, ...w }));
  });
}

/** The JSON printed with --json in scenario mode (timing separate). */
export function aggregateJson(r: EvalResult): Record<string, unknown> {
  const all = pooled(r);
  const one = r.groups.every((g) => g.policy === r.groups[0].policy);
  return {
    ...flatSummary(all),
    invalid: all.invalid,
    stats: all.stats,
    sets: all.sets,
    robot: r.robot,
    settings: r.settings,
    ...(one && r.groups.length ? policyFacts(r.groups[0]) : {}),
    reference_warnings: referenceWarnings(r),
    dataset: datasetAggregate(r),
    clips: clipRows(r),
    failed: failedEpisodes(r),
    groups: r.groups.map((g) => ({ ...g, summary: flatSummary(g.aggregate) })),
    timing: r.timing,
  };
}

/**
 * The run's workers: the one started early (or one now), and as many more as the plan has batches for, up to
 * --workers (a run of one batch runs on one worker: a second would only take the cores from the first).
 */
function workerPools(o: CliOptions, plan: EvalPlan, early: Pool | null): Pool[] {
  let tasks: number;
  try {
    tasks = planTasks(plan).tasks.length;
  } catch (e) {
    void early?.close(); // a plan over the limits: its error is the run's
    throw e;
  }
  const pools = [early ?? createNodePool(1, warmList(o))];
  const want = Math.min(o.workers, tasks);
  if (want > pools[0].executors.length) pools.push(createNodePool(want - pools[0].executors.length, warmList(o)));
  return pools;
}

/** The CLI; `started`: the pool the launcher already started (eval-start.ts), undefined: start it here. */
export async function main(argv: string[], started?: Pool | null): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      if (!e.message) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
      }
      process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const skills = skillPlan(o);
  if (skills) return (await import('./eval-skills')).runSkillsCli(o, skills);
  const loco = locoTrack(o);
  if (loco) return (await import('./eval-loco')).runLocoCli(o, loco);
  if (!o.policies.length && (!o.driver || o.driver === 'policy')) {
    process.stderr.write(`error: --policy is required (or --driver reference|zero, or a --scenario with skills)\n${USAGE}\n`);
    return 2;
  }
  // scenario runs use workers: they start (and warm their engines) while the inputs are read (src/cli/pool.ts)
  const early = started === undefined ? earlyPool(o) : started;
  const plan = await Promise.resolve()
    .then(() => buildPlan(o))
    .catch(async (e: unknown) => {
      await early?.close();
      throw e;
    });
  const single =
    !o.scenarios.length &&
    (o.episodes ?? 1) === 1 &&
    plan.variants.length === 1 &&
    plan.clips.length === 1 &&
    !o.shard &&
    !namesDataset(o.motions, o.motionLists);
  const progress = progressBar(o.quiet);
  let executors: Executor[];
  let close = async () => {};
  // the in-process runner (engines, onnxruntime) is loaded only here: a pooled run's main thread never needs it
  if (single || o.workers === 0) executors = [async (job, onP) => (await import('../core/evaluation/episode')).runBatch(job, onP)];
  else {
    const pools = workerPools(o, plan, early);
    for (const p of pools) p.primeWith(primeInputs); // the robot, clip and policy parsed here once, while the workers boot (inputs.ts)
    executors = pools.flatMap((p) => p.executors);
    close = async () => void (await Promise.all(pools.map((p) => p.close())));
  }
  if (o.record) executors = executors.map((ex) => recording(ex, o.record!));
  let result: EvalResult;
  try {
    result = await runPlan(plan, executors, progress);
  } finally {
    await close();
  }
  const given = clipPaths(o);
  const paths = given.length ? given : plan.clips.flatMap((c) => ('file' in c && !c.embedded ? [c.file] : []));
  if (o.out) {
    mkdirSync(dirname(resolve(o.out)), { recursive: true });
    writeFileSync(o.out, JSON.stringify(makeShardFile(result, planFingerprint(plan), paths, o.shard)) + '\n');
  }
  if (o.report) writeReport(o.report, result, paths);
  if (!o.json && !o.quiet)
    for (const w of referenceWarnings(result))
      process.stderr.write(`reference warning (${String(w.clip)}): ${String(w.code)}: ${String(w.message)}\n`);
  if (single) {
    const g = result.groups[0],
      e = g.episodes[0];
    const { perturbation: _p, index: _i, ...metrics } = e;
    const out = {
      ...metrics,
      ms_per_control_step: result.timing.ms_per_control_step,
      engine: g.engine,
      policy: g.policy,
      clip: g.clip,
      ...policyFacts(g),
      start: result.settings.start,
      reference_warnings: g.reference_warnings,
      joint_names: g.joint_names,
      adjustments: g.adjustments,
      metric_settings: g.metric_settings,
      timing: result.timing,
    };
    if (o.json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      process.stdout.write(
        `${g.variant} on ${g.clip}: ${statusText(e)}, survived ${e.survived_s} / ${e.clip_s} s, ` +
          `joint error ${e.mean_joint_err_rad} rad, MPJPE ${e.mpjpe_m} m, anchor ${e.mean_anchor_pos_err_m} m, ${result.timing.ms_per_control_step} ms per control step\n`,
      );
    }
  } else if (o.json) process.stdout.write(JSON.stringify(aggregateJson(result)) + '\n');
  else {
    for (const g of result.groups) {
      const s = flatSummary(g.aggregate);
      const inv = g.aggregate.invalid ? `, INVALID ${g.aggregate.invalid}/${g.aggregate.episodes} (non-finite actions or metrics)` : '';
      process.stdout.write(
        `${g.variant} · ${g.clip} · ${g.scenario}: success ${g.aggregate.successes}/${g.aggregate.episodes}${inv}, survival ${s.survived_s} s, ` +
          `MPJPE ${s.mpjpe_m} m, joint RMSE ${s.joint_pos_rmse_rad} rad\n`,
      );
    }
    const ms = result.groups.find((g) => g.metric_settings)?.metric_settings;
    if (ms)
      process.stdout.write(
        `metric sets: frames at ${ms.frame_hz} Hz (control ${ms.control_hz} Hz), key bodies ${ms.key_bodies.join(', ')}\n`,
      );
    if (o.report) process.stdout.write(`report: ${join(o.report, 'report.html')}\n`);
  }
  return 0;
}

/** Run as the process's command: exit with main's code; errors to stderr (named errors as their message), exit 1. */
export function runAsCli(argv: string[], started?: Pool | null): void {
  useHullCache();
  main(argv, started).then(
    (code) => exitWhenFlushed(code),
    (e) => {
      if (e instanceof MimicError) process.stderr.write(`${e.message}\n`);
      else process.stderr.write(`error: ${(e as Error)?.stack ?? e}\n`);
      exitWhenFlushed(1);
    },
  );
}

if (isEntry(import.meta.url)) runAsCli(process.argv.slice(2));
