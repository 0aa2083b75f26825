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
/**
 * THE episode loop: n envs on one engine, env e running episode `pert[e]`. Used by the evaluation (runBatch,
 * a batch of n), by runEpisode (a batch of one), by locomotion runs (runLocomotion) and by composed and blended
 * skills (runComposition, runBlend). What drives the envs is a pluggable part (drivers.ts): a single policy,
 * the built-in controller, or a caller's driver; the loop is built from small steps:
 *   prepare         the driver (drivers.ts) and its end rule (ends.ts: BeyondMimic's terms, or a fall)
 *   episodeLength   control steps from the reference length, the caps and the phase policy's motion length
 *   perturb         the scenario's draws: friction, masses, pushes, action delay, observation noise
 *   startEnvs       every env started (start mode), plus its initial-state noise
 *   controlSteps    observe → steer (command provider) → act → score + end (k ≥ 1) → physics → advance
 * Per control step k: the driver's own measurements and the command metrics see state k (step k − 1's
 * targets and command still in place); the command provider writes step k's command; act (reference k →
 * observations of state k → actions → targets); for k ≥ 1 the (state k, reference k) pair is scored and
 * checked by the end rule; then `decimation` physics steps. An ended env is parked on the reference (park)
 * and no longer scored, unless the caller keeps scoring it (stopOnTermination false).
 */
import { fail, MimicError } from '../errors';
import { qFromAxisAngle, qMul, qRotate } from '../math';
import type { RobotModel } from '../model/types';
import type { ReferenceWarning } from '../motion/diagnose';
import { envState, type BatchState, type PhysicsEngine } from '../physics/types';
import type { PolicyConfig } from '../policy/config';
import { DEFAULT_ANCHOR, G1_END_EFFECTORS, G1_TRACKED_BODIES } from '../policy/conventions';
import type { PolicyController } from '../policy/controller';
import type { StartMode } from '../policy/start';
import { prepareBuiltin, preparePolicy, type DriverInputs, type EpisodeDriver, type PreparedDriver } from './drivers';
import { CommandMetrics, fallEnds, trackingEnds, type CommandOutcome, type EndCheck, type EndRule } from './ends';
import { MetricAccumulator, type MetricSelection } from './metrics';
import { ballSpans } from './joint-error';
import { metricSelectionExtras, type MetricOptions } from './metric-settings';
import { applyPhysicalPerturbations, DelayLine, delayedEngine, ObsNoise, PushSchedule } from './perturb';
import { samplePerturbation, type EpisodePerturbation, type Scenario } from './scenario';
import { groundOffsets } from './terrain'; // terrain (issue 16)
import { TerrainReference } from '../physics/terrain-reference'; // terrain (issue 16)
import { footBodies } from '../model/feet';

export type { DriverKind, EpisodeDriver, PreparedDriver } from './drivers';

/**
 * The velocity command [vx, vy, wz] of env e at time t (locomotion policies), called by the loop once per control
 * step before the policy acts, with the state it acts on (a feedback provider, e.g. heading hold, reads it).
 */
export interface CommandProvider {
  at(e: number, t: number, state: BatchState): ArrayLike<number>;
}

export interface EpisodesSpec extends DriverInputs {
  /** the engine with n envs (the caller frees it) */
  raw: PhysicsEngine;
  scenario: Scenario;
  /** episode index of each env */
  episodes: number[];
  physicsDt: number;
  start: StartMode;
  /** key bodies and frame rate of the per-frame metric sets */
  metrics?: MetricOptions;
  /** a caller's driver (composed or blended skills) instead of `driver`; made on the loop's engine view */
  custom?: (engine: PhysicsEngine, controlDt: number) => Promise<PreparedDriver>;
  /** locomotion policies: the velocity commands, written into the policy's command each control step */
  commands?: CommandProvider;
  /** what ends an episode: BeyondMimic's terms against the reference (default) or a fall */
  ends?: 'tracking' | 'fall';
}

export interface LoopHooks {
  onProgress?: (done: number, total: number) => void;
  /** false: a terminated env keeps being scored and simulated (runEpisode's option) */
  stopOnTermination?: boolean;
  /** once, after the driver is prepared and the envs started */
  onStart?: (p: PreparedDriver) => void;
  /** every control step after the action is set and before physics; `scored`: step k was scored */
  onStep?: (k: number, scored: boolean, ref: BatchState) => void;
  onTermination?: (e: number, k: number, t: EndCheck) => void;
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
  /** runs with commands: per env, the command errors and where it ended */
  command?: CommandOutcome;
}

type Prepared = PreparedDriver;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Metric and termination selection by name (the policy's, else the G1 conventions, else every body). */
export function metricSelection(model: RobotModel, cfg: PolicyConfig | null): MetricSelection {
  const bodyIdx = (names: string[]) => names.map((b) => model.bodyIndex.get(b)).filter((b): b is number => b !== undefined);
  const tracked = bodyIdx(cfg?.bodyNames.length ? cfg.bodyNames : G1_TRACKED_BODIES);
  return {
    joints: cfg ? cfg.jointNames.map((j) => model.jointIndex.get(j)!) : model.joints.map((_, j) => j),
    tracked: tracked.length ? tracked : model.bodies.map((_, b) => b),
    endEffectors: bodyIdx(cfg?.endEffectors.length ? cfg.endEffectors : G1_END_EFFECTORS),
    feet: [...footBodies(model)],
    anchor: model.bodyIndex.get(cfg?.anchorBody ?? DEFAULT_ANCHOR) ?? 0,
    root: 0,
    balls: ballSpans(model),
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
async function startEnvs(s: EpisodesSpec, p: Prepared, pert: EpisodePerturbation[]): Promise<void> {
  for (let e = 0; e < pert.length; e++) {
    await p.driver.reset(e, p.firstStep);
    // noise around where the start put the robot: the reference pose, or the standing default pose
    applyInitNoise(s.raw, s.model, p.startsInPlace ? s.raw.state : p.driver.ref, e, pert[e].init);
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
  ends: EndRule;
  command: CommandMetrics | null;
  /** terrain (issue 16): ground under env e relative to its start, null on a flat floor */
  ground?: ((e: number) => (x: number, y: number) => number) | null;
  /** terrain (issue 16): the scored reference raised onto the terrain (null: flat, or the driver's is already) */
  onTerrain?: TerrainReference | null;
}

/** Score every running env at step k and check its end rule; returns the envs to stop. */
function scoreEnvs(L: LoopState, k: number): number[] {
  const stop: number[] = [];
  const { s, p, acc } = L,
    ref = p.driver.ref,
    state = s.raw.state;
  const scored = L.onTerrain?.view(ref) ?? ref; // terrain: issue 16
  for (let e = 0; e < L.alive.length; e++) {
    if (!L.alive[e]) continue;
    acc.add(state, scored, e);
    const t = L.ends.check(state, ref, e, L.ground?.(e)); // ground: issue 16
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
      L.s.raw.step(i < L.s.decimation - 1); // contact forces are read after the last one
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

/** The driver's own measurements and the command metrics on state k (step k − 1's targets and command). */
function observe(L: LoopState, k: number): void {
  const state = L.s.raw.state;
  L.p.observe?.(k, state, L.alive);
  if (L.command && L.p.policy) L.command.add(k * L.p.policy.config.stepDt, state, L.p.policy.ctx.command, L.alive);
}

/**
 * The command provider's spot: step k's velocity command of every env, written before the policy acts (the
 * last act, which no physics follows, keeps the command before it).
 */
function steer(L: LoopState, k: number): void {
  const c = L.s.commands,
    ctl = L.p.policy;
  if (!c || !ctl) return;
  const t = (L.p.firstStep + k) * ctl.config.stepDt;
  for (let e = 0; e < L.alive.length; e++) ctl.ctx.command.set(c.at(e, t, L.s.raw.state), e * 3);
}

/** The driver the spec asks for, and its end rule. */
async function prepare(s: EpisodesSpec, engine: PhysicsEngine, controlDt: number, sel: MetricSelection): Promise<Prepared> {
  const p = s.custom
    ? await s.custom(engine, controlDt)
    : s.driver === 'policy'
      ? await preparePolicy(s, engine, controlDt)
      : prepareBuiltin(s, engine, controlDt);
  if (p.ends) return p;
  const fall = s.ends === 'fall';
  return { ...p, ends: fall ? fallEnds(p.policy?.ctx.anchorBody ?? sel.anchor) : trackingEnds(sel.anchor, sel.endEffectors) };
}

/** Control steps 0..steps (see the file comment); returns the last step run. */
async function controlSteps(L: LoopState, steps: number, ph: PhysicsParts): Promise<number> {
  const { p, hooks } = L,
    n = L.alive.length;
  for (let k = 0; ; k++) {
    if (k > 0) observe(L, k);
    if (k < steps) steer(L, k);
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
    hooks.onControl?.(k, L.s.raw.state, p.policy?.ctx.lastAction ?? null, p.driver.targets ?? null);
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
  const sel = metricSelection(model, s.config);
  const p = await prepare(s, engine, controlDt, sel);
  try {
    const { steps, evalSeconds } = episodeLength(s, p.refSteps, controlDt);
    const pt = perturb(s, p, evalSeconds);
    line = pt.line;
    const assist = p.builtin && (s.assist ?? 0) > 0 && s.driver === 'reference' ? () => p.builtin!.applyAssist() : null;
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
      ends: p.ends!,
      command: s.commands ? new CommandMetrics(n) : null,
    };
    await startEnvs(s, p, pt.pert);
    L.ground = groundOffsets(raw, sel.anchor); // terrain (issue 16)
    L.onTerrain = p.builtin ? null : TerrainReference.of(raw.options.terrain, p.driver.ref); // the built-in's is on it already
    L.onTerrain?.begin(p.driver.ref, p.policy?.start !== 'reference');
    L.ends.begin(raw.state);
    hooks.onStart?.(p);
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
      ...(L.command ? { command: L.command.result() } : {}),
    };
  } finally {
    await p.release();
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
