// The draw pacer (src/app/draw-pacing.ts): the gap between draws from measured costs and the achieved real-time factor.
import { describe, expect, it } from 'vitest';
import { DrawPacer } from '../../src/app/draw-pacing';

/** Drive `pacer` for `seconds` of 60 Hz frames: each frame the simulation does `simMs` of work and advances
 *  `simS` of the 1/60 s wanted (no work: paused); a due frame draws at `drawMs`. Returns the number of draws. */
function drive(p: DrawPacer, t0: number, seconds: number, simMs: number, simS: number, drawMs: number): { draws: number; t: number } {
  let draws = 0,
    last = -Infinity,
    t = t0;
  for (let k = 0; k < seconds * 60; k++, t += 1000 / 60) {
    if (simMs > 0) p.noteSim(simMs, simS, 1 / 60); // the frame loop notes nothing while the simulation is paused
    if (p.due(t, last)) {
      last = t;
      draws++;
      p.noteDraw(drawMs);
    }
  }
  return { draws, t };
}

describe('draw pacing', () => {
  it('draws every frame when the simulation and the draws are cheap', () => {
    const p = new DrawPacer();
    const { draws } = drive(p, 0, 3, 1, 1 / 60, 2);
    expect(draws).toBeGreaterThan(170);
    expect(p.gap).toBeLessThan(1000 / 60);
    expect(p.rtf).toBeCloseTo(1, 5);
  });

  it('gives the simulation its share: gap = draw cost / share left free', () => {
    const p = new DrawPacer({ maxGap: 500, margin: 0.15, window: 1000 });
    // 0.7 of the main thread for the simulation at real time (700 ms of work per simulated s), 30 ms draws
    drive(p, 0, 3, 700 / 60, 1 / 60, 30);
    expect(p.simMsPerS).toBeCloseTo(700, 5);
    expect(p.drawMs).toBeCloseTo(30, 5);
    expect(p.gap).toBeCloseTo(30 / 0.15, 3);
  });

  it('draws less often while the simulation falls behind, never less than every maxGap ms, and recovers', () => {
    const p = new DrawPacer();
    let r = drive(p, 0, 1.05, 1, 0.5 / 60, 5);
    const gaps = [p.gap];
    for (let k = 0; k < 12; k++) {
      r = drive(p, r.t, 1, 1, 0.5 / 60, 5); // half real time
      gaps.push(p.gap);
    }
    expect(p.rtf).toBeCloseTo(0.5, 5);
    for (let k = 1; k < gaps.length; k++) expect(gaps[k]).toBeGreaterThanOrEqual(gaps[k - 1]);
    expect(p.gap).toBe(500);
    expect(drive(p, r.t, 2, 1, 0.5 / 60, 5).draws).toBeGreaterThanOrEqual(3); // still about twice a second
    drive(p, r.t + 2000, 30, 1, 1 / 60, 5); // back at real time: the gap shrinks to the cost's
    expect(p.gap).toBeLessThan(1000 / 60);
  });

  it('draws at once after user input', () => {
    const p = new DrawPacer();
    const r = drive(p, 0, 3, 1, 0.5 / 60, 5);
    expect(p.gap).toBeGreaterThan(30);
    const last = r.t - 1;
    expect(p.due(r.t, last)).toBe(false);
    p.noteInput();
    expect(p.due(r.t + 1, last)).toBe(true);
    expect(p.due(r.t + 2, r.t + 1)).toBe(false); // once
  });

  it('the simulation not running (paused, busy) is not "behind"', () => {
    const p = new DrawPacer();
    drive(p, 0, 3, 0, 0, 2);
    expect(Number.isNaN(p.rtf)).toBe(true);
    expect(p.gap).toBeLessThan(1000 / 60);
  });
});

describe('draw pacing: nothing new to show', () => {
  it('no draw while the playing simulation has not finished a control step since the last draw, unless input', () => {
    const p = new DrawPacer();
    expect(p.due(0, -Infinity, true)).toBe(true);
    expect(p.due(600, 0, false)).toBe(false); // past the longest gap, but the step is still running
    expect(p.due(600, 0, true)).toBe(true);
    p.noteInput();
    expect(p.due(700, 600, false)).toBe(true);
  });
});
