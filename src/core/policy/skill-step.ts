/**
 * One control step of skills on one engine (skills.ts), for loops that are not compose.ts's fixed schedule:
 * the app's timeline and live switching, the evaluation loop. A `SkillSwitcher` runs the current skill; switchTo()
 * starts a transition of T s in which the outgoing and the incoming skill both run on the real state and the PD
 * targets and gains crossfade linearly (w = (m+1)/(nT+1)) from one to the other; the incoming skill joins where the
 * robot stands (skills.ts join: reference aligned, observation history warmed from the real state).
 * It measures the largest per-step joint-target jump (inside transitions and elsewhere) and the bound a crossfade
 * allows: max over its steps of (1−w)|Δa| + w|Δb| + Δw|b − a| (compose.ts's measure).
 */
import { controlStep } from '../physics/control';
import type { PhysicsEngine } from '../physics/types';
import { checkRates, crossfadeJumpBound, maxAbsDiff, mix, type Skill } from './skills';

export interface SwitchStats {
  /** largest |Δ target| of one joint between consecutive control steps, rad: inside transitions / elsewhere */
  maxJumpTransition: number;
  maxJumpSteady: number;
  /** the largest per-step jump the crossfades allowed (see the file comment; also the steps into and out of them) */
  maxJumpBound: number;
  /** largest gap between the two skills' targets when a transition started (what an instant switch jumps) */
  maxGapAtSwitch: number;
  transitions: number;
  controlSteps: number;
}

export class SkillSwitcher {
  current: Skill;
  outgoing: Skill | null = null;
  readonly stats: SwitchStats = {
    maxJumpTransition: 0,
    maxJumpSteady: 0,
    maxJumpBound: 0,
    maxGapAtSwitch: 0,
    transitions: 0,
    controlSteps: 0,
  };
  /** the PD targets and gains written last (model joint order) */
  readonly out: { targets: Float32Array; kp: number[]; kd: number[]; effort: number[] };
  private readonly nj: number;
  private readonly prev: Float32Array;
  private readonly prevA: Float32Array;
  private readonly prevB: Float32Array;
  private hasPrev = false;
  /** the step right after a transition counts as part of it */
  private justEnded = false;
  /** transition: steps done, steps in all (0: none) */
  private m = 0;
  private nT = 0;
  private wA: Float32Array;
  private wB: Float32Array;

  constructor(
    readonly engine: PhysicsEngine,
    first: Skill,
  ) {
    this.current = first;
    this.nj = first.targets.length;
    const nj = this.nj;
    this.out = { targets: new Float32Array(nj), kp: [], kd: [], effort: [] };
    this.prev = new Float32Array(nj);
    this.prevA = new Float32Array(nj);
    this.prevB = new Float32Array(nj);
    this.wA = new Float32Array(nj);
    this.wB = new Float32Array(nj);
  }

  /** in a transition: the incoming skill's weight now (1 outside) */
  get weight(): number {
    return this.outgoing ? (this.m + 1) / (this.nT + 1) : 1;
  }

  /** Forget the last targets (after a reset the robot was moved: the next step is no jump). */
  restart(skill: Skill): void {
    this.current = skill;
    this.outgoing = null;
    this.hasPrev = false;
    this.justEnded = false;
    this.m = this.nT = 0;
  }

  /**
   * Hand the robot to `next` over `seconds` (0 = instant). Skills must share the control rate (named error
   * with both rates). A switch during a transition drops the skill that was fading out.
   */
  async switchTo(next: Skill, seconds: number): Promise<void> {
    if (next === this.current) return;
    checkRates([this.current, next], 'switch');
    await next.join();
    const nT = Math.max(0, Math.round(seconds / next.stepDt));
    this.outgoing = nT > 0 ? this.current : null;
    this.current = next;
    this.m = 0;
    this.nT = nT;
    this.justEnded = nT === 0;
    this.stats.transitions++;
  }

  /** Act (both skills in a transition), mix, give the engine the targets and gains; measure the jump. */
  async act(): Promise<void> {
    const a = this.outgoing,
      b = this.current,
      nj = this.nj,
      st = this.stats;
    if (a) {
      await a.act();
      await b.act();
      const w = (this.m + 1) / (this.nT + 1),
        dw = 1 / (this.nT + 1);
      if (this.m === 0) {
        st.maxGapAtSwitch = Math.max(st.maxGapAtSwitch, maxAbsDiff(a.targets, b.targets));
        // from the last targets written (the outgoing skill's) to the first mix
        if (this.hasPrev)
          st.maxJumpBound = Math.max(st.maxJumpBound, crossfadeJumpBound(nj, a.targets, b.targets, this.prev, this.prev, w, 0));
      } else st.maxJumpBound = Math.max(st.maxJumpBound, crossfadeJumpBound(nj, a.targets, b.targets, this.prevA, this.prevB, w, dw));
      this.prevA.set(a.targets);
      this.prevB.set(b.targets);
      this.wA.fill(1 - w);
      this.wB.fill(w);
      mix([a, b], [this.wA, this.wB], this.out);
    } else {
      await b.act();
      this.wB.fill(1);
      mix([b], [this.wB], this.out);
      if (this.justEnded && this.nT > 0) {
        // the step after a transition: from the last mix (weight wl on b) to b alone
        const wl = this.nT / (this.nT + 1);
        for (let j = 0; j < nj; j++) {
          const bound = wl * Math.abs(b.targets[j] - this.prevB[j]) + (1 - wl) * Math.abs(b.targets[j] - this.prevA[j]);
          st.maxJumpBound = Math.max(st.maxJumpBound, bound + 1e-6);
        }
      }
    }
    this.engine.setGains(this.out.kp, this.out.kd, this.out.effort);
    this.engine.setTargets(this.out.targets);
    if (this.hasPrev) {
      const jmp = maxAbsDiff(this.out.targets, this.prev);
      if (a || this.justEnded) st.maxJumpTransition = Math.max(st.maxJumpTransition, jmp);
      else st.maxJumpSteady = Math.max(st.maxJumpSteady, jmp);
    }
    this.hasPrev = true;
    this.prev.set(this.out.targets);
  }

  /** Advance the skills that acted (after the physics steps); end the transition when its steps are done. */
  advance(): void {
    if (this.outgoing) this.outgoing.advance();
    this.current.advance();
    this.stats.controlSteps++;
    this.justEnded = false;
    if (this.outgoing && ++this.m >= this.nT) {
      this.outgoing = null;
      this.justEnded = true;
    }
  }

  /** act + the current skill's decimation in physics steps + advance */
  async step(): Promise<void> {
    await this.act();
    controlStep(this.engine, this.current.decimation);
    this.advance();
  }
}
