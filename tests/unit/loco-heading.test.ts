// Heading hold (core/policy/heading.ts, commands.ts): the yaw-rate law, heading targets in command tracks and
// their named errors, the CLI flag; then the G1 on MuJoCo (FastSAC) walks the 2 m square with and without it:
// with it the square closes far better.
import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { createBatchState } from '../../src/core/physics/types';
import { CommandSource, CommandTrack, parseCommandTrack } from '../../src/core/policy/commands';
import { headingYawRate, wrapAngle, yawOf } from '../../src/core/policy/heading';
import { parseArgs } from '../../src/cli/eval-args';
import { locoTrack } from '../../src/cli/eval-loco';
import { BOUND, headingSquare, row, walkHeadingSquare } from './loco-heading-helpers';

const named = (f: () => unknown, where: RegExp) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MimicError);
    expect(String((e as Error).message)).toMatch(where);
    return;
  }
  throw new Error('expected a MimicError');
};

describe('heading hold: the law', () => {
  it('wz = feed-forward + stiffness × wrapped heading error, clipped to the range', () => {
    expect(wrapAngle(3 * Math.PI)).toBeCloseTo(-Math.PI, 9);
    expect(wrapAngle(-Math.PI / 2 - 2 * Math.PI)).toBeCloseTo(-Math.PI / 2, 9);
    expect(headingYawRate(0.5, 0.2)).toBeCloseTo(0.3, 9); // stiffness 1 (mjlab / Isaac Lab default)
    expect(headingYawRate(0.5, 0.2, 0.4, 2)).toBeCloseTo(1.0, 9);
    // the short way round: target 170°, yaw −170° → turn −20°
    expect(headingYawRate((170 * Math.PI) / 180, (-170 * Math.PI) / 180)).toBeCloseTo((-20 * Math.PI) / 180, 9);
    expect(headingYawRate(3, 0, 0, 1, [-1, 1])).toBe(1);
    expect(headingYawRate(-3, 0, 0, 1, [-0.5, 1])).toBe(-0.5);
    const a = 0.7;
    expect(yawOf([Math.cos(a / 2), 0, 0, Math.sin(a / 2)])).toBeCloseTo(a, 6);
  });

  it('withHeadings integrates the track wz exactly (linear and step); headingAt interpolates', () => {
    const lin = new CommandTrack([
      { t: 0, vx: 0, vy: 0, wz: 0 },
      { t: 1, vx: 0, vy: 0, wz: 1 },
      { t: 3, vx: 0, vy: 0, wz: 1 },
    ]).withHeadings();
    expect(lin.keys.map((k) => k.heading)).toEqual([0, 0.5, 2.5]);
    expect(lin.headingAt(2)).toBeCloseTo(1.5, 9);
    expect(lin.headingAt(10)).toBeCloseTo(2.5 + 7, 9); // past the last key: on at its wz (1)
    // a constant command turns: its heading integrates wz
    expect(CommandTrack.constant([0.5, 0, 0.3]).withHeadings().headingAt(4)).toBeCloseTo(1.2, 9);
    const step = new CommandTrack(
      [
        { t: 0, vx: 0, vy: 0, wz: 0.5 },
        { t: 2, vx: 0, vy: 0, wz: 0 },
      ],
      'step',
    ).withHeadings(0.25);
    expect(step.keys.map((k) => k.heading)).toEqual([0.25, 1.25]);
    expect(step.headingAt(1)).toBeCloseTo(0.75, 9); // turning at the step key's wz
    expect(step.headingAt(5)).toBeCloseTo(1.25, 9);
    expect(CommandTrack.constant([0.5, 0, 0]).headingAt(5)).toBeNull();
    // the test square's headings end at 3π/2
    expect(headingSquare().headingAt(1e9)).toBeCloseTo((3 * Math.PI) / 2, 9);
  });

  it('a command source follows the state: wz from the heading error, clipped to the wz range, not counted as a clamp', () => {
    const track = new CommandTrack([{ t: 0, vx: 0.5, vy: 0, wz: 0, heading: 1 }]);
    const src = new CommandSource(track, { vx: [-1, 1], vy: [-1, 1], wz: [-0.6, 0.6] });
    expect(src.at(0, 0)[2]).toBe(0); // open loop until it follows a state
    const s = createBatchState(1, 1, 1);
    s.rootQuat.set([1, 0, 0, 0]);
    src.follow(s);
    expect(src.at(0, 0)[2]).toBeCloseTo(0.6, 9); // error 1 rad, clipped
    const y = 0.8;
    s.rootQuat.set([Math.cos(y / 2), 0, 0, Math.sin(y / 2)]);
    expect(src.at(0, 0)[2]).toBeCloseTo(0.2, 5);
    expect(src.clampCount).toBe(0);
  });

  it('bad headings are named errors', () => {
    named(() => parseCommandTrack([{ t: 0, heading: 'north' }], 's.json'), /s\.json.*commands\[0\]\.heading/);
    named(() => parseCommandTrack([{ t: 0, heading: 0 }, { t: 1 }], 's.json'), /commands\[1\]\.heading.*every key/);
    const t = parseCommandTrack([{ t: 0, vx: 0.5, heading: 0.3 }], 's.json');
    expect(t.hasHeading).toBe(true);
    expect(t.headingAt(0)).toBe(0.3);
  });

  it('--heading-hold gives the CLI track headings integrated from its wz', () => {
    const o = parseArgs(['--robot', 'r.xml', '--policy', 'p.onnx', '--command', '0.5,0,0.2', '--heading-hold']);
    expect(o.headingHold).toBe(true);
    const t = locoTrack(o)!;
    expect(t.hasHeading).toBe(true);
    expect(locoTrack({ ...o, headingHold: false })!.hasHeading).toBe(false);
  });
});

describe('heading hold: the G1 square on MuJoCo', () => {
  it('FastSAC: closes within the bound with hold, and at least 2× better than open loop', async () => {
    const open = await walkHeadingSquare('g1', 'mujoco', 'fastsac', false);
    const hold = await walkHeadingSquare('g1', 'mujoco', 'fastsac', true);
    console.log([row('g1', 'mujoco', 'fastsac', false, open), row('g1', 'mujoco', 'fastsac', true, hold)].join('\n'));
    expect(open.res.fall).toBeNull();
    expect(hold.res.fall).toBeNull();
    expect(hold.closing_m).toBeLessThan(BOUND.closing_m);
    expect(hold.closing_m).toBeLessThan(open.closing_m / 2); // measured 0.093 vs 0.378
    expect(Math.abs(hold.heading_err_rad)).toBeLessThan(Math.abs(open.heading_err_rad) / 2); // 0.047 vs 0.147
  }, 90_000);
});
