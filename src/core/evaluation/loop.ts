/**
 * THE episode loop: n envs on one engine, env e running episode `pert[e]`. Used by the evaluation (runBatch,
 * a batch of n) and by runEpisode (a batch of one). Built from small steps:
 *   prepareDriver   policy (PolicyController; an embedded reference's length probed first) / built-in / zero
 *   episodeLength   control steps from the reference length, the caps and the phase policy's motion length
 *   startEnvs       every env started (start mode), plus its initial-state noise
 *   controlStep     act → score + terminate (k ≥ 1) → physics (assist, pushes, delay line) → advance
 * Per control step k: act (reference k → observations of state k → actions → targets); for k ≥ 1 the
 * (state k, reference k) pair is scored and checked for termination (BeyondMimic); then `decimation` physics
 * steps. A terminated env is parked on the reference (reset) and no longer scored, unless the caller keeps
 * scoring it (stopOnTermination false).
 */
import { fail, MimicError } from '../errors';
import { qFromAxisAngle, qMul, qRotate } from '../math';
import type { RobotModel } from '../model/types';
import { diagnoseReference, type ReferenceWarning } from '../motion/diagnose';
import { ReferenceTrack } from '../motion/reference';
import type { MotionClip } from '../motion/types';
import { envState, type BatchState, type PhysicsEngine } from '../physics/types';
import { BuiltinController, builtinGains } from '../policy/builtin';
import type { PolicyConfig } from '../policy/config';
import { DEFAULT_ANCHOR, G1_END_EFFECTORS, G1_TRACKED_BODIES } from '../policy/conventions';
import { PolicyController } from '../policy/controller';
import { embeddedSteps } from '../policy/embedded-steps';
import { LIMITS } from '../validate';
import { probeReferenceLength } from '../policy/reference-length';
import type { ReferenceSource } from '../policy/refio';
import { PolicySession } from '../policy/session';
import { defaultPose, standingHeight, type StartMode } from '../policy/start';
import { checkTermination, type TerminationCheck } from '../policy/termination';
import { MetricAccumulator, type MetricSelection } from './metrics';
import { metricSelectionExtras, type MetricOptions } from './metric-settings';
import { applyPhysicalPerturbations, DelayLine, delayedEngine, ObsNoise, PushSchedule } from './perturb';
import { samplePerturbation, type EpisodePerturbation, type Scenario } from './scenario';
import { groundOffsets } from './terrain'; // terrain (issue 16)
import { holdClip } from './setup';

export type DriverKind = 'policy' | 'reference' | 'zero';

/** What the loop needs of a controller (PolicyController and BuiltinController have it). */
export interface EpisodeDriver {
  readonly ref: BatchState;
  act(): Promise<void> | void;
  advance(): void;
  reset(e: number, step: number): Promise<void> | void;
  /** forget env e's policy state (last action, observation history, recurrent state) after it was parked */
  forget(e: number): void;
}

export interface EpisodesSpec {
  model: RobotModel;
  /** the engine with n envs (the caller frees it) */
  raw: PhysicsEngine;
  driver: DriverKind;
  config: PolicyConfig | null;
  policy?: { bytes: Uint8Array; file: string };
  /** the reference clip (optional for policies that carry their reference or a motion length) */
  clip?: MotionClip;
  /** a ReferenceTrack of `clip` at the control rate, when the caller keeps one */
  track?: ReferenceTrack;
  scenario: Scenario;
  /** episode index of each env */
  episodes: number[];
  physicsDt: number;
  decimation: number;
  /** caps on the evaluated time, s */
  seconds?: number;
  start: StartMode;
  gainScale?: number;
  /** 'reference' driver: assistive wrench 0..1 */
  assist?: number;
  /** key bodies and frame rate of the per-frame metric sets */
  metrics?: MetricOptions;
  /** false: keep an embedded reference's broken first/last frame (reference diagnostics; default true) */
  repair?: boolean;
}

export interface LoopHooks {
  onProgress?: (done: number, total: number) => void;
  /** false: a terminated env keeps being scored and simulated (runEpisode's option) */
  stopOnTermination?: boolean;
  /** every control step after the action is set and before physics; `scored`: step k was scored */
  onStep?: (k: number, scored: boolean, ref: BatchState) => void;
  onTermination?: (e: number, k: number, t: TerminationCheck) => void;
  /** every control step, with onStep: the state, this step's raw actions (policy order, n × na) and PD targets (n × nj) */
  onControl?: (k: number, state: BatchState, actions: Float32Array | null, targets: Float32Array | null) => void;
}

export interface EpisodesOutcome {
  acc: MetricAccumulator;
  sel: MetricSelection;
  pert: EpisodePerturbation[];
  survived: Float64Array;
  alive: Uint8Array;
  termination: (string | null)[];
  nonFinite: Int32Array;
  /** control steps of the loop; evaluated seconds */
  steps: number;
  done: number;
  evalSeconds: number;
  msPerControlStep: number;
  notes: string[];
  clipName: string;
  /** policy runs: the controller (for its start shift, counts) */
  policy: PolicyController | null;
  /** reference diagnostics of the policy's embedded reference (clips are diagnosed by the caller) */
  referenceWarnings: ReferenceWarning[];
}

interface Prepared {
  driver: EpisodeDriver;
  policy: PolicyController | null;
  builtin: BuiltinController | null;
  session: PolicySession | null;
  /** reference steps available */
  refSteps: number;
  clipName: string;
  notes: string[];
  /** first reference step (an embedded reference's broken first frame dropped) */
  firstStep: number;
  referenceWarnings: ReferenceWarning[];
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Metric and termination selection by name (the policy's, else the G1 conventions, else every body). */
export function metricSelection(model: RobotModel, cfg: PolicyConfig | null): MetricSelection {
  const bodyIdx = (names: string[]) => names.map((b) => model.bodyIndex.get(b)).filter((b): b is number => b !== undefined);
  const tracked = bodyIdx(cfg?.bodyNames.length ? cfg.bodyNames : G1_TRACKED_BODIES);
  return {
    joints: cfg ? cfg.jointNames.map((j) => model.jointIndex.get(j)!) : model.joints.map((_, j) => j),
    tracked: tracked.length ? tracked : model.bodies.map((_, b) => b),
    endEffectors: bodyIdx(cfg?.endEffectors.length ? cfg.endEffectors : G1_END_EFFECTORS),
    feet: model.bodies.filter((b) => /ankle_roll|foot/i.test(b.name)).map((b) => b.index),
    anchor: model.bodyIndex.get(cfg?.anchorBody ?? DEFAULT_ANCHOR) ?? 0,
    root: 0,
  };
}

/** A phase-conditioned policy without a clip: a reference standing still in its default pose for its motion length. */
function standingTrack(model: RobotModel, cfg: PolicyConfig, controlDt: number): ReferenceTrack {
  const q = defaultPose(model, cfg);
  const clip = holdClip(model, [0, 0, standingHeight(model, q)], [1, 0, 0, 0], q, cfg.motionSeconds!, 'default pose (no clip)');
  return new ReferenceTrack(model, clip, controlDt);
}

async function preparePolicy(s: EpisodesSpec, engine: PhysicsEngine, controlDt: number): Promise<Prepared> {
  const cfg = s.config!,
    file = s.policy!.file,
    notes: string[] = [];
  const session = await PolicySession.create(s.policy!.bytes, cfg, { file });
  try {
    let track: ReferenceSource | undefined = s.track ?? (s.clip ? new ReferenceTrack(s.model, s.clip, controlDt) : undefined);
    let clipName = s.clip?.name ?? '';
    if (cfg.embeddedReference) {
      if (s.clip) notes.push(`clip ${s.clip.name} not used: the policy carries its own reference`);
      track = undefined;
      clipName = `${file} (embedded reference)`;
    } else if (!track && cfg.motionSeconds) {
      track = standingTrack(s.model, cfg, controlDt);
      clipName = 'default pose (no clip)';
      notes.push(`no clip: ${cfg.motionSeconds} s of motion (the policy's phase length); errors are relative to its default pose`);
    }
    const ctl = new PolicyController({ model: s.model, engine, config: cfg, session, track, start: s.start, file, gainScale: s.gainScale });
    let firstStep = 0,
      referenceWarnings: ReferenceWarning[] = [];
    if (cfg.embeddedReference) {
      const obsSize = ctl.obs.length / ctl.n;
      const len = await probeReferenceLength(session, cfg, obsSize, file);
      notes.push(
        `embedded reference: ${len.last + 1} steps (${(len.last * controlDt).toFixed(2)} s), found by probing time_step (${len.probes} runs; ` +
          `${len.failsPastEnd ? 'the graph fails' : 'the outputs stop changing'} past the last frame)`,
      );
      // diagnose (and run) no further than the episode can go: its time cap, else the clip-length limit
      const horizon = Math.min(
        len.last,
        s.seconds !== undefined ? Math.ceil(s.seconds / controlDt) + 1 : Infinity,
        Math.round(LIMITS.maxEpisodeSeconds / controlDt),
      );
      if (horizon < len.last) notes.push(`embedded reference diagnosed over its first ${horizon + 1} steps (the episode's length)`);
      const d = diagnoseReference(s.model, await embeddedSteps(session, cfg, s.model, obsSize, horizon, controlDt, file), {
        repair: s.repair && horizon === len.last,
      });
      referenceWarnings = d.warnings;
      firstStep = d.start;
      ctl.setLastStep(horizon === len.last ? d.end - 1 : len.last);
    }
    if (session.batchNote) notes.push(session.batchNote);
    if (cfg.heldJoints?.names.length) notes.push(`joints not driven by the policy, held by PD: ${cfg.heldJoints.names.join(', ')}`);
    return {
      driver: ctl,
      policy: ctl,
      builtin: null,
      session,
      refSteps: ctl.nSteps - firstStep,
      clipName,
      notes,
      firstStep,
      referenceWarnings,
    };
  } catch (e) {
    await session.release();
    throw e;
  }
}

function prepareBuiltin(s: EpisodesSpec, engine: PhysicsEngine, controlDt: number): Prepared {
  if (!s.track && !s.clip) fail('PolicyError', '<episode>', 'clip', `the ${s.driver} driver needs a motion clip`);
  const track = s.track ?? new ReferenceTrack(s.model, s.clip!, controlDt);
  const assist = s.driver === 'reference' ? (s.assist ?? 0) : 0;
  const ctl = new BuiltinController({ model: s.model, engine, track, assist, decimation: s.decimation });
  const zeros = s.model.joints.map(() => 0);
  if (s.driver === 'zero') s.raw.setGains(zeros, zeros);
  else if (s.gainScale !== undefined && s.gainScale !== 1) {
    const g = builtinGains(s.model),
      k = s.gainScale;
    s.raw.setGains(
      g.kp.map((x) => x * k),
      g.kd.map((x) => x * k),
      s.model.joints.map((j) => j.effortLimit),
    );
  }
  const notes = assist > 0 ? [`built-in controller with an assistive root wrench (assist ${assist}): not a physical controller`] : [];
  return {
    driver: ctl,
    policy: null,
    builtin: ctl,
    session: null,
    refSteps: track.nSteps,
    clipName: s.clip?.name ?? 'reference',
    notes,
    firstStep: 0,
    referenceWarnings: [],
  };
}

/** Control steps of the episode: the reference's length, capped by the caller's and the scenario's seconds. */
function episodeLength(s: EpisodesSpec, refSteps: number, controlDt: number): { steps: number; evalSeconds: number } {
  const seconds = Math.min(s.seconds ?? Infinity, s.scenario.seconds ?? Infinity, (refSteps - 1) * controlDt);
  if (!Number.isFinite(seconds))
    fail('PolicyError', s.policy?.file ?? '<episode>', 'seconds', 'the episode has no length: give a clip or seconds');
  const steps = Math.max(1, Math.round(seconds / controlDt));
  return { steps, evalSeconds: steps * controlDt };
}

/** Env e's start state moved by its initial-state noise (root xy and yaw, joint offsets clamped to range). */
function applyInitNoise(raw: PhysicsEngine, model: RobotModel, from: BatchState, e: number, p: EpisodePerturbation['init']): void {
  if (!(p.root_yaw !== 0 || p.root_pos[0] !== 0 || p.root_pos[1] !== 0 || Object.values(p.joint_pos).some((x) => x !== 0))) return;
  const f = envState(from, e),
    rootPos = f.rootPos;
  const qz = qFromAxisAngle([0, 0, 1], p.root_yaw);
  const jp = Float32Array.from(f.jointPos, (x, j) => {
    const r = model.joints[j].range,
      y = x + (p.joint_pos[model.joints[j].name] ?? 0);
    return r ? Math.min(Math.max(y, r[0]), r[1]) : y;
  });
  raw.reset(e, {
    rootPos: [rootPos[0] + p.root_pos[0], rootPos[1] + p.root_pos[1], rootPos[2]],
    rootQuat: qMul(qz, f.rootQuat),
    rootLinVel: qRotate(qz, f.rootLinVel!),
    rootAngVel: f.rootAngVel,
    jointPos: jp,
    jointVel: f.jointVel,
  });
}

/** Every env started (the start mode), then moved by its initial-state noise. */
async function startEnvs(s: EpisodesSpec, d: EpisodeDriver, pert: EpisodePerturbation[], firstStep: number): Promise<void> {
  for (let e = 0; e < pert.length; e++) {
    await d.reset(e, firstStep);
    // noise around where the start put the robot: the reference pose, or the standing default pose
    applyInitNoise(s.raw, s.model, s.start === 'default-pose' && s.driver === 'policy' ? s.raw.state : d.ref, e, pert[e].init);
  }
}

/** Put a terminated env back on its reference; it is no longer scored. */
function park(raw: PhysicsEngine, d: EpisodeDriver, e: number): void {
  raw.reset(e, envState(d.ref, e));
  d.forget(e);
}

interface LoopState {
  s: EpisodesSpec;
  p: Prepared;
  hooks: LoopHooks;
  acc: MetricAccumulator;
  sel: MetricSelection;
  alive: Uint8Array;
  survived: Float64Array;
  termination: (string | null)[];
  nonFinite: Int32Array;
  controlDt: number;
  /** terrain (issue 16): ground under env e relative to its start, null on a flat floor */
  ground?: ((e: number) => (x: number, y: number) => number) | null;
}

/** Score every running env at step k and check its termination (BeyondMimic); returns the envs to stop. */
function scoreEnvs(L: LoopState, k: number): number[] {
  const stop: number[] = [];
  const { s, p, acc, sel } = L,
    ref = p.driver.ref,
    state = s.raw.state;
  for (let e = 0; e < L.alive.length; e++) {
    if (!L.alive[e]) continue;
    acc.add(state, ref, e);
    const t = checkTermination(state, ref, e, sel.anchor, sel.endEffectors, undefined, L.ground?.(e)); // ground: issue 16
    if (!t) continue;
    L.hooks.onTermination?.(e, k, t);
    if (L.termination[e] === null) {
      L.survived[e] = k * L.controlDt;
      L.termination[e] = t.reason + (t.body !== undefined ? ` (${s.model.bodies[t.body].name})` : '');
    }
    if (L.hooks.stopOnTermination === false) continue;
    L.alive[e] = 0;
    stop.push(e);
  }
  return stop;
}

/** The physics of one control step; a simulation error ends every env still running. */
function physics(
  L: LoopState,
  k: number,
  run: { physicsStep: number },
  line: DelayLine,
  pushes: PushSchedule,
  assist: (() => void) | null,
): boolean {
  try {
    for (let i = 0; i < L.s.decimation; i++) {
      if (assist) assist();
      pushes.apply(run.physicsStep, L.alive, assist !== null);
      line.apply(run.physicsStep);
      L.s.raw.step();
      run.physicsStep++;
    }
    return true;
  } catch (err) {
    if (!(err instanceof MimicError && err.kind === 'SimulationError')) throw err;
    for (let e = 0; e < L.alive.length; e++) {
      if (!L.alive[e]) continue;
      L.alive[e] = 0;
      if (L.termination[e] === null) {
        L.survived[e] = k * L.controlDt;
        L.termination[e] = `simulation_error: ${err.detail}`;
      }
    }
    return false;
  }
}

/** The episodes' perturbations drawn and applied: friction and masses now; observation noise on the builder. */
function perturb(
  s: EpisodesSpec,
  p: Prepared,
  evalSeconds: number,
): { pert: EpisodePerturbation[]; pushes: PushSchedule; line: DelayLine } {
  const { model, raw } = s;
  const pert = s.episodes.map((i) =>
    samplePerturbation(s.scenario, i, {
      bodyNames: model.bodies.map((b) => b.name),
      jointNames: model.joints.map((j) => j.name),
      seconds: evalSeconds,
      physicsDt: s.physicsDt,
    }),
  );
  applyPhysicalPerturbations(raw, pert);
  if (p.policy) {
    const ctl = p.policy,
      cfg = s.config!;
    const nz = new ObsNoise(
      pert,
      ctl.builder.entries.map((r, k) => ({ term: r.term, layoutName: cfg.observations[k].term })),
    );
    if (nz.any) ctl.builder.noise = (e, t, value, dim) => nz.add(e, t, value, dim);
  }
  return {
    pert,
    pushes: new PushSchedule(raw, pert, s.physicsDt),
    line: new DelayLine(
      raw,
      pert.map((x) => x.action_delay_steps),
      s.decimation,
    ),
  };
}

interface PhysicsParts {
  run: { physicsStep: number };
  line: DelayLine;
  pushes: PushSchedule;
  assist: (() => void) | null;
}

/** Control steps 0..steps (see the file comment); returns the last step run. */
async function controlSteps(L: LoopState, steps: number, ph: PhysicsParts): Promise<number> {
  const { p, hooks } = L,
    n = L.alive.length;
  for (let k = 0; ; k++) {
    await p.driver.act();
    if (p.policy) for (let e = 0; e < n; e++) if (L.alive[e] && p.policy.lastNonFinite[e]) L.nonFinite[e]++;
    if (k > 0) {
      for (const e of scoreEnvs(L, k)) {
        ph.pushes.cleared(e);
        park(L.s.raw, p.driver, e); // back on the current reference; no longer scored
      }
      hooks.onProgress?.(k, steps);
    }
    hooks.onStep?.(k, k > 0, p.driver.ref);
    hooks.onControl?.(k, L.s.raw.state, p.policy?.ctx.lastAction ?? null, p.policy?.targets ?? p.builtin?.targets ?? null);
    if (k === steps || !L.alive.some((a) => a)) return k;
    if (!physics(L, k, ph.run, ph.line, ph.pushes, ph.assist)) return k;
    p.driver.advance();
  }
}

/** Run the episodes of `spec` (one per env) to their end. */
export async function runEpisodes(s: EpisodesSpec, hooks: LoopHooks = {}): Promise<EpisodesOutcome> {
  const { model, raw } = s,
    n = s.episodes.length,
    controlDt = s.physicsDt * s.decimation;
  const run = { physicsStep: 0 };
  // the engine the driver sees: PD targets go through the action-delay line (made once the delays are drawn)
  let line: DelayLine | null = null;
  const route = { publish: (t: ArrayLike<number>, st: number) => (line ? line.publish(t, st) : raw.setTargets(t)) };
  const engine = delayedEngine(raw, route, () => run.physicsStep);
  const p = s.driver === 'policy' ? await preparePolicy(s, engine, controlDt) : prepareBuiltin(s, engine, controlDt);
  try {
    const { steps, evalSeconds } = episodeLength(s, p.refSteps, controlDt);
    const pt = perturb(s, p, evalSeconds);
    line = pt.line;
    const assist = p.builtin && (s.assist ?? 0) > 0 && s.driver === 'reference' ? () => p.builtin!.applyAssist() : null;
    const sel = metricSelection(model, s.config);
    Object.assign(sel, metricSelectionExtras(model, sel, controlDt, s.metrics));
    const L: LoopState = {
      s,
      p,
      hooks,
      acc: new MetricAccumulator(n, sel),
      sel,
      alive: new Uint8Array(n).fill(1),
      survived: new Float64Array(n),
      termination: new Array<string | null>(n).fill(null),
      nonFinite: new Int32Array(n),
      controlDt,
    };
    await startEnvs(s, p.driver, pt.pert, p.firstStep);
    L.ground = groundOffsets(raw, sel.anchor); // terrain (issue 16)
    const t0 = now();
    const done = await controlSteps(L, steps, { run, line: pt.line, pushes: pt.pushes, assist });
    const ms = (now() - t0) / Math.max(1, done);
    for (let e = 0; e < n; e++) if (L.termination[e] === null) L.survived[e] = evalSeconds;
    return {
      acc: L.acc,
      sel,
      pert: pt.pert,
      survived: L.survived,
      alive: L.alive,
      termination: L.termination,
      nonFinite: L.nonFinite,
      steps,
      done,
      evalSeconds,
      msPerControlStep: ms,
      notes: [...p.notes, ...startNotes(p.policy)],
      clipName: p.clipName,
      policy: p.policy,
      referenceWarnings: p.referenceWarnings,
    };
  } finally {
    await p.session?.release();
  }
}

/** The 'ground' start's vertical shift, said once. */
function startNotes(c: PolicyController | null): string[] {
  if (!c || c.start !== 'ground' || c.startShift[0] === 0) return [];
  const dz = c.startShift[0];
  return [
    `start 'ground': robot and reference ${dz > 0 ? 'raised' : 'lowered'} ${Math.abs(dz).toFixed(3)} m so that the lowest collision point (${c.startShiftBody}) rests on the floor`,
  ];
}
