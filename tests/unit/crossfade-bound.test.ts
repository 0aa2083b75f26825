// The per-step jump bound of a crossfade (skills.ts crossfadeJumpBound) holds for the mix that mix() makes, every
// step of a fade, also when one skill closes the gap to the other (the case a bound on the current gap missed).
import { describe, expect, it } from 'vitest';
import { crossfadeJumpBound, maxAbsDiff, mix, mixedFor, type Skill } from '../../src/core/policy/skills';

/** What mix() reads of a skill: its targets, gains and the joints it drives (one env). */
function skillOf(targets: number[]): Skill {
  const n = targets.length,
    ones = new Float32Array(n).fill(1);
  return {
    targets: Float32Array.from(targets),
    gains: { kp: ones, kd: ones, effort: ones },
    drives: new Uint8Array(n).fill(1),
  } as unknown as Skill;
}

/** A fade of nT + 1 steps from a to b; `path(m)` gives both skills' targets at step m. Returns the worst jump − bound. */
function worstExcess(nT: number, path: (m: number) => [number[], number[]]): number {
  const n = path(0)[0].length;
  const out = mixedFor([skillOf(path(0)[0])]);
  let prevOut: Float32Array | null = null,
    prevA: Float32Array | null = null,
    prevB: Float32Array | null = null,
    worst = -Infinity;
  for (let m = 0; m <= nT; m++) {
    const [ta, tb] = path(m);
    const a = skillOf(ta),
      b = skillOf(tb);
    const w = (m + 1) / (nT + 1),
      dw = 1 / (nT + 1);
    mix([a, b], [new Float32Array(n).fill(1 - w), new Float32Array(n).fill(w)], out);
    if (prevOut && prevA && prevB)
      worst = Math.max(worst, maxAbsDiff(out.targets, prevOut) - crossfadeJumpBound(n, a.targets, b.targets, prevA, prevB, w, dw));
    prevOut = out.targets.slice();
    prevA = a.targets.slice();
    prevB = b.targets.slice();
  }
  return worst;
}

describe('crossfade jump bound', () => {
  it('holds when the outgoing skill moves toward the incoming one (the gap shrinks)', () => {
    // a walks 0.01 rad per step toward b, which holds still: the mix moves by (1 − w)·0.01 + dw·gap a step earlier
    expect(
      worstExcess(25, (m) => [
        [0.01 * m, -0.01 * m],
        [1, -1],
      ]),
    ).toBeLessThanOrEqual(0);
  });

  it('holds when the skills move apart, cross, or both move (seeded random walks)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const walks = Array.from({ length: 26 }, () => Array.from({ length: 4 }, () => [rnd() * 0.05, rnd() * 0.05]));
    const at = (m: number, k: 0 | 1) =>
      walks.slice(0, m + 1).reduce(
        (q, step) => q.map((x, j) => x + step[j][k]),
        [0.3, -0.2, 0, 0.5].map((x) => x * (k ? -1 : 1)),
      );
    expect(worstExcess(25, (m) => [at(m, 0), at(m, 1)])).toBeLessThanOrEqual(0);
  });
});
