/**
 * Composing policies in time: a sequence of segments (a tracking policy + clip, a locomotion policy + command
 * track, or a clip played by PD: skills.ts), each for some seconds. The switch into a segment is a
 * transition of `transition` seconds in which BOTH skills run on the real state and the PD targets and gains
 * crossfade linearly from the outgoing skill to the incoming one; the incoming skill joins where the robot
 * stands (reference aligned, observation history refilled from the real state, last action warmed).
 * Runs in the one episode loop (skills.ts runSkills): a fall ends it. Measures the largest per-step
 * joint-target jump, inside transitions and outside, and the gap an instant switch would have made; per
 * segment, the tracking errors of a tracking policy after its transition and the time survived.
 */
import type { BatchState, PhysicsEngine } from '../physics/types';
import type { Fall } from '../evaluation/ends';
import type { Scenario } from '../evaluation/scenario';
import { checkTermination } from './termination';
import { checkRates, crossfadeJumpBound, maxAbsDiff, mix, mixedFor, runSkills, type Mixed, type Skill, type SkillsDriver } from './skills';

export interface Segment {
  skill: Skill;
  seconds: number;
  /** crossfade length into this segment, s (0 = instant switch; ignored for the first) */
  transition?: number;
}

export interface SegmentReport {
  name: string;
  start_s: number;
  seconds: number;
  transition_s: number;
  gap_at_switch_rad: number;
  /** tracking policies: mean |q − q_ref| over the policy's joints after the transition, rad (null otherwise) */
  joint_err_rad: number | null;
  /** tracking policies: mean anchor position error against the aligned reference after the transition, m (null otherwise) */
  anchor_err_m: number | null;
  /** tracking policies (a clip reference): BeyondMimic termination checks that fired after the transition (counted, not stopping) */
  tracking_terminations: number;
  /** the largest |Δ target| of one joint between consecutive control steps in the transition into this segment, rad */
  max_jump_rad: number;
  /** seconds of this segment the robot survived (env 0) */
  survived_s: number;
}

export interface CompositionResult {
  survived_s: number;
  seconds: number;
  fall: Fall | null;
  segments: SegmentReport[];
  /** largest |Δ target| of one joint between consecutive control steps, rad: inside transitions / elsewhere */
  max_jump_transition_rad: number;
  max_jump_steady_rad: number;
  /** per transition: the bound the crossfade allows, max over its steps of (1−w)|Δa| + w|Δb| + Δw|b − a| */
  max_jump_bound_rad: number;
  control_steps: number;
}

export interface CompositionOptions {
  engine: PhysicsEngine;
  segments: Segment[];
  /** body index whose height and tilt define a fall (default: the first policy's anchor) */
  anchor?: number;
  /** perturbations (default nominal) and episode indices (default one per env of the engine) */
  scenario?: Scenario;
  episodes?: number[];
  onStep?: (t: number, targets: Float32Array) => void;
}

const endEffectorsOf = (c: NonNullable<Skill['controller']>): number[] =>
  c.config.endEffectors.map((n) => c.model.bodyIndex.get(n)).filter((b): b is number => b !== undefined);

/** Where each segment starts and how many of its steps crossfade. */
interface Slot {
  start: number;
  n: number;
  nT: number;
}

const slotsOf = (segs: Segment[], dt: number): Slot[] => {
  let k = 0;
  return segs.map((s, i) => {
    const slot = { start: k, n: Math.round(s.seconds / dt), nT: i > 0 ? Math.round(Math.max(0, s.transition ?? 0) / dt) : 0 };
    k += slot.n;
    return slot;
  });
};

/** The composed skill as the loop's driver: which segment acts, the crossfade, the jump measurements. */
class ComposedDriver implements SkillsDriver {
  private k = 0;
  /** the segment and crossfade of the last step acted */
  private last = { i: 0, inT: false };
  private first = true;
  private readonly out: Mixed;
  private readonly prev: Float32Array;
  private readonly prevA: Float32Array;
  private readonly prevB: Float32Array;
  private readonly ones: Float32Array;
  private readonly err: { joint: number; anchor: number; n: number; na: number }[];
  jumpT = 0;
  jumpS = 0;
  bound = 0;

  constructor(
    private readonly segs: Segment[],
    private readonly slots: Slot[],
    private readonly engine: PhysicsEngine,
    readonly reports: SegmentReport[],
  ) {
    const skills = segs.map((s) => s.skill);
    this.out = mixedFor(skills);
    const len = this.out.targets.length;
    this.prev = new Float32Array(len);
    this.prevA = new Float32Array(len);
    this.prevB = new Float32Array(len);
    this.ones = new Float32Array(skills[0].gains.kp.length).fill(1);
    this.err = segs.map(() => ({ joint: 0, anchor: 0, n: 0, na: 0 }));
  }

  get ref(): BatchState {
    return this.segs[this.last.i].skill.ref;
  }
  get targets(): Float32Array {
    return this.out.targets;
  }

  /** the first skill starts the episode: a policy stands the robot in its default pose */
  async reset(e: number): Promise<void> {
    const s0 = this.segs[0].skill;
    if (s0.controller) await s0.controller.reset(e);
    else await s0.join(e);
  }

  forget(e: number): void {
    for (const s of this.segs) s.skill.controller?.forget(e);
  }

  private segmentAt(k: number): number {
    let i = 0;
    while (i + 1 < this.slots.length && k >= this.slots[i + 1].start) i++;
    return i;
  }

  async act(): Promise<void> {
    const last = this.slots[this.slots.length - 1];
    if (this.k >= last.start + last.n) {
      await this.segs[this.slots.length - 1].skill.act(); // the loop's closing act: the reference only
      return;
    }
    const i = this.segmentAt(this.k),
      m = this.k - this.slots[i].start,
      nT = this.slots[i].nT;
    const cur = this.segs[i].skill,
      old = i > 0 ? this.segs[i - 1].skill : null;
    if (old && m === 0) await cur.join();
    const inT = old !== null && m < nT;
    if (inT) await this.crossfade(old, cur, m, nT, this.reports[i]);
    else {
      await cur.act();
      mix([cur], [this.ones], this.out);
    }
    this.engine.setGains(this.out.kp, this.out.kd, this.out.effort);
    this.engine.setTargets(this.out.targets);
    if (!this.first) {
      const jmp = maxAbsDiff(this.out.targets, this.prev);
      if (inT || (old !== null && m === nT)) {
        this.jumpT = Math.max(this.jumpT, jmp);
        this.reports[i].max_jump_rad = Math.max(this.reports[i].max_jump_rad, jmp);
      } else this.jumpS = Math.max(this.jumpS, jmp);
    }
    this.first = false;
    this.prev.set(this.out.targets);
    this.last = { i, inT };
  }

  /** Both skills act; targets and gains crossfade; the bound a crossfade allows is measured. */
  private async crossfade(old: Skill, cur: Skill, m: number, nT: number, rep: SegmentReport): Promise<void> {
    await old.act();
    await cur.act();
    const w = (m + 1) / (nT + 1),
      dw = 1 / (nT + 1);
    if (m === 0) rep.gap_at_switch_rad = maxAbsDiff(old.targets, cur.targets);
    mix([old, cur], [this.ones.map(() => 1 - w), this.ones.map(() => w)], this.out);
    if (m > 0)
      this.bound = Math.max(
        this.bound,
        crossfadeJumpBound(this.out.targets.length, old.targets, cur.targets, this.prevA, this.prevB, w, dw),
      );
    this.prevA.set(old.targets);
    this.prevB.set(cur.targets);
  }

  advance(): void {
    const { i, inT } = this.last;
    if (inT) this.segs[i - 1].skill.advance();
    this.segs[i].skill.advance();
    this.k++;
  }

  /** A tracking policy's errors after its transition, on the state its step reached. */
  observe(_k: number, s: BatchState, alive: Uint8Array): void {
    const { i, inT } = this.last,
      c = this.segs[i].skill.controller;
    if (!c || c.commands || inT) return;
    const pj = c.ctx.policyJoints,
      ref = c.ctx.ref,
      a = c.ctx.anchorBody,
      err = this.err[i];
    for (let e = 0; e < alive.length; e++) {
      if (!alive[e]) continue;
      for (const j of pj) err.joint += Math.abs(s.jointPos[e * s.nj + j] - ref.jointPos[e * s.nj + j]);
      err.n += pj.length;
      const b = (e * s.nb + a) * 3;
      err.anchor += Math.hypot(s.bodyPos[b] - ref.bodyPos[b], s.bodyPos[b + 1] - ref.bodyPos[b + 1], s.bodyPos[b + 2] - ref.bodyPos[b + 2]);
      err.na++;
      if (checkTermination(s, ref, e, a, endEffectorsOf(c))) this.reports[i].tracking_terminations++;
    }
  }

  /** Per-segment errors and survival once the run ended at `survived` seconds. */
  finish(survived: number, dt: number): void {
    this.reports.forEach((r, i) => {
      const e = this.err[i];
      r.joint_err_rad = e.n ? e.joint / e.n : null;
      r.anchor_err_m = e.na ? e.anchor / e.na : null;
      r.survived_s = Math.min(this.slots[i].n * dt, Math.max(0, survived - this.slots[i].start * dt));
    });
  }
}

export async function runComposition(o: CompositionOptions): Promise<CompositionResult> {
  const segs = o.segments,
    skills = segs.map((s) => s.skill);
  checkRates(skills, 'compose');
  const dt = skills[0].stepDt,
    slots = slotsOf(segs, dt);
  const reports: SegmentReport[] = segs.map((s, i) => ({
    name: s.skill.name,
    start_s: slots[i].start * dt,
    seconds: s.seconds,
    transition_s: i > 0 ? Math.max(0, s.transition ?? 0) : 0,
    gap_at_switch_rad: 0,
    joint_err_rad: null,
    anchor_err_m: null,
    tracking_terminations: 0,
    max_jump_rad: 0,
    survived_s: 0,
  }));
  let d: ComposedDriver | null = null;
  const steps = slots.reduce((a, x) => a + x.n, 0);
  const { out, fall } = await runSkills({
    engine: o.engine,
    skills,
    steps,
    driver: (engine) => (d = new ComposedDriver(segs, slots, engine, reports)),
    anchor: o.anchor,
    scenario: o.scenario,
    episodes: o.episodes,
    onStep: (k) => o.onStep?.(k * dt, d!.targets),
    name: 'compose',
  });
  const drv = d!;
  drv.finish(out.survived[0], dt);
  return {
    survived_s: out.survived[0],
    seconds: segs.reduce((a, x) => a + x.seconds, 0),
    fall,
    segments: reports,
    max_jump_transition_rad: drv.jumpT,
    max_jump_steady_rad: drv.jumpS,
    max_jump_bound_rad: drv.bound,
    control_steps: out.done,
  };
}
