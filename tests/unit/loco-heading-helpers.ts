// Shared by the heading-hold tests: a 2 m × 2 m square whose turns integrate to exactly π/2 (so the commanded
// path closes at the start, facing 3π/2), walked with or without heading hold; returns the closing error.
import { CommandTrack, type CommandKey } from '../../src/core/policy/commands';
import { wrapAngle } from '../../src/core/policy/heading';
import type { LocomotionResult } from '../../src/core/policy/locomotion';
import { expect } from 'vitest';
import { perPolicy, walkTrack, type AfterAllFn, type ItFn } from './loco-helpers';

const RAMP = 0.2;

/** Sides: vx 0 → 0.8 → 0 (2.0 m); turns in place: wz 0 → 1 → 0 (π/2); headings 0, π/2, π, 3π/2 held while walking. */
export function headingSquare(): CommandTrack {
  const keys: CommandKey[] = [];
  let t = 0,
    h = 0;
  const walk = 2.0 / 0.8 + RAMP,
    turn = Math.PI / 2 + RAMP;
  for (let side = 0; side < 4; side++) {
    keys.push({ t, vx: 0, vy: 0, wz: 0, heading: h }, { t: t + RAMP, vx: 0.8, vy: 0, wz: 0, heading: h });
    keys.push({ t: t + walk - RAMP, vx: 0.8, vy: 0, wz: 0, heading: h }, { t: t + walk, vx: 0, vy: 0, wz: 0, heading: h });
    t += walk;
    if (side === 3) break;
    keys.push({ t: t + RAMP, vx: 0, vy: 0, wz: 1, heading: h + RAMP / 2 });
    keys.push({ t: t + turn - RAMP, vx: 0, vy: 0, wz: 1, heading: h + Math.PI / 2 - RAMP / 2 });
    t += turn;
    h += Math.PI / 2;
  }
  return new CommandTrack(keys, 'linear', 'heading-square');
}

/** The same square without headings (open loop on its wz). */
export function openSquare(): CommandTrack {
  const s = headingSquare();
  return new CommandTrack(
    s.keys.map(({ t, vx, vy, wz }) => ({ t, vx, vy, wz })),
    'linear',
  );
}

export interface SquareRun {
  res: LocomotionResult;
  /** distance of the end position from the start, m */
  closing_m: number;
  /** wrapped end yaw − 3π/2, rad */
  heading_err_rad: number;
}

/** Walk the square (`hold`: heading hold on) on one robot × engine × policy. */
export async function walkHeadingSquare(r: 'g1' | 't1', engine: 'rapier' | 'mujoco', p: string, hold: boolean): Promise<SquareRun> {
  const track = hold ? headingSquare() : openSquare();
  let start: [number, number] | null = null;
  // the loop passes the live state to the command source: a track with headings is held from its first step on
  const res = await walkTrack(r, engine, p, track, (ctl) => {
    if (start) return;
    const s = ctl.engine.state;
    start = [s.rootPos[0], s.rootPos[1]];
  });
  const [x0, y0] = start ?? [0, 0];
  return {
    res,
    closing_m: Math.hypot(res.end.x - x0, res.end.y - y0),
    heading_err_rad: wrapAngle(res.end.yaw - (3 * Math.PI) / 2),
  };
}

/** Measured with heading hold (all 8 robot × engine × policy): closing 0.09–0.29 m, end |heading err| ≤ 0.072 rad. */
export const BOUND = { closing_m: 0.45, heading_rad: 0.15 };

export const row = (r: string, engine: string, p: string, hold: boolean, x: SquareRun): string =>
  `${r} ${engine.padEnd(7)} ${p.padEnd(7)} ${hold ? 'hold' : 'open'} closing ${x.closing_m.toFixed(3)} m, end heading err ` +
  `${x.heading_err_rad.toFixed(3)} rad, cmd_vel_err ${x.res.cmd_vel_err_m_s!.toFixed(3)} m/s, end (${x.res.end.x.toFixed(2)}, ${x.res.end.y.toFixed(2)})`;

/** One test per policy: the square with heading hold on this engine, no fall, closing within BOUND. */
export function headingSuite(r: 'g1' | 't1', engine: 'rapier' | 'mujoco', it: ItFn, afterAll: AfterAllFn): void {
  const rows: string[] = [];
  const title = (p: string) => `${r} ${p} on ${engine}: the square closes within ${BOUND.closing_m} m with heading hold`;
  // 4–20 s alone; up to 62 s measured with the machine loaded
  perPolicy(it, afterAll, rows, title, 150_000, async (p) => {
    const x = await walkHeadingSquare(r, engine, p, true);
    const line = row(r, engine, p, true, x);
    rows.push(line);
    expect(x.res.fall, line).toBeNull();
    expect(x.closing_m, line).toBeLessThan(BOUND.closing_m);
    expect(Math.abs(x.heading_err_rad), line).toBeLessThan(BOUND.heading_rad);
  });
}
