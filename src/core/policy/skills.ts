/**
 * Skills that drive one robot's PD targets and gains, for composing and blending (compose.ts, blend.ts):
 * a policy (tracking + clip, or locomotion + command track) running on the real state, or a clip played by
 * PD (the built-in gains). Every skill writes its own targets (n envs × model joint order); the mixer decides
 * what the engine gets. Several skills share one engine: each builds its own observations from engine.state.
 * A composed or blended skill runs in the one episode loop (evaluation/loop.ts) through runSkills: a fall
 * ends an env's episode; pushes, scenarios and batches (an engine of n envs) come with the loop.
 */
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import { ReferenceTrack } from '../motion/reference';
import type { MotionClip } from '../motion/types';
import { createBatchState, type BatchState, type PhysicsEngine } from '../physics/types';
import { fallEnds, type Fall } from '../evaluation/ends';
import { runEpisodes, type EpisodeDriver, type EpisodesOutcome } from '../evaluation/loop';
import { nominalScenario, type Scenario } from '../evaluation/scenario';
import { loadPolicyConfig, type PolicySource } from '../evaluation/setup';
import { builtinGains } from './builtin';
import { CommandSource, commandedClip, type CommandTrack } from './commands';
import type { PolicyConfig } from './config';
import { PolicyController } from './controller';
import { policyGains } from './gains';
import { PolicySession } from './session';

export interface Gains {
  kp: number[];
  kd: number[];
  effort: number[];
}

export interface Skill {
  readonly name: string;
  /** control step, s, and physics steps per control step */
  readonly stepDt: number;
  readonly decimation: number;
  /** PD targets, n envs × model joint order, after act() */
  readonly targets: Float32Array;
  /** the reference of this skill (n envs), after act() */
  readonly ref: BatchState;
  readonly gains: Gains;
  /** 1 for each model joint this skill drives */
  readonly drives: Uint8Array;
  /** the policy controller (absent for a clip played by PD) */
  readonly controller?: PolicyController;
  /** take over env `env` (all when omitted) where the robot stands (reference aligned, history warmed from the real state) */
  join(env?: number): Promise<void>;
  act(): Promise<void>;
  advance(): void;
  release(): Promise<void>;
}

class PolicySkill implements Skill {
  readonly stepDt: number;
  readonly decimation: number;
  readonly gains: Gains;
  readonly drives: Uint8Array;
  constructor(
    readonly name: string,
    readonly controller: PolicyController,
    readonly session: PolicySession,
    model: RobotModel,
    cfg: PolicyConfig,
  ) {
    this.stepDt = cfg.stepDt;
    this.decimation = cfg.decimation;
    this.gains = policyGains(model, cfg);
    this.drives = new Uint8Array(model.joints.length);
    for (const j of controller.ctx.policyJoints) this.drives[j] = 1;
  }
  get targets(): Float32Array {
    return this.controller.targets;
  }
  get ref(): BatchState {
    return this.controller.ref;
  }
  join(env?: number): Promise<void> {
    return this.controller.join(env);
  }
  act(): Promise<void> {
    return this.controller.act();
  }
  advance(): void {
    this.controller.advance();
  }
  release(): Promise<void> {
    return this.session.release();
  }
}

export interface PolicySkillOptions {
  model: RobotModel;
  engine: PhysicsEngine;
  policy: PolicySource;
  name?: string;
  config?: PolicyConfig;
  /** tracking policies: the clip (embedded-reference policies need none) */
  clip?: MotionClip;
  /** locomotion policies: the command track, and how long the commanded reference must last */
  commands?: CommandTrack;
  seconds?: number;
}

/** A policy as a skill on a shared engine (its session created here; release() frees it). */
export async function policySkill(o: PolicySkillOptions): Promise<Skill> {
  const cfg = o.config ?? loadPolicyConfig(o.policy, o.model);
  const session = await PolicySession.create(o.policy.bytes, cfg, { file: o.policy.file });
  try {
    let track: ReferenceTrack | undefined, commands: CommandSource | undefined;
    if (o.commands) {
      commands = new CommandSource(o.commands, cfg.commandRanges ?? null);
      track = new ReferenceTrack(o.model, commandedClip(o.model, cfg, commands, (o.seconds ?? 10) + 1), cfg.stepDt);
    } else if (o.clip) track = new ReferenceTrack(o.model, o.clip, cfg.stepDt);
    const ctl = new PolicyController({
      model: o.model,
      engine: o.engine,
      config: cfg,
      session,
      track,
      start: 'default-pose',
      file: o.policy.file,
      commands,
    });
    return new PolicySkill(o.name ?? o.policy.file, ctl, session, o.model, cfg);
  } catch (e) {
    await session.release();
    throw e;
  }
}

/** A clip played by PD: targets = the clip's joint angles (looped), the built-in controller's gains. */
class ClipSkill implements Skill {
  readonly targets: Float32Array;
  readonly ref: BatchState;
  readonly gains: Gains;
  readonly drives: Uint8Array;
  private step = 0;
  constructor(
    readonly name: string,
    private readonly track: ReferenceTrack,
    model: RobotModel,
    readonly stepDt: number,
    readonly decimation: number,
    private readonly n: number,
  ) {
    const nj = model.joints.length,
      g = builtinGains(model);
    this.targets = new Float32Array(n * nj);
    this.ref = createBatchState(n, nj, model.bodies.length);
    this.gains = { kp: g.kp, kd: g.kd, effort: model.joints.map((j) => j.effortLimit) };
    this.drives = new Uint8Array(nj).fill(1);
    for (const name of track.missingJoints) this.drives[model.jointIndex.get(name)!] = 0;
  }
  async join(): Promise<void> {
    this.step = 0;
  }
  async act(): Promise<void> {
    const nj = this.track.nj,
      s = this.step % this.track.nSteps;
    for (let e = 0; e < this.n; e++) {
      this.targets.set(this.track.jointPos.subarray(s * nj, (s + 1) * nj), e * nj);
      this.track.write(s, this.ref, e);
    }
  }
  advance(): void {
    this.step++;
  }
  async release(): Promise<void> {}
}

/**
 * A clip played by PD at the control rate (stepDt, decimation of the skills it is mixed with) on n envs.
 * Clip joints the robot lacks: named.
 */
export function clipSkill(model: RobotModel, clip: MotionClip, stepDt: number, decimation: number, n = 1): Skill {
  return new ClipSkill(clip.name, new ReferenceTrack(model, clip, stepDt), model, stepDt, decimation, n);
}

/** Skills mixed on one engine must share the control rate: else a named error with every rate. */
export function checkRates(skills: Skill[], where: string): void {
  const a = skills[0];
  const bad = skills.find((s) => Math.abs(s.stepDt - a.stepDt) > 1e-9 || s.decimation !== a.decimation);
  if (bad) {
    fail(
      'PolicyError',
      bad.name,
      where,
      `control rates differ: ${a.name} runs at ${(1 / a.stepDt).toFixed(1)} Hz (decimation ${a.decimation}), ` +
        `${bad.name} at ${(1 / bad.stepDt).toFixed(1)} Hz (decimation ${bad.decimation}); skills mixed on one robot must share the control rate (not resampled)`,
    );
  }
}

/** The mixer's output: targets (n envs × nj) and per-joint gains. */
export interface Mixed {
  targets: Float32Array;
  kp: number[];
  kd: number[];
  effort: number[];
}

/** An empty mixer output for n envs of the skills' robot. */
export const mixedFor = (skills: Skill[]): Mixed => ({ targets: new Float32Array(skills[0].targets.length), kp: [], kd: [], effort: [] });

/**
 * Mix skills per joint: targets and gains = Σ w_s,j · x_s,j / Σ w_s,j over skills that drive joint j
 * (weights n_skills × nj, the same for every env). A joint no skill weighs keeps the first skill's value.
 */
export function mix(skills: Skill[], weights: Float32Array[], out: Mixed): void {
  const nj = skills[0].gains.kp.length,
    n = out.targets.length / nj;
  for (let j = 0; j < nj; j++) {
    let w = 0,
      kp = 0,
      kd = 0,
      ef = 0;
    const t = new Float64Array(n);
    skills.forEach((s, k) => {
      const x = s.drives[j] ? weights[k][j] : 0;
      if (!(x > 0)) return;
      w += x;
      for (let e = 0; e < n; e++) t[e] += x * s.targets[e * nj + j];
      kp += x * s.gains.kp[j];
      kd += x * s.gains.kd[j];
      ef += x * s.gains.effort[j];
    });
    const s = skills[0];
    for (let e = 0; e < n; e++) out.targets[e * nj + j] = w > 0 ? t[e] / w : s.targets[e * nj + j];
    out.kp[j] = w > 0 ? kp / w : s.gains.kp[j];
    out.kd[j] = w > 0 ? kd / w : s.gains.kd[j];
    out.effort[j] = w > 0 ? ef / w : s.gains.effort[j];
  }
}

/** A composed or blended skill as the loop's driver: what it adds to EpisodeDriver. */
export interface SkillsDriver extends EpisodeDriver {
  /** the driver's own measurements on state k (step k − 1's targets in place) */
  observe(k: number, state: BatchState, alive: Uint8Array): void;
}

export interface SkillsRun {
  engine: PhysicsEngine;
  skills: Skill[];
  /** control steps to run */
  steps: number;
  /** the driver, made on the loop's engine view (PD targets through its action-delay line) */
  driver: (engine: PhysicsEngine) => SkillsDriver;
  /** body whose height and tilt define a fall (default: the first policy's anchor) */
  anchor?: number;
  /** perturbations (default nominal) and episode indices (default one per env of the engine) */
  scenario?: Scenario;
  episodes?: number[];
  /** every control step after the action is set, before physics */
  onStep?: (k: number) => void;
  name: string;
}

/** Run skills mixed on one engine through the episode loop; a fall (env 0: `fall`) ends an env's episode. */
export async function runSkills(o: SkillsRun): Promise<{ out: EpisodesOutcome; fall: Fall | null }> {
  const sk = o.skills[0],
    n = o.engine.state.n,
    nj = o.engine.model.joints.length;
  const bad = o.skills.find((x) => x.targets.length !== n * nj);
  if (bad) fail('PolicyError', bad.name, o.name, `the skill drives ${bad.targets.length / nj} env(s); the engine has ${n}`);
  const anchor = o.anchor ?? o.skills.find((s) => s.controller)?.controller!.ctx.anchorBody ?? 0;
  let fall: Fall | null = null;
  const out = await runEpisodes(
    {
      model: o.engine.model,
      raw: o.engine,
      driver: 'policy',
      config: null,
      scenario: o.scenario ?? nominalScenario(),
      episodes: o.episodes ?? [...Array(n).keys()],
      physicsDt: sk.stepDt / sk.decimation,
      decimation: sk.decimation,
      seconds: o.steps * sk.stepDt,
      start: 'default-pose',
      custom: async (engine) => {
        const d = o.driver(engine);
        return {
          driver: d,
          policy: null,
          builtin: null,
          refSteps: Infinity,
          clipName: o.name,
          notes: [],
          firstStep: 0,
          referenceWarnings: [],
          startsInPlace: true,
          ends: fallEnds(anchor),
          observe: (k, s, alive) => d.observe(k, s, alive),
          release: async () => {},
        };
      },
    },
    {
      onStep: (k) => {
        if (k < o.steps) o.onStep?.(k);
      },
      onTermination: (e, k, t) => {
        if (e === 0 && !fall) fall = { t: k * sk.stepDt, reason: t.reason as Fall['reason'], value: t.value };
      },
    },
  );
  return { out, fall };
}

/** Largest |a[j] − b[j]| (0 for empty arrays). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
  return m;
}

/**
 * Largest per-joint jump a crossfade step may make (plus 1e-6): (1 − w)·|a − prevA| + w·|b − prevB| + dw·|prevB − prevA|,
 * for the first n joints; a, b the two skills' targets now, prevA, prevB a step earlier, w the weight on b now, dw
 * the weight step. The mix moves by (1 − w)·Δa + w·Δb + dw·(prevB − prevA): the weight step acts on the gap the
 * skills had a step earlier (with the gap now, a gap that shrinks broke the bound by dw × the shrink).
 */
export function crossfadeJumpBound(
  n: number,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  prevA: ArrayLike<number>,
  prevB: ArrayLike<number>,
  w: number,
  dw: number,
): number {
  let m = 0;
  for (let j = 0; j < n; j++)
    m = Math.max(m, (1 - w) * Math.abs(a[j] - prevA[j]) + w * Math.abs(b[j] - prevB[j]) + dw * Math.abs(prevB[j] - prevA[j]));
  return m + 1e-6;
}
