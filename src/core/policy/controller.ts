/**
 * The policy control step for a batch of n envs on one PhysicsEngine — the only place that writes the
 * reference, has observations built, runs the policy and maps actions to PD targets. Per act():
 * reference → ctx.ref (+ phase) → observation backend (CPU builder + ONNX session by default; the app's
 * WebGPU one) → actions; a non-finite action holds that env's last finite targets (counted);
 * PD targets = offset + scale·action (clipped if configured), policy order → MODEL joint order BY NAME →
 * engine.setTargets. Joints the policy does not drive are held by PD (config.heldJoints: stated positions and
 * gains; else their start pose with the mean gains). step() = act + `decimation` physics steps + advance.
 *
 * Reference: a ReferenceSource (clip, live reference), or the policy's own embedded reference (outputs
 * joint_pos, body_pos_w... selected by the input time_step). The embedded reference does not depend on the
 * observation, so each run is fed time_step = step + 1 (clamped to the motion's last step when known) and its
 * outputs are kept for the next act; reset() fetches the reset envs' steps with one extra run. That is
 * BeyondMimic's deployment (motion_tracking_controller MotionOnnxPolicy: reset runs time_step = start, each
 * forward feeds the next step and keeps its outputs for the next observation). holosoma's deployment
 * (holosoma_inference policies/wbt.py) feeds time_step = k at step k and observes the outputs of the previous
 * run, so its observation lags one step (step 0 sees step 0): referenceOutputs.lagged feeds k instead of k + 1.
 * Start: see start.ts ('ground' by default).
 */
import { fail } from '../errors';
import { createObsContext } from '../observation/context';
import type { ObsContext } from '../observation/types';
import type { RobotModel } from '../model/types';
import { controlStep } from '../physics/control';
import { envState, type PhysicsEngine } from '../physics/types';
import { CpuBackend, type ObservationBackend } from './backend';
import type { PolicyConfig } from './config';
import type { PolicySession } from './session';
import { applyAlignment, bodyAlignment, EmbeddedReference, identityAlignment, type Alignment, type ReferenceSource } from './refio';
import { groundFor } from '../physics/terrain-engines'; // terrain (issue 16)
import { groundShift, standInPose, startModeOf, type StartMode, type StartModeInput } from './start';
import { policyGains } from './gains';
import type { CommandSource } from './commands';
import { advanceGaitPhase } from '../observation/context';
import { writeRefObjects, type ObsObjects } from '../observation/objects';
import type { MotionClip } from '../motion/types';

export type { ReferenceSource } from './refio';
export type { StartMode, StartModeInput } from './start';

export interface PolicyControllerOptions {
  model: RobotModel;
  engine: PhysicsEngine;
  config: PolicyConfig;
  session: PolicySession;
  /** the reference (a ReferenceTrack of the clip at the policy rate); required unless the policy embeds its reference */
  track?: ReferenceSource;
  start?: StartModeInput;
  file?: string;
  /** embedded reference: index of its last step (probeReferenceLength); time_step is never asked past it */
  lastStep?: number;
  /** multiply every PD gain (default 1) */
  gainScale?: number;
  /** velocity commands (locomotion policies): written into ctx.command every control step */
  commands?: CommandSource;
  /** objects in the scene, for object observation terms (observation/objects.ts) */
  objects?: ObsObjects;
}

type Recurrent = { resetRecurrent?: (env?: number) => void };
const NO_CLIP = [-Infinity, Infinity] as const;

export class PolicyController {
  readonly n: number;
  readonly nj: number;
  readonly na: number;
  readonly ctx: ObsContext;
  /** the CPU observation backend (also the fallback of other backends) */
  readonly cpu: CpuBackend;
  /** the backend act() uses */
  backend: ObservationBackend;
  /** PD targets, n × nj, model joint order */
  readonly targets: Float32Array;
  /** current reference step per env */
  readonly refStep: Int32Array;
  readonly alignment: Alignment[];
  /** number of (env, control step) pairs whose action had a NaN/Inf, held instead */
  nonFiniteActions = 0;
  /** 1 for each env whose action in the last act() was not finite */
  readonly lastNonFinite: Uint8Array;
  /** optional hook: edit the raw actions (n × na, policy order) before they become targets, e.g. a delay */
  onActions: ((actions: Float32Array) => void) | null = null;
  /** how reset() places the robot (start.ts); may be changed between episodes (the app's start choice) */
  start: StartMode;
  readonly model: RobotModel;
  readonly engine: PhysicsEngine;
  readonly config: PolicyConfig;
  readonly session: PolicySession;
  readonly track?: ReferenceSource;
  readonly file: string;
  /** reference steps available (Infinity for an embedded reference of unknown length) */
  get nSteps(): number {
    return this.embedded ? (Number.isFinite(this.lastStep) ? this.lastStep + 1 : (this.track?.nSteps ?? Infinity)) : this.track!.nSteps;
  }
  /** per env: the vertical shift of the last 'ground' start, m, and the body that touched the floor */
  readonly startShift: Float64Array;
  startShiftBody = '';
  private readonly embedded: EmbeddedReference | null;
  private pendingRef: Record<string, Float32Array> | null = null;
  /** the step whose reference pendingRef holds, per env */
  private readonly pendingStep: Int32Array;
  private lastStep: number;
  private readonly scale: Float32Array;
  private readonly offset: Float32Array;
  private readonly held: { joint: number; pos: number }[];
  private readonly gainScale: number;
  /** velocity commands (locomotion); null: ctx.command stays as the caller writes it */
  commands: CommandSource | null;

  constructor(o: PolicyControllerOptions) {
    const { model, engine, config } = o;
    this.model = model;
    this.engine = engine;
    this.config = config;
    this.session = o.session;
    this.track = o.track;
    this.file = o.file ?? 'policy.onnx';
    this.start = startModeOf(o.start);
    this.n = engine.state.n;
    this.nj = model.joints.length;
    this.na = config.jointNames.length;
    this.ctx = createObsContext(model, this.n, config.jointNames, config.defaultJointPos, config.anchorBody, config.nSkills, engine.state);
    if (o.objects) this.ctx.objects = o.objects; // objects
    this.cpu = new CpuBackend(config.observations, this.ctx, this.session);
    this.backend = this.cpu;
    this.targets = new Float32Array(this.n * this.nj);
    this.refStep = new Int32Array(this.n);
    this.pendingStep = new Int32Array(this.n);
    this.lastNonFinite = new Uint8Array(this.n);
    this.startShift = new Float64Array(this.n);
    this.alignment = Array.from({ length: this.n }, identityAlignment);
    this.scale = Float32Array.from(config.actionScale);
    this.offset = Float32Array.from(config.actionOffset);
    this.held = (config.heldJoints?.names ?? []).map((name, i) => ({
      joint:
        model.jointIndex.get(name) ??
        fail('PolicyError', this.file, `heldJoints.names[${i}]`, `held joint ${name} is not in robot "${model.name}"`),
      pos: config.heldJoints!.positions[i],
    }));
    this.lastStep = o.lastStep ?? Infinity;
    if (config.embeddedReference) {
      if (!this.session.timeStepInput)
        fail('PolicyError', this.file, 'graph inputs', 'an embedded-reference policy needs an input "time_step"');
      this.embedded = new EmbeddedReference(model, this.ctx.policyJoints, config.bodyNames, this.file);
    } else {
      if (!o.track) fail('PolicyError', this.file, 'reference', 'this policy does not embed its reference: give a motion clip');
      this.embedded = null;
    }
    this.gainScale = o.gainScale ?? 1;
    this.commands = o.commands ?? null;
    this.applyGains();
  }

  /** Give the engine this policy's PD gains (again, e.g. after another driver changed them). */
  applyGains(): void {
    const g = policyGains(this.model, this.config, this.gainScale);
    this.engine.setGains(g.kp, g.kd, g.effort);
  }

  /** The embedded reference's last step (probeReferenceLength): time_step is never asked past it. */
  setLastStep(last: number): void {
    this.lastStep = last;
  }

  /** the CPU backend's observation builder and last observations */
  get builder(): CpuBackend['builder'] {
    return this.cpu.builder;
  }
  get obs(): Float32Array {
    return this.cpu.obs;
  }
  get onObservation(): CpuBackend['onObservation'] {
    return this.cpu.onObservation;
  }
  set onObservation(f: CpuBackend['onObservation']) {
    this.cpu.onObservation = f;
  }
  /** the reference the robot is compared with (what the observations saw) */
  get ref(): ObsContext['ref'] {
    return this.ctx.ref;
  }

  /** Write the reference of env e at its current step into ctx.ref (aligned), and its phase. */
  private writeRef(e: number): void {
    if (this.embedded) {
      if (!this.pendingRef) fail('PolicyError', this.file, 'time_step', 'embedded reference not fetched (call reset first)');
      this.embedded.write(this.pendingRef!, this.n, this.ctx.ref, e);
    } else this.track!.write(this.refStep[e], this.ctx.ref, e);
    applyAlignment(this.ctx.ref, e, this.alignment[e]);
    const clip = (this.track as { clip?: MotionClip } | undefined)?.clip; // objects: the clip's object tracks
    if (this.ctx.objects && clip?.objects && !this.embedded)
      writeRefObjects(this.ctx.objects, clip.objects, clip.fps, this.refStep[e] * this.config.stepDt, e, this.alignment[e]);
    const phase = (this.ctx as { phase?: Float32Array }).phase,
      T = this.config.motionSeconds;
    if (phase && T) phase[e] = (this.refStep[e] * this.config.stepDt) / T;
  }

  private tsBuf: Float32Array | null = null;

  /** every env's reference step + next, capped at the last (one buffer, reused: it is read only during the run) */
  private timeSteps(next: number): Float32Array {
    const b = this.tsBuf && this.tsBuf.length === this.n ? this.tsBuf : (this.tsBuf = new Float32Array(this.n));
    for (let e = 0; e < this.n; e++) b[e] = Math.min(this.refStep[e] + next, this.lastStep);
    return b;
  }

  /** Fetch the embedded reference of `envs` at their reference step (the other envs keep what they had). */
  private async fetchEmbedded(envs: number[]): Promise<void> {
    const steps = Float32Array.from(this.pendingStep);
    for (const e of envs) steps[e] = Math.min(this.refStep[e], this.lastStep);
    const r = await this.session.run(this.obs, this.n, steps);
    const ref = r.reference ?? fail('PolicyError', this.file, 'outputs', 'the embedded-reference policy returned no reference outputs');
    if (this.pendingRef && envs.length < this.n) {
      // keep the other envs' prefetched reference
      for (const k of Object.keys(ref)) {
        const per = ref[k].length / this.n,
          old = this.pendingRef[k];
        for (let e = 0; e < this.n; e++) if (!envs.includes(e) && old) ref[k].set(old.subarray(e * per, (e + 1) * per), e * per);
      }
    }
    this.pendingRef = ref;
    for (const e of envs) this.pendingStep[e] = steps[e];
  }

  /** env e (or all): reference step `step`, alignment back to identity; the envs touched */
  private restartEnvs(env: number | undefined, step: number): number[] {
    const envs = env === undefined ? [...Array(this.n).keys()] : [env];
    for (const e of envs) {
      this.refStep[e] = step;
      this.alignment[e] = identityAlignment();
    }
    return envs;
  }

  /**
   * Start an episode for env e (or all) at reference step `step`: the robot placed as the start mode says,
   * last action, observation history and recurrent state cleared.
   */
  async reset(env?: number, step = 0): Promise<void> {
    const envs = this.restartEnvs(env, step);
    for (const e of envs) this.ctx.lastAction.fill(0, e * this.na, (e + 1) * this.na);
    if (this.embedded) await this.fetchEmbedded(envs);
    const rec = this.session as Recurrent;
    for (const e of envs) {
      rec.resetRecurrent?.(e);
      this.ctx.gaitPhase.set([0, Math.PI], e * 2); // holosoma: left foot at 0, right at π
      this.writeRef(e);
      this.place(e);
      this.holdPose(e);
      this.cpu.reset(e);
      if (this.backend !== this.cpu) this.backend.reset(e);
    }
    this.engine.setTargets(this.targets);
  }

  /** Put env e where the start mode says (its reference was just written). */
  private place(e: number): void {
    const { ref, state } = this.ctx,
      nj = this.nj;
    if (this.start === 'default-pose') {
      const q = Array.from(state.jointPos.subarray(e * nj, (e + 1) * nj), () => 0);
      this.config.jointNames.forEach((_, i) => {
        q[this.ctx.policyJoints[i]] = this.config.defaultJointPos[i];
      });
      for (const h of this.held) q[h.joint] = h.pos;
      standInPose(this.engine, e, q);
      const a = this.ctx.anchorBody,
        nb = state.nb,
        i = e * nb + a;
      this.alignment[e] = bodyAlignment(state, ref, i);
      applyAlignment(ref, e, this.alignment[e]);
      return;
    }
    if (this.start === 'ground') {
      const g = groundShift(this.model, ref, e, groundFor(this.engine.options.terrain)); // terrain: issue 16
      this.startShift[e] = g.dz;
      this.startShiftBody = g.body;
      if (g.dz !== 0) {
        this.alignment[e] = { yaw: 0, x: 0, y: 0, z: g.dz };
        applyAlignment(ref, e, this.alignment[e]);
      }
    }
    this.engine.reset(e, envState(ref, e));
  }

  /** Targets of env e: its current pose until the first action; held joints at their stated positions. */
  private holdPose(e: number): void {
    const nj = this.nj,
      q = this.ctx.state.jointPos;
    for (let j = 0; j < nj; j++) this.targets[e * nj + j] = q[e * nj + j];
    for (const h of this.held) this.targets[e * nj + h.joint] = h.pos;
  }

  /**
   * Take over env e (or all) mid-episode where the robot stands, at reference step `step` (policy switches):
   * nothing is moved; the reference is aligned to the robot's anchor by yaw and position ('default-pose'
   * semantics); the observation history refills from the real state at the next act (not zeros); the last
   * action is warmed to the action that holds the current pose (q − offset) / scale; targets = current pose.
   */
  async join(env?: number, step = 0): Promise<void> {
    const envs = this.restartEnvs(env, step);
    if (this.embedded) await this.fetchEmbedded(envs);
    const { ref, state } = this.ctx,
      nb = state.nb,
      a = this.ctx.anchorBody,
      pj = this.ctx.policyJoints;
    for (const e of envs) {
      this.forget(e);
      this.ctx.gaitPhase.set([0, Math.PI], e * 2);
      this.writeRef(e);
      const i = e * nb + a;
      this.alignment[e] = bodyAlignment(state, ref, i);
      for (let k = 0; k < this.na; k++) {
        const q = state.jointPos[e * this.nj + pj[k]];
        this.ctx.lastAction[e * this.na + k] = this.scale[k] ? (q - this.offset[k]) / this.scale[k] : 0;
      }
      this.holdPose(e);
    }
  }

  /** Forget env e's policy state (last action, observation history, recurrent state) without moving it. */
  forget(e: number): void {
    this.ctx.lastAction.fill(0, e * this.na, (e + 1) * this.na);
    this.cpu.reset(e);
    if (this.backend !== this.cpu) this.backend.reset(e);
    (this.session as Recurrent).resetRecurrent?.(e);
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
    for (let e = 0; e < this.n; e++) this.writeRef(e);
    const cmd = this.commands;
    if (cmd) for (let e = 0; e < this.n; e++) this.ctx.command.set(cmd.at(e, this.refStep[e] * this.config.stepDt), e * 3);
    // embedded reference: ask for the reference the next act observes along with this step's action
    const ts = this.session.timeStepInput ? this.timeSteps(this.embedded && !this.config.referenceOutputs?.lagged ? 1 : 0) : undefined;
    const r = await this.backend.infer(ts);
    if (this.embedded) {
      this.pendingRef = r.reference ?? null;
      this.pendingStep.set(ts!);
    }
    this.onActions?.(r.actions);
    this.setTargetsFrom(r.actions);
  }

  /** PD targets from the actions (n × na, policy order); non-finite actions hold the env's last targets. */
  private setTargetsFrom(a: Float32Array): void {
    const { n, na, nj } = this,
      last = this.ctx.lastAction,
      pj = this.ctx.policyJoints;
    const clip = this.config.actionClip;
    // one [low, high] for all joints, or one per policy joint
    const row = (i: number): readonly number[] =>
      clip === null ? NO_CLIP : Array.isArray(clip[0]) ? (clip as [number, number][])[i] : (clip as [number, number]);
    for (let e = 0; e < n; e++) {
      let finite = true;
      for (let i = 0; i < na; i++)
        if (!Number.isFinite(a[e * na + i])) {
          finite = false;
          break;
        }
      this.lastNonFinite[e] = finite ? 0 : 1;
      if (!finite) {
        this.nonFiniteActions++;
        continue; // targets and last action of this env stay as they were
      }
      for (let i = 0; i < na; i++) {
        const v = a[e * na + i];
        last[e * na + i] = v;
        const t = this.offset[i] + this.scale[i] * v;
        const c = row(i);
        this.targets[e * nj + pj[i]] = Math.min(Math.max(t, c[0]), c[1]);
      }
    }
    this.engine.setTargets(this.targets);
  }

  /** Advance every env's reference by one control step. */
  advance(): void {
    for (let e = 0; e < this.n; e++) this.refStep[e]++;
    // holosoma: the gait clock moves after each action (stands at π while the command is ~0)
    if (this.config.gaitPeriod) advanceGaitPhase(this.ctx, this.config.stepDt, this.config.gaitPeriod);
  }

  /** act, then `decimation` physics steps, then advance. */
  async step(): Promise<void> {
    await this.act();
    controlStep(this.engine, this.config.decimation);
    this.advance();
  }
}
