/**
 * One batch of evaluation episodes on one engine: env e of the batch runs episode `episodes[e]` with the
 * perturbations drawn for that index (rng(seed, index) only). This file loads the batch's inputs (robot,
 * clip, policy config; cached per process) and makes its engine; the episode loop itself is loop.ts
 * (shared with runEpisode), which adds what the controller has no hook for: action delay, observation
 * noise, per-env non-finite counting, pushes, friction, mass, initial-state noise.
 */
import { terrainOption } from './terrain'; // terrain (issue 16)
import type { RobotModel } from '../model/types';
import { ReferenceTrack } from '../motion/reference';
import type { MotionClip } from '../motion/types';
import { createEngine, createRapierEngine } from '../physics/index';
import type { BatchState, PhysicsEngine, PhysicsOptions } from '../physics/types';
import { EpisodeRecorders, recordingName, type EpisodeRecording } from './record-episodes';
import { builtinGains } from '../policy/builtin';
import type { PolicyConfig } from '../policy/config';
import { armatureFromStiffness } from '../policy/conventions';
import { ARMATURE_NOTE, hasNoArmature, policyArmature } from '../policy/gains';
import { startModeOf, type StartModeInput } from '../policy/start';
import { runEpisodes, type DriverKind, type EpisodesOutcome } from './loop';
import type { Scenario } from './scenario';
import type { ClipDiagnostics } from './clip-diagnostics';
import type { ReferenceWarning } from '../motion/diagnose';
import { describeSelection, type MetricOptions, type MetricSettings } from './metric-settings';
import { SplitEngine } from './split-engine';
import type { ClipSource, EvalVariant, RobotSource } from './setup';
import { loadInputs, memo, seedInputs, type BatchInputs } from './inputs';
import type { EpisodeRecord, PolicyInfo } from './types';

export interface BatchJob {
  robot: RobotSource;
  variant: EvalVariant;
  /** the reference clip; `{ file, embedded: true }` (no data): the policy's own reference / motion length */
  clip: ClipSource | MotionClip;
  scenario: Scenario;
  /** episode indices, one env each */
  episodes: number[];
  /** cap on the evaluated time, s (default: the whole clip) */
  seconds?: number;
  /** how episodes start (default 'ground') */
  start?: StartModeInput;
  /** key bodies and frame rate of the per-frame metric sets */
  metrics?: MetricOptions;
  /** false: keep a broken first/last reference frame (default: dropped, with a warning) */
  repair?: boolean;
  /** record every episode's trajectory (BatchOutput.recordings) */
  record?: boolean;
}

export interface BatchOutput {
  records: EpisodeRecord[];
  adjustments: string[];
  jointNames: string[];
  clipName: string;
  controlSteps: number;
  /** wall time of the control loop / control steps, ms (all envs of the batch) */
  msPerControlStep: number;
  /** what the policy's configuration says about itself (absent without a policy) */
  policyInfo?: PolicyInfo;
  metricSettings?: MetricSettings;
  clipDiagnostics?: ClipDiagnostics;
  /** reference diagnostics (motion/diagnose.ts) of the clip or of the policy's embedded reference */
  referenceWarnings: ReferenceWarning[];
  /** with job.record: per episode, the trajectory files (record-episodes.ts) */
  recordings?: EpisodeRecording[];
}

/** Progress callback: control steps done and total of this batch. */
export type BatchProgress = (done: number, total: number) => void;

/** Armature for robots that carry none, from the gains the driver will use (noted). */
function armatureOf(model: RobotModel, cfg: PolicyConfig | null, driver: DriverKind): number[] | null {
  if (cfg) return policyArmature(model, cfg);
  if (driver !== 'reference' || !hasNoArmature(model)) return null;
  return builtinGains(model).kp.map(armatureFromStiffness);
}

async function makeEngine(job: BatchJob, model: RobotModel, options: Partial<PhysicsOptions>, n: number): Promise<PhysicsEngine> {
  const isMjcf = /<\s*mujoco\b/.test(job.robot.text);
  // Rapier: one world per env (see split-engine.ts), so that an episode's result does not depend on its batch
  return job.variant.engine === 'rapier'
    ? SplitEngine.create(n, () => createRapierEngine(model, { ...options, n: 1 }))
    : createEngine(job.variant.engine, model, options, isMjcf ? { xml: job.robot.text, files: job.robot.files } : undefined);
}

/** The configuration facts a report names: family, source, profile-filled keys, warnings, held joints. */
export function policyInfoOf(cfg: PolicyConfig | null): PolicyInfo | undefined {
  if (!cfg) return undefined;
  return {
    policy_family: cfg.family ?? 'unknown',
    config_source: cfg.source,
    filled_from_profile: cfg.filledFromProfile ?? [],
    config_warnings: cfg.warnings ?? [],
    ...(cfg.heldJoints?.names.length ? { held_joints: cfg.heldJoints.names } : {}),
  };
}

function toOutput(job: BatchJob, inp: BatchInputs, o: EpisodesOutcome, engineNotes: string[]): BatchOutput {
  const records: EpisodeRecord[] = job.episodes.map((index, e) => ({
    index,
    ...o.acc.result(e, {
      survived_s: o.survived[e],
      clip_s: o.evalSeconds,
      termination: o.termination[e],
      non_finite_actions: o.nonFinite[e],
    }),
    perturbation: o.pert[e],
  }));
  const info = policyInfoOf(inp.config);
  return {
    records,
    adjustments: [...engineNotes, ...o.notes],
    jointNames: o.sel.joints.map((j) => inp.model.joints[j].name),
    clipName: o.clipName,
    controlSteps: o.done,
    msPerControlStep: o.msPerControlStep,
    ...(info ? { policyInfo: info } : {}),
    metricSettings: describeSelection(inp.model, o.sel),
    ...(inp.clipDiagnostics ? { clipDiagnostics: inp.clipDiagnostics } : {}),
    referenceWarnings: inp.clipDiagnostics?.reference_warnings ?? o.referenceWarnings,
  };
}

/**
 * Run one batch. `primed`: parsed inputs the sender already made (inputs.ts primeInputs), taken into this process's
 * input cache first, so that a worker does not parse the robot, clip and policy again.
 */
export async function runBatch(job: BatchJob, onProgress?: BatchProgress, primed?: [string, unknown][]): Promise<BatchOutput> {
  if (primed) seedInputs(primed);
  const inp = loadInputs(job);
  const { model, config: cfg } = inp,
    v = job.variant,
    n = job.episodes.length;
  const physicsDt = cfg?.physicsDt ?? v.physics?.dt ?? 0.005;
  const decimation = cfg?.decimation ?? Math.max(1, Math.round(0.02 / physicsDt));
  const notes: string[] = [];
  const armature = armatureOf(model, cfg, inp.driver);
  if (armature) notes.push(ARMATURE_NOTE);
  if (v.gainScale !== undefined && v.gainScale !== 1) notes.push(`PD gains scaled ×${v.gainScale}`);
  const terrain = terrainOption(job.scenario); // terrain (issue 16)
  const raw = await makeEngine(job, model, { ...v.physics, n, dt: physicsDt, ...(armature ? { armature } : {}), ...terrain }, n);
  try {
    const controlDt = physicsDt * decimation;
    const track =
      inp.clip && !cfg?.embeddedReference
        ? memo(inp.clipKey && `${inp.clipKey}|track:${controlDt}`, () => new ReferenceTrack(model, inp.clip!, controlDt))
        : undefined;
    const clipLabel = 'jointNames' in job.clip ? job.clip.name : job.clip.file;
    const rec = job.record
      ? new EpisodeRecorders(
          model,
          controlDt,
          job.episodes.map((i) => recordingName(v.label, clipLabel, job.scenario.name, i)),
          cfg?.jointNames,
        )
      : null;
    const hooks = rec
      ? {
          onTermination: (e: number) => rec.stop(e),
          onControl: (_k: number, st: BatchState, a: Float32Array | null, t: Float32Array | null) => rec.step(st, a, t),
        }
      : {};
    const out = await runEpisodes(
      {
        model,
        raw,
        driver: inp.driver,
        config: cfg,
        policy: v.policy,
        clip: inp.clip,
        track,
        scenario: job.scenario,
        episodes: job.episodes,
        physicsDt,
        decimation,
        seconds: job.seconds,
        start: startModeOf(job.start),
        gainScale: v.gainScale,
        assist: v.assist,
        metrics: job.metrics,
        repair: job.repair,
      },
      { onProgress, ...hooks },
    );
    const result = toOutput(job, inp, out, [...raw.adjustments, ...notes]);
    return rec ? { ...result, recordings: rec.recordings() } : result;
  } finally {
    raw.free();
  }
}
