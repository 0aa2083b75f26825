/**
 * Skills that drive one robot's PD targets and gains, for composing and blending (compose.ts, blend.ts):
 * a policy (tracking + clip, or locomotion + command track) running on the real state, or a clip played by
 * PD (the built-in gains). Every skill writes its own targets (model joint order); the mixer decides what
 * the engine gets. Several skills share one engine: each builds its own observations from engine.state.
 */
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import { ReferenceTrack } from '../motion/reference';
import type { MotionClip } from '../motion/types';
import type { PhysicsEngine } from '../physics/types';
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
  /** PD targets of env 0, model joint order, after act() */
  readonly targets: Float32Array;
  readonly gains: Gains;
  /** 1 for each model joint this skill drives */
  readonly drives: Uint8Array;
  /** the policy controller (absent for a clip played by PD) */
  readonly controller?: PolicyController;
  /** take over where the robot stands (reference aligned, history warmed from the real state) */
  join(): Promise<void>;
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
  join(): Promise<void> {
    return this.controller.join(0);
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
  readonly gains: Gains;
  readonly drives: Uint8Array;
  private step = 0;
  constructor(
    readonly name: string,
    private readonly track: ReferenceTrack,
    model: RobotModel,
    readonly stepDt: number,
    readonly decimation: number,
  ) {
    const nj = model.joints.length,
      g = builtinGains(model);
    this.targets = new Float32Array(nj);
    this.gains = { kp: g.kp, kd: g.kd, effort: model.joints.map((j) => j.effortLimit) };
    this.drives = new Uint8Array(nj).fill(1);
    for (const name of track.missingJoints) this.drives[model.jointIndex.get(name)!] = 0;
  }
  async join(): Promise<void> {
    this.step = 0;
  }
  async act(): Promise<void> {
    const nj = this.targets.length,
      s = this.step % this.track.nSteps;
    this.targets.set(this.track.jointPos.subarray(s * nj, (s + 1) * nj));
  }
  advance(): void {
    this.step++;
  }
  async release(): Promise<void> {}
}

/** A clip played by PD at the control rate (stepDt, decimation of the skills it is mixed with). Clip joints the robot lacks: named. */
export function clipSkill(model: RobotModel, clip: MotionClip, stepDt: number, decimation: number): Skill {
  return new ClipSkill(clip.name, new ReferenceTrack(model, clip, stepDt), model, stepDt, decimation);
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

/**
 * Mix skills per joint: targets and gains = Σ w_s,j · x_s,j / Σ w_s,j over skills that drive joint j
 * (weights n_skills × nj). A joint no skill weighs keeps the first skill's value.
 */
export function mix(
  skills: Skill[],
  weights: Float32Array[],
  out: { targets: Float32Array; kp: number[]; kd: number[]; effort: number[] },
): void {
  const nj = out.targets.length;
  for (let j = 0; j < nj; j++) {
    let w = 0,
      t = 0,
      kp = 0,
      kd = 0,
      ef = 0;
    skills.forEach((s, k) => {
      const x = s.drives[j] ? weights[k][j] : 0;
      if (!(x > 0)) return;
      w += x;
      t += x * s.targets[j];
      kp += x * s.gains.kp[j];
      kd += x * s.gains.kd[j];
      ef += x * s.gains.effort[j];
    });
    if (w > 0) {
      out.targets[j] = t / w;
      out.kp[j] = kp / w;
      out.kd[j] = kd / w;
      out.effort[j] = ef / w;
    } else {
      const s = skills[0];
      out.targets[j] = s.targets[j];
      out.kp[j] = s.gains.kp[j];
      out.kd[j] = s.gains.kd[j];
      out.effort[j] = s.gains.effort[j];
    }
  }
}
