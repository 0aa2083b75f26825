/**
 * Draw pacing (issue 12): the simulation comes first. From what a draw costs (ms, measured) and what the
 * simulation needs (ms of work per simulated second, measured), the pacer picks the longest gap between draws
 * that still leaves the simulation at real time, then corrects it by what the simulation actually achieved:
 * behind real time → draw less often; at real time → a little more often. Never more than `maxGap` ms between
 * draws (the view still moves); a draw right after user input.
 */
export interface PacerOptions {
  /** the longest gap between draws, ms */
  maxGap: number;
  /** share of the main thread kept free of both simulation and drawing */
  margin: number;
  /** length of a measurement window, ms */
  window: number;
}

export const PACER_DEFAULTS: PacerOptions = { maxGap: 500, margin: 0.15, window: 1000 };

export class DrawPacer {
  /** current gap between draws, ms (0: every animation frame) */
  gap = 0;
  /** real-time factor of the last window (simulated s / wall s / speed), NaN while the simulation is idle */
  rtf = NaN;
  /** draws per second over the last window */
  drawFps = 0;
  /** mean cost of a draw, ms; simulation work per simulated second, ms */
  drawMs = 0;
  simMsPerS = 0;
  /** the least gap learnt from the achieved real-time factor, ms (grows while behind, shrinks at real time) */
  private floor = 0;
  private winStart = -1;
  private draws = 0;
  private drawTotal = 0;
  private simWork = 0;
  private simulated = 0;
  private wanted = 0;
  private input = false;

  constructor(private readonly opt: PacerOptions = PACER_DEFAULTS) {}

  /** a draw took `ms` */
  noteDraw(ms: number): void {
    this.draws++;
    this.drawTotal += ms;
  }

  /** the simulation ran `workMs` of work, advanced `simS` simulated seconds, and should have advanced `wantedS` */
  noteSim(workMs: number, simS: number, wantedS: number): void {
    this.simWork += workMs;
    this.simulated += simS;
    this.wanted += wantedS;
  }

  /** the user did something: draw at the next frame */
  noteInput(): void {
    this.input = true;
  }

  /**
   * Whether to draw at time `now` (ms) given the last draw at `last`; `moved`: false while the simulation plays
   * but has not finished a control step since that draw (nothing new to show: the draw would only hold back the
   * step, e.g. a policy step waiting on the same GPU process).
   */
  due(now: number, last: number, moved = true): boolean {
    this.roll(now);
    if (this.input || (moved && now - last >= this.gap)) {
      this.input = false;
      return true;
    }
    return false;
  }

  /** close the measurement window when it is over: new costs, new gap */
  private roll(now: number): void {
    if (this.winStart < 0) this.winStart = now;
    const wall = now - this.winStart;
    if (wall < this.opt.window) return;
    this.drawFps = (this.draws * 1000) / wall;
    if (this.draws) this.drawMs = this.drawTotal / this.draws;
    const running = this.wanted > 0.05 * (wall / 1000);
    this.rtf = running ? this.simulated / this.wanted : NaN;
    if (running && this.simulated > 0) this.simMsPerS = this.simWork / this.simulated;
    if (running && this.rtf < 0.95) this.floor = Math.min(this.opt.maxGap, Math.max(this.floor * 1.5, 33));
    else if (!running || this.rtf > 0.98) this.floor = this.floor * 0.85 < 5 ? 0 : this.floor * 0.85;
    this.gap = Math.min(this.opt.maxGap, Math.max(this.floor, this.costGap(running ? this.wanted / (wall / 1000) : 0)));
    this.winStart = now;
    this.draws = this.drawTotal = this.simWork = this.simulated = this.wanted = 0;
  }

  /** the gap that leaves the simulation its share at `speed`: a draw's cost over the share left free */
  private costGap(speed: number): number {
    const simShare = (this.simMsPerS * speed) / 1000;
    const free = 1 - this.opt.margin - simShare;
    return free <= 0.02 ? this.opt.maxGap : this.drawMs / free;
  }
}
