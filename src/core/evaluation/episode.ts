/**
 * One batch of evaluation episodes on one engine: env e of the batch runs episode `episodes[e]` with the
 * perturbations drawn for that index (rng(seed, index) only). Built on PolicyController (observations, ONNX,
 * PD targets, embedded references) + the engine; the evaluation adds what the controller has no hook for:
 * action delay (a delay line between the controller and the engine), observation noise and per-env
 * non-finite counting (a wrapper around the session's run), pushes, friction, mass, initial-state noise.
 *
 * Per control step k: act (reference k → observations of state k → actions → targets); for k ≥ 1 the
 * (state k, reference k) pair is scored and checked for termination (BeyondMimic); then `decimation`
 * physics steps. A terminated env is parked on the reference (reset) and no longer scored.
 */
import { MimicError } from '../errors';
import { qFromAxisAngle, qMul, qRotate } from '../math';
import { ReferenceTrack } from '../motion/reference';
import type { MotionClip } from '../motion/types';
import { createEngine, createRapierEngine } from '../physics/index';
import { isFootName } from '../model/feet';
import { createBatchState, envState, type BatchState, type PhysicsEngine, type PhysicsOptions } from '../physics/types';
import { BuiltinController, builtinGains } from '../policy/builtin';
import { PolicyController } from '../policy/controller';
import { armatureFromStiffness, DEFAULT_ANCHOR, G1_END_EFFECTORS, G1_TRACKED_BODIES } from '../policy/conventions';
import { PolicySession } from '../policy/session';
import { checkTermination } from '../policy/termination';
import { MetricAccumulator, type MetricSelection } from './metrics';
import { applyPhysicalPerturbations, DelayLine, delayedEngine, ObsNoise, PushSchedule } from './perturb';
import { samplePerturbation, type EpisodePerturbation, type Scenario } from './scenario';
import { SplitEngine } from './split-engine';
import { loadClip, loadPolicyConfig, loadRobotSource, type ClipSource, type EvalVariant, type RobotSource } from './setup';
import type { EpisodeRecord } from './types';

export interface BatchJob {
  robot: RobotSource;
  variant: EvalVariant;
  clip: ClipSource | MotionClip;
  scenario: Scenario;
  /** episode indices, one env each */
  episodes: number[];
  /** cap on the evaluated time, s (default: the whole clip) */
  seconds?: number;
}

export interface BatchOutput {
  records: EpisodeRecord[];
  adjustments: string[];
  jointNames: string[];
  clipName: string;
  controlSteps: number;
  /** wall time of the control loop / control steps, ms (all envs of the batch) */
  msPerControlStep: number;
}

/** Progress callback: control steps done and total of this batch. */
export type BatchProgress = (done: number, total: number) => void;

interface Driver {
  ref: BatchState;
  act(): Promise<void>;
  advance(): void;
  reset(e: number, step: number): Promise<void>;
  /** forget env e's policy state (last action, observation history) after it was parked */
  forget(e: number): void;
}

/** Small per-process cache of parsed inputs (immutable: robot models, clips, configs, reference tracks). */
const cache = new Map<string, unknown>();
function memo<T>(key: string | null, make: () => T): T {
  if (key === null) return make();
  if (cache.has(key)) return cache.get(key) as T;
  const v = make();
  cache.set(key, v);
  if (cache.size > 16) cache.delete(cache.keys().next().value!);
  return v;
}
function hashOf(data: string | Uint8Array | undefined): string {
  if (data === undefined) return 'none';
  let h = 0x811c9dc5;
  if (typeof data === 'string') for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data.charCodeAt(i), 0x01000193);
  else for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return `${data.length}:${(h >>> 0).toString(36)}`;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function runBatch(job: BatchJob, onProgress?: BatchProgress): Promise<BatchOutput> {
  const robotKey = `robot:${job.robot.file}:${hashOf(job.robot.text)}:${Object.keys(job.robot.files ?? {}).length}`;
  const model = memo(robotKey, () => loadRobotSource(job.robot));
  const src = job.clip;
  const clipKey = 'jointNames' in src ? null : `${robotKey}|clip:${src.file}:${hashOf(src.text ?? src.bytes)}:${src.fps ?? ''}`;
  const clip = 'jointNames' in src ? src : memo(clipKey, () => loadClip(src, model));
  const v = job.variant;
  const driverKind = v.driver ?? (v.policy ? 'policy' : 'reference');
  const pol = v.policy;
  const cfg = driverKind === 'policy' && pol
    ? structuredClone(memo(`${robotKey}|policy:${pol.file}:${hashOf(pol.bytes)}:${hashOf(pol.yaml)}:${hashOf(typeof pol.profile === 'string' ? pol.profile : JSON.stringify(pol.profile))}`,
      () => loadPolicyConfig(pol, model)))
    : null;
  const n = job.episodes.length;
  const nj = model.joints.length;
  const physicsDt = cfg?.physicsDt ?? v.physics?.dt ?? 0.005;
  const decimation = cfg?.decimation ?? 4;
  const controlDt = physicsDt * decimation;
  const notes: string[] = [];

  // gains (model order) and armature for robots that carry none
  let kp: number[], kd: number[];
  if (cfg) {
    kp = model.joints.map(() => 0); kd = model.joints.map(() => 0);
    cfg.jointNames.forEach((name, i) => { const j = model.jointIndex.get(name)!; kp[j] = cfg.stiffness[i]; kd[j] = cfg.damping[i]; });
  } else if (driverKind === 'reference') ({ kp, kd } = builtinGains(model));
  else { kp = model.joints.map(() => 0); kd = kp.slice(); }
  let armature: number[] | null = null;
  if (model.joints.every((j) => !(j.armature > 0)) && (cfg ? cfg.armatureFromGains : driverKind === 'reference')) {
    armature = kp.map(armatureFromStiffness);
    notes.push('armature from the PD gains (a = kp / (2π·10 Hz)²), the robot file has none');
  }
  if (v.gainScale !== undefined && v.gainScale !== 1) {
    kp = kp.map((x) => x * v.gainScale!);
    kd = kd.map((x) => x * v.gainScale!);
    notes.push(`PD gains scaled ×${v.gainScale}`);
  }
  const options: Partial<PhysicsOptions> = { ...v.physics, n, dt: physicsDt, ...(armature ? { armature } : {}) };
  const isMjcf = /<\s*mujoco\b/.test(job.robot.text);
  // Rapier: one world per env (see split-engine.ts), so that an episode's result does not depend on its batch
  const raw = v.engine === 'rapier'
    ? await SplitEngine.create(n, () => createRapierEngine(model, { ...options, n: 1 }))
    : await createEngine(v.engine, model, options, isMjcf ? { xml: job.robot.text, files: job.robot.files } : undefined);
  let session: PolicySession | null = null;
  try {
    const track = memo(clipKey && `${clipKey}|track:${controlDt}`, () => new ReferenceTrack(model, clip, controlDt));
    const seconds = Math.min(job.seconds ?? Infinity, job.scenario.seconds ?? Infinity, (track.nSteps - 1) * controlDt);
    const steps = Math.max(1, Math.round(seconds / controlDt));
    const evalSeconds = steps * controlDt;
    const pert: EpisodePerturbation[] = job.episodes.map((i) => samplePerturbation(job.scenario, i, {
      bodyNames: model.bodies.map((b) => b.name), jointNames: model.joints.map((j) => j.name), seconds: evalSeconds, physicsDt,
    }));
    applyPhysicalPerturbations(raw, pert);
    let physicsStep = 0;
    const line = new DelayLine(raw, pert.map((p) => p.action_delay_steps), decimation);
    const engine = delayedEngine(raw, line, () => physicsStep);
    const pushes = new PushSchedule(raw, pert, physicsDt);
    raw.setGains(kp, kd);

    // selection of joints and bodies for metrics and termination (by name)
    const bodyIdx = (names: string[]) => names.map((b) => model.bodyIndex.get(b)).filter((b): b is number => b !== undefined);
    const tracked = bodyIdx(cfg?.bodyNames.length ? cfg.bodyNames : G1_TRACKED_BODIES);
    const ee = bodyIdx(cfg?.endEffectors.length ? cfg.endEffectors : G1_END_EFFECTORS);
    const sel: MetricSelection = {
      joints: cfg ? cfg.jointNames.map((j) => model.jointIndex.get(j)!) : model.joints.map((_, j) => j),
      tracked: tracked.length ? tracked : model.bodies.map((_, b) => b),
      endEffectors: ee,
      feet: model.bodies.filter((b) => isFootName(b.name)).map((b) => b.index),
      anchor: model.bodyIndex.get(cfg?.anchorBody ?? DEFAULT_ANCHOR) ?? 0,
      root: 0,
    };
    const acc = new MetricAccumulator(n, sel);
    const nonFinite = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    let scoring = false;

    let driver: Driver;
    let assist: (() => void) | null = null;
    if (cfg && v.policy) {
      const s = (session = await PolicySession.create(v.policy.bytes, cfg, { file: v.policy.file }));
      const ctl = new PolicyController({ model, engine, config: cfg, session: s, track, start: 'reset', file: v.policy.file });
      raw.setGains(kp, kd, model.joints.map((j, k) => {
        const i = cfg.jointNames.indexOf(j.name);
        return i >= 0 && cfg.effortLimits ? cfg.effortLimits[i] : j.effortLimit;
      }));
      const nz = new ObsNoise(pert, ctl.builder.entries.map((r, k) => ({ term: r.term, layoutName: cfg.observations[k].term })));
      if (nz.any) ctl.builder.noise = (e, t, value, dim) => { if (scoring) nz.add(e, t, value, dim); };
      const run = s.run.bind(s), na = cfg.jointNames.length;
      s.run = async (obs, nn, ts) => {
        const r = await run(obs, nn, ts);
        if (scoring) for (let e = 0; e < nn; e++) if (alive[e]) for (let i = 0; i < na; i++) if (!Number.isFinite(r.actions[e * na + i])) { nonFinite[e]++; break; }
        return r;
      };
      driver = {
        ref: ctl.ctx.ref, act: () => ctl.act(), advance: () => ctl.advance(), reset: (e, st) => ctl.reset(e, st),
        forget: (e) => { ctl.ctx.lastAction.fill(0, e * na, (e + 1) * na); ctl.builder.reset(e); },
      };
    } else if (driverKind === 'reference') {
      const ctl = new BuiltinController({ model, engine, track, assist: v.assist ?? 0, decimation });
      raw.setGains(kp, kd, model.joints.map((j) => j.effortLimit));
      if ((v.assist ?? 0) > 0) {
        assist = () => ctl.applyAssist();
        notes.push(`built-in controller with an assistive root wrench (assist ${v.assist}): not a physical controller`);
      }
      driver = {
        ref: ctl.ref, act: async () => ctl.act(), advance: () => ctl.advance(), reset: async (e, st) => ctl.reset(e, st), forget: () => {},
      };
    } else {
      const ref = createBatchState(n, nj, model.bodies.length);
      const targets = new Float32Array(n * nj), refStep = new Int32Array(n);
      driver = {
        ref, forget: () => {},
        act: async () => {
          for (let e = 0; e < n; e++) {
            track.write(refStep[e], ref, e);
            targets.set(ref.jointPos.subarray(e * nj, (e + 1) * nj), e * nj);
          }
          engine.setTargets(targets);
        },
        advance: () => { for (let e = 0; e < n; e++) refStep[e]++; },
        reset: async (e, st) => {
          refStep[e] = st;
          track.write(st, ref, e);
          const f = track.frame(st);
          raw.reset(e, { rootPos: f.rootPos, rootQuat: f.rootQuat, rootLinVel: f.rootLinVel, rootAngVel: f.rootAngVel, jointPos: f.jointPos, jointVel: f.jointVel });
        },
      };
    }

    // start: every env on the reference's first frame, plus its initial-state noise
    for (let e = 0; e < n; e++) {
      await driver.reset(e, 0);
      const p = pert[e].init;
      if (p.root_yaw !== 0 || p.root_pos[0] !== 0 || p.root_pos[1] !== 0 || Object.values(p.joint_pos).some((x) => x !== 0)) {
        const f = track.frame(0);
        const qz = qFromAxisAngle([0, 0, 1], p.root_yaw);
        const jp = Float32Array.from(f.jointPos, (x, j) => {
          const r = model.joints[j].range, y = x + (p.joint_pos[model.joints[j].name] ?? 0);
          return r ? Math.min(Math.max(y, r[0]), r[1]) : y;
        });
        raw.reset(e, {
          rootPos: [f.rootPos[0] + p.root_pos[0], f.rootPos[1] + p.root_pos[1], f.rootPos[2]], rootQuat: qMul(qz, f.rootQuat),
          rootLinVel: qRotate(qz, f.rootLinVel), rootAngVel: f.rootAngVel, jointPos: jp, jointVel: f.jointVel,
        });
      }
    }
    const survived = new Float64Array(n);
    const termination: (string | null)[] = new Array(n).fill(null);
    const r = driver.ref;
    const park = (e: number) => {
      raw.reset(e, envState(r, e));
      driver.forget(e);
    };
    const t0 = now();
    let done = 0;
    for (let k = 0; k <= steps; k++) {
      scoring = true;
      await driver.act();
      scoring = false;
      if (k > 0) {
        for (let e = 0; e < n; e++) {
          if (!alive[e]) continue;
          acc.add(raw.state, driver.ref, e);
          const t = checkTermination(raw.state, driver.ref, e, sel.anchor, sel.endEffectors);
          if (t) {
            alive[e] = 0;
            survived[e] = k * controlDt;
            termination[e] = t.reason + (t.body !== undefined ? ` (${model.bodies[t.body].name})` : '');
            pushes.cleared(e);
            park(e); // put it back on the current reference; no longer scored
          }
        }
        onProgress?.(k, steps);
      }
      done = k;
      if (k === steps || !alive.some((a) => a)) break;
      try {
        for (let s = 0; s < decimation; s++) {
          if (assist) assist();
          pushes.apply(physicsStep, alive, assist !== null);
          line.apply(physicsStep);
          raw.step();
          physicsStep++;
        }
      } catch (err) {
        if (!(err instanceof MimicError && err.kind === 'SimulationError')) throw err;
        for (let e = 0; e < n; e++) if (alive[e]) { alive[e] = 0; survived[e] = k * controlDt; termination[e] = `simulation_error: ${err.detail}`; }
        break;
      }
      driver.advance();
    }
    const ms = (now() - t0) / Math.max(1, done);
    const records: EpisodeRecord[] = job.episodes.map((index, e) => ({
      index,
      ...acc.result(e, { survived_s: alive[e] ? evalSeconds : survived[e], clip_s: evalSeconds, termination: termination[e], non_finite_actions: nonFinite[e] }),
      perturbation: pert[e],
    }));
    return {
      records, adjustments: [...raw.adjustments, ...notes], jointNames: sel.joints.map((j) => model.joints[j].name),
      clipName: clip.name, controlSteps: done, msPerControlStep: ms,
    };
  } finally {
    raw.free();
    await session?.release();
  }
}
