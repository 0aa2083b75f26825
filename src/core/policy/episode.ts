/**
 * One headless episode: a robot driven by an ONNX policy (or, without one, by the built-in controller)
 * through a clip — or the policy's own reference — on Rapier or MuJoCo-WASM, with BeyondMimic's terminations
 * and the evaluation's metrics. A batch of one of the evaluation's episode loop (evaluation/loop.ts), without
 * perturbations. Physics dt = the config's physicsDt (0.005 s); decimation = stepDt / physicsDt. When the
 * policy's gains were derived from armature and the robot file has none, that armature (a = kp/(2π·10)²) is
 * given to the engine (PhysicsOptions.armature) and reported in `adjustments`.
 */
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import { diagnoseClip, type ReferenceWarning } from '../motion/diagnose';
import type { MotionClip } from '../motion/types';
import { createMujocoEngine, createRapierEngine, type MujocoSource, type RapierExtraOptions } from '../physics/index';
import type { BatchState, PhysicsEngine, PhysicsOptions } from '../physics/types';
import { bodyPosError, type EpisodeMetrics } from '../evaluation/metrics';
import { jointErrors } from '../evaluation/joint-error';
import { metricSelection, runEpisodes, type EpisodesOutcome } from '../evaluation/loop';
import { nominalScenario } from '../evaluation/scenario';
import { builtinGains, builtinSettings } from './builtin';
import type { PolicyConfig } from './config';
import { loadPolicyConfig } from '../evaluation/setup';
import { ARMATURE_NOTE, hasNoArmature, policyArmature } from './gains';
import { startModeOf, type StartModeInput } from './start';
import type { TerminationReason } from './termination';

export interface EpisodeStepInfo {
  step: number;
  t: number;
  /** mean |q − q_ref| over the driven joints, env 0 */
  jointErr: number;
  /** anchor body position error, env 0, m */
  anchorErr: number;
  termination: TerminationReason | null;
  engine: PhysicsEngine;
  state: BatchState;
  ref: BatchState;
}

export interface EpisodeOptions {
  model: RobotModel;
  modelSource?: MujocoSource;
  engine: 'rapier' | 'mujoco';
  /** physics options; Rapier also takes `pd` ('mixed' by default: see below) */
  physics?: Partial<PhysicsOptions> & RapierExtraOptions;
  policy?: { bytes: Uint8Array; file: string; yaml?: string; yamlFile?: string; profile?: unknown; profileFile?: string };
  /** a config already resolved for `policy` (else resolved here) */
  config?: PolicyConfig;
  clip?: MotionClip;
  /** episode length cap; default: the clip's, the embedded reference's (probed) or the policy's motion length */
  seconds?: number;
  /** 'ground' (default), 'reference', 'default-pose' (old names 'reset', 'align') */
  start?: StartModeInput;
  /** false: keep a clip's / embedded reference's broken first or last frame (default: dropped, with a warning) */
  repair?: boolean;
  stopOnTermination?: boolean;
  /** built-in controller only: assistive wrench 0..1 */
  assist?: number;
  /** called every control step after the action is set and before physics (pushes go here) */
  onStep?: (info: EpisodeStepInfo) => void;
}

export interface EpisodeResult {
  /** reference diagnostics (motion/diagnose.ts) of the clip or the embedded reference, before running */
  reference_warnings: ReferenceWarning[];
  survived_s: number;
  clip_s: number;
  success: boolean;
  /** success | failed (terminated) | invalid (no scored step, non-finite actions or metrics): evaluation/verdict.ts */
  status: EpisodeMetrics['status'];
  invalid_reasons: string[];
  /** null when it could not be computed (the reason is in metric_notes), never 0 */
  mean_joint_err_rad: number | null;
  mean_anchor_pos_err_m: number | null;
  metric_notes: Record<string, string>;
  mean_torso_pos_err_m?: number;
  ms_per_control_step: number;
  /** control steps scored (the first act, on the start state, is not) */
  control_steps: number;
  terminations: { step: number; reason: TerminationReason; env: number }[];
  non_finite_actions: number;
  engine: 'rapier' | 'mujoco';
  adjustments: string[];
  driver: 'policy' | 'builtin';
  config_source?: string;
  policy_family?: string;
  filled_from_profile?: string[];
  config_warnings?: string[];
  /** robot joints the policy does not drive, held by PD */
  held_joints?: string[];
  /** the reference's name (the clip, or "<file> (embedded reference)") */
  clip?: string;
  start: string;
  /** the 'ground' start's vertical shift of robot and reference, m (0: the reference stood on the floor) */
  start_shift_m: number;
  /** anything else worth knowing about the run */
  notes?: string[];
}

function resolveConfig(opts: EpisodeOptions): PolicyConfig | null {
  const p = opts.policy;
  if (!p) return null;
  return opts.config ?? loadPolicyConfig(p, opts.model);
}

/** Physics options: the policy's dt, and armature from the gains when the robot has none (noted). */
function physicsOf(opts: EpisodeOptions, cfg: PolicyConfig | null, adjustments: string[]): Partial<PhysicsOptions> & RapierExtraOptions {
  const physics = { ...(opts.physics ?? {}) };
  if (cfg) physics.dt = cfg.physicsDt;
  else physics.dt ??= 0.005;
  if (physics.armature) return physics;
  const armature = cfg ? policyArmature(opts.model, cfg) : hasNoArmature(opts.model) ? builtinGains(opts.model).armature : null;
  if (armature) {
    physics.armature = armature;
    adjustments.push(ARMATURE_NOTE);
  }
  return physics;
}

// Rapier: the engine's PD (pd 'mixed': explicit torques on the joints whose gains allow it, the ForceBased motors on
// the others) unless asked otherwise — on the g1-dance-102 policy every joint is explicit at 1 × 10 solver
// iterations: 0.0626 rad / 0.070 m anchor vs the motors at 3 × 7 0.0630 / 0.073 (MuJoCo 0.0600 / 0.082; physics README)
const makeEngine = (opts: EpisodeOptions, physics: Partial<PhysicsOptions> & RapierExtraOptions): Promise<PhysicsEngine> =>
  opts.engine === 'rapier' ? createRapierEngine(opts.model, physics) : createMujocoEngine(opts.model, physics, opts.modelSource);

/** Env 0's joint and anchor errors and torso sum, per control step (the onStep report). */
function stepReporter(
  opts: EpisodeOptions,
  cfg: PolicyConfig | null,
  engine: PhysicsEngine,
  terms: EpisodeResult['terminations'],
  dt: number,
) {
  const model = opts.model,
    torso = model.bodyIndex.get('torso_link');
  const { joints, anchor, balls } = metricSelection(model, cfg);
  let torsoSum = 0,
    scoredSteps = 0;
  const report = (k: number, scored: boolean, ref: BatchState): void => {
    const s = engine.state;
    if (scored && torso !== undefined) {
      torsoSum += bodyPosError(s, ref, 0, [torso]);
      scoredSteps++;
    }
    if (!opts.onStep) return;
    const d = jointErrors(s, ref, 0, joints, balls ?? [], new Float64Array(joints.length));
    const jointErr = d.reduce((a, x) => a + Math.abs(x), 0) / Math.max(1, joints.length);
    const t =
      terms.length && terms[terms.length - 1].step === k && terms[terms.length - 1].env === 0 ? terms[terms.length - 1].reason : null;
    opts.onStep({ step: k, t: k * dt, jointErr, anchorErr: bodyPosError(s, ref, 0, [anchor]), termination: t, engine, state: s, ref });
  };
  return { report, torso: () => (torso !== undefined ? { mean_torso_pos_err_m: torsoSum / Math.max(1, scoredSteps) } : {}) };
}

function toResult(
  opts: EpisodeOptions,
  cfg: PolicyConfig | null,
  o: EpisodesOutcome,
  extra: Partial<EpisodeResult>,
  adjustments: string[],
): EpisodeResult {
  const m = o.acc.result(0, {
    survived_s: o.survived[0],
    clip_s: o.evalSeconds,
    termination: o.termination[0],
    non_finite_actions: o.nonFinite[0],
  });
  const shift = o.policy?.startShift[0] ?? 0;
  return {
    reference_warnings: o.referenceWarnings,
    survived_s: m.survived_s,
    clip_s: m.clip_s,
    success: m.success,
    status: m.status,
    invalid_reasons: m.invalid_reasons,
    mean_joint_err_rad: m.mean_joint_err_rad,
    mean_anchor_pos_err_m: m.mean_anchor_pos_err_m,
    metric_notes: m.metric_notes,
    ...extra,
    ms_per_control_step: o.msPerControlStep,
    control_steps: m.control_steps,
    terminations: extra.terminations ?? [],
    non_finite_actions: o.policy?.nonFiniteActions ?? 0,
    engine: opts.engine,
    adjustments,
    driver: cfg ? 'policy' : 'builtin',
    clip: o.clipName,
    start: cfg ? startModeOf(opts.start) : 'reference',
    start_shift_m: shift,
    ...(cfg
      ? {
          config_source: cfg.source,
          policy_family: cfg.family ?? 'unknown',
          filled_from_profile: cfg.filledFromProfile ?? [],
          config_warnings: cfg.warnings ?? [],
          ...(cfg.heldJoints?.names.length ? { held_joints: cfg.heldJoints.names } : {}),
        }
      : {}),
    ...(o.notes.length ? { notes: o.notes } : {}),
  };
}

export async function runEpisode(opts: EpisodeOptions): Promise<EpisodeResult> {
  const cfg = resolveConfig(opts);
  if (!cfg && !opts.clip) fail('PolicyError', '<episode>', 'clip', 'the built-in controller needs a motion clip');
  const adjustments: string[] = [];
  const physics = physicsOf(opts, cfg, adjustments);
  const engine = await makeEngine(opts, physics);
  try {
    const decimation = cfg ? cfg.decimation : Math.max(1, Math.round(0.02 / physics.dt!));
    const terms: EpisodeResult['terminations'] = [];
    const rep = stepReporter(opts, cfg, engine, terms, physics.dt! * decimation);
    const diag = opts.clip && !cfg?.embeddedReference ? diagnoseClip(opts.clip, opts.model, { repair: opts.repair }) : null;
    const o = await runEpisodes(
      {
        model: opts.model,
        raw: engine,
        driver: cfg ? 'policy' : 'reference',
        config: cfg,
        policy: opts.policy,
        clip: diag?.clip ?? opts.clip,
        repair: opts.repair,
        scenario: nominalScenario(),
        episodes: [0],
        physicsDt: physics.dt!,
        decimation,
        seconds: opts.seconds,
        start: startModeOf(opts.start),
        assist: cfg ? undefined : (opts.assist ?? builtinSettings.assist.default),
      },
      {
        stopOnTermination: opts.stopOnTermination,
        onTermination: (e, k, t) => terms.push({ step: k, reason: t.reason as TerminationReason, env: e }),
        onStep: rep.report,
      },
    );
    if (diag) o.referenceWarnings = diag.warnings;
    return toResult(opts, cfg, o, { terminations: terms, ...rep.torso() }, [...adjustments, ...engine.adjustments]);
  } finally {
    engine.free();
  }
}
