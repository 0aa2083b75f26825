/**
 * The policy control loop for a batch of n envs on one PhysicsEngine. Per control step (act):
 * reference → ctx.ref → observations (CPU) → ONNX → actions; a non-finite action holds that env's last
 * finite targets (counted in nonFiniteActions); PD targets = offset + scale·action (clipped if configured),
 * mapped from policy order to MODEL joint order BY NAME → engine.setTargets. step() = act + `decimation`
 * physics steps + advance the reference.
 *
 * Reference: a ReferenceTrack (clip), or the policy's own embedded reference (BeyondMimic export: outputs
 * joint_pos, joint_vel, body_pos_w, body_quat_w... selected by the input time_step). The embedded reference
 * does not depend on the observation, so each run is fed time_step = step + 1 and its reference outputs are
 * kept for the next observation; reset() fetches step 0 with one extra run.
 *
 * Start: 'reset' puts the robot onto the reference's first frame (as training does); 'align' leaves the
 * robot where it is and aligns the reference to it by yaw and horizontal position (as BeyondMimic's
 * deployment does).
 */
import { fail } from '../errors';
import { CpuObservationBuilder } from '../observation/builder';
import { createObsContext } from '../observation/context';
import type { ObsContext } from '../observation/types';
import type { RobotModel } from '../model/types';
import { controlStep } from '../physics/control';
import { envState, type PhysicsEngine } from '../physics/types';
import type { PolicyConfig } from './config';
import type { PolicySession } from './session';
import { alignmentFor, applyAlignment, EmbeddedReference, identityAlignment, type Alignment, type ReferenceSource } from './refio';

export type { ReferenceSource } from './refio';

export type StartMode = 'reset' | 'align';

export interface PolicyControllerOptions {
  model: RobotModel;
  engine: PhysicsEngine;
  config: PolicyConfig;
  session: PolicySession;
  /** the reference (a ReferenceTrack of the clip at the policy rate); required unless the policy embeds its reference */
  track?: ReferenceSource;
  start?: StartMode;
  file?: string;
}

export class PolicyController {
  readonly n: number;
  readonly nj: number;
  readonly na: number;
  readonly ctx: ObsContext;
  readonly builder: CpuObservationBuilder;
  readonly obs: Float32Array;
  /** PD targets, n × nj, model joint order */
  readonly targets: Float32Array;
  /** current reference step per env */
  readonly refStep: Int32Array;
  readonly alignment: Alignment[];
  /** number of (env, control step) pairs whose action had a NaN/Inf, held instead */
  nonFiniteActions = 0;
  /** optional hook: edit the observations (n × size) before inference, e.g. evaluation noise */
  onObservation: ((obs: Float32Array) => void) | null = null;
  /** optional hook: edit the raw actions (n × na, policy order) before they become targets, e.g. a delay */
  onActions: ((actions: Float32Array) => void) | null = null;
  readonly start: StartMode;
  readonly model: RobotModel;
  readonly engine: PhysicsEngine;
  readonly config: PolicyConfig;
  readonly session: PolicySession;
  readonly track?: ReferenceSource;
  readonly file: string;
  /** reference steps available (Infinity for an embedded reference of unknown length) */
  readonly nSteps: number;
  private readonly embedded: EmbeddedReference | null;
  private pendingRef: Record<string, Float32Array> | null = null;
  private readonly scale: Float32Array;
  private readonly offset: Float32Array;

  constructor(o: PolicyControllerOptions) {
    const { model, engine, config } = o;
    this.model = model; this.engine = engine; this.config = config; this.session = o.session; this.track = o.track;
    this.file = o.file ?? 'policy.onnx';
    this.start = o.start ?? 'reset';
    this.n = engine.state.n;
    this.nj = model.joints.length;
    this.na = config.jointNames.length;
    this.ctx = createObsContext(model, this.n, config.jointNames, config.defaultJointPos, config.anchorBody, config.nSkills, engine.state);
    this.builder = new CpuObservationBuilder(config.observations, this.ctx);
    this.obs = new Float32Array(this.n * this.builder.size);
    this.targets = new Float32Array(this.n * this.nj);
    this.refStep = new Int32Array(this.n);
    this.alignment = Array.from({ length: this.n }, identityAlignment);
    this.scale = Float32Array.from(config.actionScale);
    this.offset = Float32Array.from(config.actionOffset);
    if (config.embeddedReference) {
      if (!this.session.timeStepInput) fail('PolicyError', this.file, 'graph inputs', 'an embedded-reference policy needs an input "time_step"');
      this.embedded = new EmbeddedReference(model, this.ctx.policyJoints, config.bodyNames, this.file);
      this.nSteps = o.track?.nSteps ?? Infinity;
    } else {
      if (!o.track) fail('PolicyError', this.file, 'reference', 'this policy does not embed its reference: give a motion clip');
      this.embedded = null;
      this.nSteps = o.track!.nSteps;
    }
    this.setGains();
  }

  /** PD gains (policy order → model order by name); joints the policy does not drive keep the mean gains. */
  private setGains(): void {
    const { model, config, nj } = this;
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
    const kp = new Array<number>(nj).fill(mean(config.stiffness));
    const kd = new Array<number>(nj).fill(mean(config.damping));
    const effort = model.joints.map((j) => j.effortLimit);
    config.jointNames.forEach((_, i) => {
      const j = this.ctx.policyJoints[i];
      kp[j] = config.stiffness[i];
      kd[j] = config.damping[i];
      if (config.effortLimits) effort[j] = config.effortLimits[i];
    });
    this.engine.setGains(kp, kd, effort);
  }

  /** Write the reference of env e at its current step into ctx.ref (aligned). */
  private writeRef(e: number): void {
    if (this.embedded) {
      if (!this.pendingRef) fail('PolicyError', this.file, 'time_step', 'embedded reference not fetched (call reset first)');
      this.embedded.write(this.pendingRef!, this.n, this.ctx.ref, e);
    } else this.track!.write(this.refStep[e], this.ctx.ref, e);
    applyAlignment(this.ctx.ref, e, this.alignment[e]);
  }

  private async fetchEmbedded(steps: Int32Array): Promise<void> {
    const r = await this.session.run(this.obs, this.n, Float32Array.from(steps));
    this.pendingRef = r.reference ?? fail('PolicyError', this.file, 'outputs', 'the embedded-reference policy returned no reference outputs');
  }

  /**
   * Start an episode for env e (or all): reference step 0; 'reset' puts the robot on the reference's first
   * frame, 'align' aligns the reference to where the robot stands. Clears last action and history.
   */
  async reset(env?: number, step = 0): Promise<void> {
    const envs = env === undefined ? [...Array(this.n).keys()] : [env];
    for (const e of envs) {
      this.refStep[e] = step;
      this.alignment[e] = identityAlignment();
      this.ctx.lastAction.fill(0, e * this.na, (e + 1) * this.na);
    }
    if (this.embedded) await this.fetchEmbedded(this.refStep);
    const { ref, state } = this.ctx;
    for (const e of envs) {
      this.writeRef(e);
      if (this.start === 'reset') {
        this.engine.reset(e, envState(ref, e));
      } else {
        const a = this.ctx.anchorBody, nb = state.nb;
        this.alignment[e] = alignmentFor(
          state.bodyPos.subarray((e * nb + a) * 3, (e * nb + a) * 3 + 3), state.bodyQuat.subarray((e * nb + a) * 4, (e * nb + a) * 4 + 4),
          ref.bodyPos.subarray((e * nb + a) * 3, (e * nb + a) * 3 + 3), ref.bodyQuat.subarray((e * nb + a) * 4, (e * nb + a) * 4 + 4),
        );
        applyAlignment(ref, e, this.alignment[e]);
      }
      // hold the current pose until the first action
      for (let j = 0; j < this.nj; j++) this.targets[e * this.nj + j] = state.jointPos[e * this.nj + j];
      this.builder.reset(e);
    }
    this.engine.setTargets(this.targets);
  }

  /** Set the skill one-hot of env e (SkillMimic-style policies). */
  setSkill(e: number, k: number): void {
    const s = this.ctx.nSkills;
    if (k < 0 || k >= s) fail('PolicyError', this.file, 'skill', `skill ${k} outside 0..${s - 1}`);
    this.ctx.skill.fill(0, e * s, (e + 1) * s);
    this.ctx.skill[e * s + k] = 1;
  }

  /** One control decision for every env: reference → observations → policy → PD targets. */
  async act(): Promise<void> {
    const { n, na, nj } = this;
    for (let e = 0; e < n; e++) this.writeRef(e);
    this.builder.build(this.obs);
    this.onObservation?.(this.obs);
    // embedded reference: ask for the next step's reference along with this step's action
    const ts = this.session.timeStepInput ? Float32Array.from(this.refStep, (s) => (this.embedded ? s + 1 : s)) : undefined;
    const r = await this.session.run(this.obs, n, ts);
    if (this.embedded) this.pendingRef = r.reference ?? null;
    this.onActions?.(r.actions);
    const a = r.actions, last = this.ctx.lastAction, pj = this.ctx.policyJoints;
    const [lo, hi] = this.config.actionClip ?? [-Infinity, Infinity];
    for (let e = 0; e < n; e++) {
      let finite = true;
      for (let i = 0; i < na; i++) if (!Number.isFinite(a[e * na + i])) { finite = false; break; }
      if (!finite) {
        this.nonFiniteActions++;
        continue; // targets and last action of this env stay as they were
      }
      for (let i = 0; i < na; i++) {
        const v = a[e * na + i];
        last[e * na + i] = v;
        const t = this.offset[i] + this.scale[i] * v;
        this.targets[e * nj + pj[i]] = Math.min(Math.max(t, lo), hi);
      }
    }
    this.engine.setTargets(this.targets);
  }

  /** Advance every env's reference by one control step. */
  advance(): void {
    for (let e = 0; e < this.n; e++) this.refStep[e]++;
  }

  /** act, then `decimation` physics steps, then advance. */
  async step(): Promise<void> {
    await this.act();
    controlStep(this.engine, this.config.decimation);
    this.advance();
  }
}
