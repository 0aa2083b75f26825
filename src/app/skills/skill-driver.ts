/**
 * The timeline of policies as one app driver: each 'policy' segment has its own skill (plan.ts) on the app's engine;
 * where a segment starts (its crossfade included) the robot is handed to its skill over the segment's crossfade
 * (core SkillSwitcher: both skills act on the real state, PD targets and gains crossfade; the incoming one joins
 * aligned to the robot, its observation history warmed from the real state). Live: switchLive(k) hands the robot
 * to the k-th skill with the same transition; the timeline takes over again where its next segment starts.
 */
import type { Driver, OwnReference } from '../drivers';
import { StepQueue } from '../step-queue';
import type { PhysicsEngine } from '../../core/physics/types';
import { controlStep } from '../../core/physics/control';
import { startedSegment, timelineLayout, type Timeline } from '../../core/motion/timeline';
import { SkillSwitcher, type SwitchStats } from '../../core/policy/skill-step';
import type { Skill } from '../../core/policy/skills';

export interface SkillEntry {
  /** timeline segment index */
  segment: number;
  skill: Skill;
}

/** a switch asked for live, run before the next control step */
type Pending = { skill: Skill; seconds: number } | null;

export class SkillTimelineDriver implements Driver {
  readonly kind = 'policy' as const;
  latencyMs = 0;
  push: ((engine: PhysicsEngine) => void) | null = null;
  readonly switcher: SkillSwitcher;
  /** segment index the schedule last handed the robot for (-1: none yet) */
  private seg = -1;
  private disposed = false;
  private readonly queue = new StepQueue();
  private live: Pending = null;
  /** the first reset takes over where the robot stands (the previous driver had it) instead of placing it */
  private takeOver: boolean;

  constructor(
    private readonly engine: PhysicsEngine,
    private readonly timeline: Timeline,
    private readonly dt: number,
    readonly entries: SkillEntry[],
    /** the timeline's length in control steps (the transport's) */
    private readonly nSteps: () => number,
    takeOver: boolean,
  ) {
    this.switcher = new SkillSwitcher(engine, entries[0].skill);
    this.takeOver = takeOver;
  }

  get stats(): SwitchStats {
    return this.switcher.stats;
  }
  get current(): Skill {
    return this.switcher.current;
  }

  private skillAt(segment: number): Skill | null {
    return this.entries.find((e) => e.segment === segment)?.skill ?? null;
  }
  private fadeOf(segment: number): number {
    return timelineLayout(this.timeline).fades[segment] ?? 0;
  }

  /** The robot to the k-th skill (0-based, wrapped) over `seconds` (default: that segment's crossfade, else 0.5 s). */
  switchLive(k: number, seconds?: number): Skill {
    const n = this.entries.length,
      e = this.entries[((k % n) + n) % n];
    this.live = { skill: e.skill, seconds: seconds ?? (this.fadeOf(e.segment) || 0.5) };
    return e.skill;
  }

  /** index of the skill running now among the entries (the last one joined) */
  currentIndex(): number {
    return this.entries.findIndex((e) => e.skill === this.switcher.current);
  }

  step(s: number): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return this.queue.track(this.run(s));
  }

  private async run(s: number): Promise<void> {
    await this.queue.ready();
    const at = startedSegment(this.timeline, s * this.dt);
    if (at.index !== this.seg) {
      this.seg = at.index;
      this.live = null;
      const next = this.skillAt(at.index);
      if (next) await this.switcher.switchTo(next, this.fadeOf(at.index));
    }
    if (this.live) {
      const l = this.live;
      this.live = null;
      await this.switcher.switchTo(l.skill, l.seconds);
    }
    const t0 = performance.now();
    await this.switcher.act();
    if (this.disposed) return;
    this.latencyMs = performance.now() - t0;
    this.engine.clearForces(0);
    this.push?.(this.engine);
    controlStep(this.engine, this.switcher.current.decimation);
    this.switcher.advance();
  }

  reset(s: number): void {
    const take = this.takeOver;
    this.takeOver = false;
    this.queue.reset(async () => {
      const at = startedSegment(this.timeline, s * this.dt);
      const sk = this.skillAt(at.index) ?? this.switcher.current;
      this.seg = at.index;
      this.live = null;
      if (take || !sk.controller) await sk.join();
      else await sk.controller.reset(0, Math.round(at.local / this.dt));
      this.switcher.restart(sk);
    });
  }

  ownReference(): OwnReference | null {
    const c = this.switcher.current.controller;
    return c ? { ref: c.ctx.ref, nSteps: this.nSteps() } : null;
  }

  resume(): void {
    const c = this.switcher.current.controller;
    if (c) c.applyGains();
  }

  dispose(): void {
    this.disposed = true;
    this.engine.clearForces(0);
    void this.queue.idle().then(async () => {
      for (const e of this.entries) await e.skill.release().catch(() => undefined);
    });
  }
}
