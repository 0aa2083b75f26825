// Terms the exporter families need (motion phase, velocity command, gait clock) and the HumanoidVerse
// history (past frames only, newest first), on the CPU. The WGSL twins are compared in tests/gpu (all_terms).
import { describe, expect, it } from 'vitest';
import { CpuObservationBuilder, layoutSize } from '../../src/core/observation/builder';
import { advanceGaitPhase, gaitStart } from '../../src/core/observation/context';
import { humanoidverse } from '../../src/core/observation/layouts';
import { cpuTerm, makeContext } from '../gpu/obs-fixture';

const term = (name: string, ctx: ReturnType<typeof makeContext>, e: number) => Array.from(cpuTerm(name, ctx, e));

describe('phase, command and gait-clock terms', () => {
  const ctx = makeContext(3, 5);
  ctx.phase.set([0.1, 0.25, 0.9]);
  ctx.command.set([0.5, -0.2, 0.3, 1, 2, 3, 0, 0, 0]);
  ctx.gaitPhase.set([0.4, -2, 1, 2, 0, Math.PI]);

  it('read ctx.phase / ctx.command / ctx.gaitPhase of their env', () => {
    expect(term('motion_phase', ctx, 1)).toEqual([Math.fround(0.25)]);
    expect(term('ref_motion_phase', ctx, 2)).toEqual([Math.fround(0.9)]);
    expect(term('velocity_commands', ctx, 1)).toEqual([1, 2, 3]);
    expect(term('command_lin_vel', ctx, 0).map((x) => +x.toFixed(6))).toEqual([0.5, -0.2]);
    expect(term('command_ang_vel', ctx, 0).map((x) => +x.toFixed(6))).toEqual([0.3]);
    term('sin_phase', ctx, 0).forEach((v, i) => expect(v).toBeCloseTo(Math.sin([0.4, -2][i]), 6));
    term('cos_phase', ctx, 1).forEach((v, i) => expect(v).toBeCloseTo(Math.cos([1, 2][i]), 6));
    const g = term('gait_phase', ctx, 0);
    expect(g[0]).toBeCloseTo(Math.sin(0.4), 6);
    expect(g[1]).toBeCloseTo(Math.cos(0.4), 6);
  });

  it('holosoma gait clock: (0, π) at start, 2π·dt/period per step, both π when the command is zero', () => {
    const c = makeContext(2, 1);
    c.gaitPhase.set(gaitStart(2));
    c.command.set([0.5, 0, 0, 0, 0, 0]);
    advanceGaitPhase(c, 0.02, 1);
    expect(c.gaitPhase[0]).toBeCloseTo(2 * Math.PI * 0.02, 6);
    expect(c.gaitPhase[1]).toBeCloseTo(-Math.PI + 2 * Math.PI * 0.02, 5); // wrapped to [-π, π)
    expect(c.gaitPhase[2]).toBeCloseTo(Math.PI, 6); // env 1 stands
    expect(c.gaitPhase[3]).toBeCloseTo(Math.PI, 6);
    c.command.set([0, 0.3, 0], 3);
    advanceGaitPhase(c, 0.02, 1);
    expect(c.gaitPhase[2]).toBe(0); // starts walking from (0, π)
  });
});

describe('HumanoidVerse history: past frames only, newest first', () => {
  it('history block holds the previous frames newest first; after a reset it is refilled', () => {
    const ctx = makeContext(1, 3);
    const layout = [
      { term: 'motion_phase', history: 1, scale: 1, clip: null },
      { term: 'motion_phase', history: 3, scale: 2, clip: null, pastOnly: true, newestFirst: true },
    ];
    const b = new CpuObservationBuilder(layout, ctx);
    expect(b.size).toBe(4);
    const out = new Float32Array(4);
    const seen: number[][] = [];
    for (const p of [0.1, 0.2, 0.3, 0.4]) {
      ctx.phase[0] = p;
      b.build(out);
      seen.push(Array.from(out, (x) => +x.toFixed(5)));
    }
    expect(seen[0]).toEqual([0.1, 0.2, 0.2, 0.2]); // fresh: filled with the current (scaled) value
    expect(seen[2]).toEqual([0.3, 0.4, 0.2, 0.2]);
    expect(seen[3]).toEqual([0.4, 0.6, 0.4, 0.2]);
    b.reset(0);
    ctx.phase[0] = 0.5;
    b.build(out);
    expect(Array.from(out, (x) => +x.toFixed(5))).toEqual([0.5, 1, 1, 1]);
  });

  it('the G1 23-DoF layout with a 4-frame history has 380 values', () => {
    const ctx = makeContext(1, 2, { nj: 29, nb: 30, anchorBody: 15, policyJoints: Array.from({ length: 23 }, (_, i) => i), nSkills: 0 });
    expect(layoutSize(humanoidverse(4), ctx)).toBe(380);
  });
});
