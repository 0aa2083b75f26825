/**
 * When to draw, so that the simulation keeps real time on a slow renderer. Drawing's cost is measured where it
 * shows: a drawn frame delays the next animation frame until the renderer (the GPU process, software GL included)
 * is done, so the gap from the end of a drawing frame to the next frame, plus the frame's own drawing JS, is what a
 * draw costs. The simulation's share is its ms per simulated ms. Draws are spaced so that the simulation gets what it
 * needs at the chosen speed, and drawing at most what is left (never below one draw per `MAX_PERIOD` ms).
 */

/** the most time between two draws, ms: the view never freezes longer, whatever the simulation needs */
export const MAX_PERIOD = 500;
/** the share of wall time kept free of both (input, charts, the browser itself) */
const SPARE = 0.1;
/** smoothing of the measured costs (weight of the newest sample) */
const EMA = 0.25;

const ema = (old: number, x: number): number => old + EMA * (x - old);

export class DrawPace {
  /** a draw's cost, ms (see above) */
  drawMs = 0;
  /** the simulation's wall ms per simulated ms (at speed 1); 0 until it has run */
  simShare = 0;
  private frameEnd = 0;
  private drewLast = false;
  private lastRenderMs = 0;

  /** At the start of an animation frame: the gap since the last frame ended costs the draw, if one was made. */
  frameStart(now: number): void {
    if (this.drewLast && this.frameEnd > 0) {
      const cost = Math.max(0, now - this.frameEnd) + this.lastRenderMs;
      this.drawMs = this.drawMs ? ema(this.drawMs, cost) : cost;
    }
    this.drewLast = false;
  }

  /** The simulation ran `ms` of wall time for `simulatedS` seconds of simulated time. */
  simulated(ms: number, simulatedS: number): void {
    if (simulatedS > 0) this.simShare = ema(this.simShare, ms / (simulatedS * 1000));
  }

  /** The least time between two draws now, ms (0: every frame), for the simulation running at `speed` (0: paused). */
  period(speed: number): number {
    const need = this.simShare * speed;
    if (!need || !this.drawMs) return 0;
    return Math.min(MAX_PERIOD, this.drawMs / Math.max(SPARE, 1 - SPARE - need));
  }

  /** A draw was made; its JS took `renderMs`. */
  drew(renderMs: number): void {
    this.drewLast = true;
    this.lastRenderMs = renderMs;
  }

  /** At the end of the animation frame's work. */
  frameEnded(now: number): void {
    this.frameEnd = now;
  }
}
