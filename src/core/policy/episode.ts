/**
 * One headless episode: a robot driven by an ONNX policy (or, without one, by the built-in controller)
 * through a clip on Rapier or MuJoCo-WASM, with BeyondMimic's terminations and tracking metrics.
 * Physics dt = the config's physicsDt (0.005 s); decimation = stepDt / physicsDt. When the policy's gains were
 * derived from armature and the robot file has none, that armature (a = kp/(2π·10)²) is given to the
 * engine (PhysicsOptions.armature) and reported in `adjustments`.
 */
import { fail, MimicError } from '../errors';
import type { RobotModel } from '../model/types';
import { clipDuration, type MotionClip } from '../motion/types';
import { ReferenceTrack } from '../motion/reference';
import { createMujocoEngine, createRapierEngine, type MujocoSource, type RapierExtraOptions } from '../physics/index';
import type { BatchState, PhysicsEngine, PhysicsOptions } from '../physics/types';
import { BuiltinController, builtinGains } from './builtin';
import { armatureFromStiffness, DEFAULT_ANCHOR, G1_END_EFFECTORS, resolvePolicyConfig, type PolicyConfig } from './config';
import { PolicyController, type StartMode } from './controller';
import { readOnnxInfo } from './onnx';
import { PolicySession } from './session';
import { checkTermination, type TerminationReason } from './termination';

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
  /** physics options; Rapier also takes `pd` ('motor' by default here: see below) */
  physics?: Partial<PhysicsOptions> & RapierExtraOptions;
  policy?: { bytes: Uint8Array; file: string; yaml?: string; yamlFile?: string; profile?: unknown; profileFile?: string };
  clip?: MotionClip;
  /** episode length; default: the clip's (10 s for an embedded reference without a clip) */
  seconds?: number;
  start?: StartMode;
  stopOnTermination?: boolean;
  /** built-in controller only: assistive wrench 0..1 */
  assist?: number;
  /** called every control step after the action is set and before physics (pushes go here) */
  onStep?: (info: EpisodeStepInfo) => void;
}

export interface EpisodeResult {
  survived_s: number;
  clip_s: number;
  success: boolean;
  mean_joint_err_rad: number;
  mean_anchor_pos_err_m: number;
  mean_torso_pos_err_m?: number;
  ms_per_control_step: number;
  control_steps: number;
  terminations: { step: number; reason: TerminationReason; env: number }[];
  non_finite_actions: number;
  engine: 'rapier' | 'mujoco';
  adjustments: string[];
  driver: 'policy' | 'builtin';
  config_source?: string;
  /** anything else worth knowing about the run */
  notes?: string[];
}

/**
 * 'align' start: the robot stands in the policy's default pose at the origin, facing +x, its root at the
 * reference's first root height (BeyondMimic deployment starts from standing and aligns the reference).
 */
function standInDefaultPose(engine: PhysicsEngine, config: PolicyConfig, track?: ReferenceTrack): void {
  const m = engine.model;
  const q = m.joints.map(() => 0);
  config.jointNames.forEach((n, i) => { q[m.jointIndex.get(n)!] = config.defaultJointPos[i]; });
  const z = track ? track.rootPos[2] : m.bodies[0].pos[2];
  for (let e = 0; e < engine.state.n; e++) engine.reset(e, { rootPos: [0, 0, z], rootQuat: [1, 0, 0, 0], jointPos: q });
}

const allZero = (m: RobotModel) => m.joints.every((j) => !(j.armature > 0));

/** Armature per model joint from gains given by joint name, when the robot has none. */
function armatureFor(model: RobotModel, names: string[], kp: number[]): number[] {
  const a = model.joints.map((j) => j.armature);
  names.forEach((n, i) => { a[model.jointIndex.get(n)!] = armatureFromStiffness(kp[i]); });
  return a;
}

export async function runEpisode(opts: EpisodeOptions): Promise<EpisodeResult> {
  const { model } = opts;
  const adjustments: string[] = [];
  let config: PolicyConfig | undefined;
  let session: PolicySession | undefined;
  const physics: Partial<PhysicsOptions> & RapierExtraOptions = { ...(opts.physics ?? {}) };
  let stepDt = 0.02;
  let drivenJoints: number[];
  if (opts.policy) {
    const p = opts.policy;
    const info = readOnnxInfo(p.bytes, p.file);
    config = resolvePolicyConfig({ info, file: p.file, robot: model, yaml: p.yaml, yamlFile: p.yamlFile, profile: p.profile, profileFile: p.profileFile });
    physics.dt = config.physicsDt;
    stepDt = config.stepDt;
    if (config.armatureFromGains && allZero(model) && !physics.armature) {
      physics.armature = armatureFor(model, config.jointNames, config.stiffness);
      adjustments.push(`armature from the policy's gains (a = kp/(2π·10)²) on ${config.jointNames.length} joints: the robot file has none`);
    }
    session = await PolicySession.create(p.bytes, config, { file: p.file });
    drivenJoints = config.jointNames.map((n) => model.jointIndex.get(n)!);
  } else {
    if (!opts.clip) fail('PolicyError', '<episode>', 'clip', 'the built-in controller needs a motion clip');
    physics.dt ??= 0.005;
    if (allZero(model) && !physics.armature) {
      physics.armature = builtinGains(model).armature;
      adjustments.push('armature from the built-in controller\'s motor figures (policies/builtin-controller.json): the robot file has none');
    }
    drivenJoints = model.joints.map((_, j) => j);
  }
  // Rapier: PD through the ForceBased position motors (implicit in the solver) unless asked otherwise —
  // measured on the g1-dance-102 policy: motor 0.061 rad / 0.046 m anchor vs explicit torques 0.074 rad with the
  // anchor drifting 1.8 m (MuJoCo: 0.059 rad / 0.071 m)
  const engine = opts.engine === 'rapier'
    ? await createRapierEngine(model, { pd: 'motor', ...physics })
    : await createMujocoEngine(model, physics, opts.modelSource);
  try {
    const track = opts.clip ? new ReferenceTrack(model, opts.clip, stepDt) : undefined;
    let builtin: BuiltinController | undefined;
    let ctrl: PolicyController | undefined;
    if (config && session) {
      const start = opts.start ?? 'reset';
      if (start === 'align') standInDefaultPose(engine, config, track);
      ctrl = new PolicyController({ model, engine, config, session, track, start, file: opts.policy!.file });
      await ctrl.reset();
    } else {
      builtin = new BuiltinController({ model, engine, track: track!, assist: opts.assist });
      builtin.reset();
    }
    const seconds = opts.seconds ?? (track ? track.nSteps * stepDt : 10);
    const nSteps = Math.max(1, Math.round(seconds / stepDt));
    const clipS = opts.clip ? clipDuration(opts.clip) : seconds;
    const decimation = config ? config.decimation : builtin!.decimation;

    const anchorName = config?.anchorBody ?? DEFAULT_ANCHOR;
    const anchor = model.bodyIndex.get(anchorName) ?? 0;
    const torso = model.bodyIndex.get('torso_link');
    const ee = (config?.endEffectors ?? G1_END_EFFECTORS).filter((b) => model.bodyIndex.has(b)).map((b) => model.bodyIndex.get(b)!);
    const s = engine.state;
    const ref = ctrl ? ctrl.ctx.ref : builtin!.ref;
    const n = s.n, nj = s.nj, nb = s.nb;
    const alive = new Uint8Array(n).fill(1);
    const terminations: EpisodeResult['terminations'] = [];
    const notes: string[] = [];
    let sumJ = 0, sumA = 0, sumT = 0, count = 0, steps = 0, survivedSteps = nSteps;
    const dist = (e: number, b: number) => Math.hypot(
      s.bodyPos[(e * nb + b) * 3] - ref.bodyPos[(e * nb + b) * 3],
      s.bodyPos[(e * nb + b) * 3 + 1] - ref.bodyPos[(e * nb + b) * 3 + 1],
      s.bodyPos[(e * nb + b) * 3 + 2] - ref.bodyPos[(e * nb + b) * 3 + 2]);
    const t0 = performance.now();
    for (let k = 0; k < nSteps; k++) {
      if (ctrl) {
        try {
          await ctrl.act();
        } catch (e) {
          // an embedded reference of unknown length ends when time_step runs past its last frame
          if (!(config!.embeddedReference && !track && k > 0 && !(e instanceof MimicError))) throw e;
          notes.push(`embedded reference ended at step ${k} (${(e as Error).message?.split('\n')[0] ?? e})`);
          break;
        }
      } else builtin!.act();
      let j0 = 0, a0 = 0, term0: TerminationReason | null = null;
      for (let e = 0; e < n; e++) {
        if (!alive[e]) continue;
        let je = 0;
        for (const j of drivenJoints) je += Math.abs(s.jointPos[e * nj + j] - ref.jointPos[e * nj + j]);
        je /= drivenJoints.length;
        const ae = dist(e, anchor);
        sumJ += je; sumA += ae; if (torso !== undefined) sumT += dist(e, torso);
        count++;
        if (e === 0) { j0 = je; a0 = ae; }
        const t = checkTermination(s, ref, e, anchor, ee);
        if (t) {
          if (e === 0) term0 = t.reason;
          terminations.push({ step: k, reason: t.reason, env: e });
          if (opts.stopOnTermination !== false) alive[e] = 0;
          survivedSteps = Math.min(survivedSteps, k);
        }
      }
      opts.onStep?.({ step: k, t: k * stepDt, jointErr: j0, anchorErr: a0, termination: term0, engine, state: s, ref });
      steps = k + 1;
      if (!alive.some((x) => x === 1)) break;
      for (let d = 0; d < decimation; d++) {
        if (builtin) builtin.physicsStep();
        else engine.step();
      }
      if (ctrl) ctrl.advance();
      else builtin!.advance();
    }
    const ms = (performance.now() - t0) / Math.max(1, steps);
    return {
      survived_s: survivedSteps * stepDt,
      clip_s: clipS,
      success: terminations.length === 0,
      mean_joint_err_rad: sumJ / Math.max(1, count),
      mean_anchor_pos_err_m: sumA / Math.max(1, count),
      ...(torso !== undefined ? { mean_torso_pos_err_m: sumT / Math.max(1, count) } : {}),
      ms_per_control_step: ms,
      control_steps: steps,
      terminations,
      non_finite_actions: ctrl?.nonFiniteActions ?? 0,
      engine: opts.engine,
      adjustments: [...adjustments, ...engine.adjustments],
      driver: ctrl ? 'policy' : 'builtin',
      ...(config ? { config_source: config.source } : {}),
      ...(notes.length ? { notes } : {}),
    };
  } finally {
    engine.free();
    await session?.release();
  }
}
