/**
 * Live switching between the loaded skills (the policy segments of the timeline): keys 1..9 hand the robot to the
 * n-th skill, `switchBy(delta)` to the next / previous one (for a gamepad), with the same crossfaded transition
 * as the timeline's (that segment's crossfade, else 0.5 s). The timeline takes over again where its next segment starts.
 */
import { SkillTimelineDriver } from './skill-driver';
import type { Driver } from '../drivers';

/** The skill switches of one simulation (the app's); the App holds one. */
export class LiveSkills {
  private installed = false;

  /**
   * `sim`: what the keys and the gamepad act on (the page's simulation); `remote`: the simulation worker's switch
   * while it runs the skills (app/sim-hosts.ts), else null
   */
  constructor(
    private readonly sim: { driver: Driver },
    private readonly remote: () => { switchSkill(to: { index?: number; by?: number }): string | null } | null = () => null,
  ) {}

  /** Hand the robot to skill k (0-based, wrapped); its name, or null when no skill timeline is running. */
  switchTo(k: number): string | null {
    const d = this.sim.driver,
      r = this.remote();
    if (r) return r.switchSkill({ index: k });
    return d instanceof SkillTimelineDriver ? d.switchLive(k).name : null;
  }

  /** Hand the robot to the skill `delta` places after the running one (negative: before), wrapped. */
  switchBy(delta: number): string | null {
    const d = this.sim.driver,
      r = this.remote();
    if (r) return r.switchSkill({ by: delta });
    return d instanceof SkillTimelineDriver ? d.switchLive(d.currentIndex() + delta).name : null;
  }

  /** Keys 1..9 (not while typing in a field): the n-th skill. Once. */
  installKeys(): void {
    if (this.installed) return;
    this.installed = true;
    window.addEventListener('keydown', (e) => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
      if (/^[1-9]$/.test(e.key) && this.switchTo(Number(e.key) - 1) !== null) e.preventDefault();
    });
  }
}
