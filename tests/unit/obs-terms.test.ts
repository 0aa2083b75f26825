import { describe, expect, it } from 'vitest';
import { qConj, qMul, qRotateInv, qToMat } from '../../src/core/math';
import { MimicError } from '../../src/core/errors';
import { obsTerms, obsTermList } from '../../src/core/observation/terms';
import { CpuObservationBuilder, layoutSize } from '../../src/core/observation/builder';
import { beyondmimic154, beyondmimic160, skillCondition, withHistory } from '../../src/core/observation/layouts';
import { createObsContext } from '../../src/core/observation/context';
import type { RobotModel } from '../../src/core/model/types';
import { cpuTerm, makeContext } from '../gpu/obs-fixture';

const sl = (a: Float32Array, o: number, k: number) => Array.from(a.subarray(o, o + k));
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 2e-6) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol);
};
const term = cpuTerm;

describe('observation terms (CPU)', () => {
  const ctx = makeContext(5, 11);
  const e = 3,
    s = ctx.state,
    r = ctx.ref,
    pj = ctx.policyJoints,
    nj = s.nj,
    a = ctx.anchorBody,
    nb = s.nb;

  it('command = reference joint positions then velocities, policy order', () => {
    const want = [...Array.from(pj, (j) => r.jointPos[e * nj + j]), ...Array.from(pj, (j) => r.jointVel[e * nj + j])];
    close(term('command', ctx, e), want, 0);
    expect(obsTerms.motion_command).toBe(obsTerms.command);
  });

  it('anchor position and orientation in the robot anchor frame', () => {
    const qs = sl(s.bodyQuat, (e * nb + a) * 4, 4),
      qr = sl(r.bodyQuat, (e * nb + a) * 4, 4);
    const ps = sl(s.bodyPos, (e * nb + a) * 3, 3),
      pr = sl(r.bodyPos, (e * nb + a) * 3, 3);
    close(term('motion_anchor_pos_b', ctx, e), qRotateInv(qs, [pr[0] - ps[0], pr[1] - ps[1], pr[2] - ps[2]]));
    const m = qToMat(qMul(qConj(qs), qr));
    close(term('motion_anchor_ori_b', ctx, e), [m[0], m[1], m[3], m[4], m[6], m[7]]);
  });

  it('base velocities and gravity in the root frame', () => {
    const q = sl(s.rootQuat, e * 4, 4);
    close(term('base_lin_vel', ctx, e), qRotateInv(q, sl(s.rootLinVel, e * 3, 3)));
    close(term('base_ang_vel', ctx, e), qRotateInv(q, sl(s.rootAngVel, e * 3, 3)));
    close(term('projected_gravity', ctx, e), qRotateInv(q, [0, 0, -1]));
  });

  it('joint terms, actions and skill', () => {
    const jp = Array.from(pj, (j) => s.jointPos[e * nj + j]);
    close(term('joint_pos', ctx, e), jp, 0);
    close(
      term('joint_pos_rel', ctx, e),
      jp.map((v, i) => v - ctx.defaultJointPos[i]),
      1e-6,
    );
    close(
      term('joint_vel', ctx, e),
      Array.from(pj, (j) => s.jointVel[e * nj + j]),
      0,
    );
    close(term('joint_vel_rel', ctx, e), term('joint_vel', ctx, e), 0);
    close(term('actions', ctx, e), sl(ctx.lastAction, e * 29, 29), 0);
    close(term('last_action', ctx, e), sl(ctx.lastAction, e * 29, 29), 0);
    const sk = term('skill', ctx, e);
    expect(sk.length).toBe(64);
    expect(sk.reduce((x, y) => x + y, 0)).toBe(1);
  });

  it('term ids are 0..n-1, unique', () => {
    expect(obsTermList.map((t) => t.id)).toEqual(obsTermList.map((_, i) => i));
  });
});

describe('CPU observation builder', () => {
  it('shipped layout sizes for the G1', () => {
    const ctx = makeContext(1, 1);
    expect(layoutSize(beyondmimic160, ctx)).toBe(160);
    expect(layoutSize(beyondmimic154, ctx)).toBe(154);
    expect(layoutSize(skillCondition, ctx)).toBe(157);
    expect(layoutSize(withHistory(skillCondition, 3), ctx)).toBe(3 * 93 + 64);
  });

  it('154 layout = concatenated terms in order', () => {
    const ctx = makeContext(4, 2);
    const b = new CpuObservationBuilder(beyondmimic154, ctx);
    const out = new Float32Array(4 * b.size);
    b.build(out);
    const want = ['command', 'motion_anchor_ori_b', 'base_ang_vel', 'joint_pos_rel', 'joint_vel_rel', 'actions'].flatMap((n) =>
      Array.from(term(n, ctx, 2)),
    );
    close(sl(out, 2 * 154, 154), want, 0);
  });

  it('history: oldest first, filled after reset; clip then scale', () => {
    const ctx = makeContext(2, 3);
    const layout = [{ term: 'base_ang_vel', history: 3, scale: [2, 3, 4], clip: [-1, 1] as [number, number] }];
    const b = new CpuObservationBuilder(layout, ctx);
    const out = new Float32Array(2 * 9);
    const values: number[][] = [];
    const proc = () => Array.from(term('base_ang_vel', ctx, 1)).map((v, i) => Math.min(Math.max(v, -1), 1) * [2, 3, 4][i]);
    for (let k = 0; k < 4; k++) {
      ctx.state.rootAngVel.set([0.1 * k, -0.7 * k, 0.3 + k], 3);
      values.push(proc());
      b.build(out);
    }
    close(sl(out, 9, 9), [...values[1], ...values[2], ...values[3]], 1e-6);
    b.reset(1);
    ctx.state.rootAngVel.set([0.5, 0.5, 0.5], 3);
    b.build(out);
    close(sl(out, 9, 9), [...proc(), ...proc(), ...proc()], 1e-6);
  });

  it('noise hook: added to the raw value before clip and scale, and kept in the history (Isaac Lab order)', () => {
    const ctx = makeContext(1, 3);
    const layout = [{ term: 'base_ang_vel', history: 3, scale: [2, 3, 4], clip: [-1, 1] as [number, number] }];
    const b = new CpuObservationBuilder(layout, ctx);
    const out = new Float32Array(9);
    const offsets = [
      [0.05, -0.1, 0.2],
      [-0.3, 0.25, 5],
      [0.01, 0.02, -0.03],
      [0.4, -0.4, 0.1],
    ];
    let call = 0;
    b.noise = (e, t, value, dim) => {
      expect([e, t, dim]).toEqual([0, 0, 3]);
      for (let i = 0; i < dim; i++) value[i] += offsets[call][i];
      call++;
    };
    const seen: number[][] = [];
    for (let k = 0; k < 4; k++) {
      ctx.state.rootAngVel.set([0.1 * k, -0.2 * k, 0.3]);
      const raw = Array.from(term('base_ang_vel', ctx, 0));
      seen.push(raw.map((v, i) => Math.min(Math.max(v + offsets[k][i], -1), 1) * [2, 3, 4][i]));
      b.build(out);
      // the newest slot holds this step's noisy value; the older slots hold the noisy values built before
      close(sl(out, 6, 3), seen[k], 1e-6);
      if (k >= 2) close(sl(out, 0, 6), [...seen[k - 2], ...seen[k - 1]], 1e-6);
    }
    // offset 5 on the z of step 1 is clipped to 1 before scaling: noise comes before the clip
    expect(seen[1][2]).toBe(4);
    expect(call).toBe(4);
  });
  it('unknown term → PolicyError naming it and listing known terms', () => {
    const ctx = makeContext(1, 4);
    const f = () => new CpuObservationBuilder([{ term: 'height_scan', history: 1, scale: 1, clip: null }], ctx);
    expect(f).toThrow(MimicError);
    expect(f).toThrow(/height_scan.*known terms: command, motion_anchor_pos_b/);
    expect(() => layoutSize([{ term: 'base_ang_vel', history: 1, scale: [1, 2], clip: null }], ctx)).toThrow(/scale has 2 values/);
  });

  it('createObsContext matches by name and names what is missing', () => {
    const body = (name: string, index: number) => ({ name, index }) as unknown as RobotModel['bodies'][number];
    const model = {
      name: 'toy',
      bodies: [body('pelvis', 0), body('torso_link', 1)],
      joints: [{ name: 'a' }, { name: 'b' }],
      jointIndex: new Map([
        ['a', 0],
        ['b', 1],
      ]),
      bodyIndex: new Map([
        ['pelvis', 0],
        ['torso_link', 1],
      ]),
      source: { file: 'toy.xml', format: 'mjcf' },
    } as unknown as RobotModel;
    const ctx = createObsContext(model, 3, ['b', 'a'], [0.1, 0.2], 'torso_link', 4);
    expect(Array.from(ctx.policyJoints)).toEqual([1, 0]);
    expect(ctx.anchorBody).toBe(1);
    expect(ctx.ref.jointPos.length).toBe(6);
    expect(ctx.skill.length).toBe(12);
    expect(() => createObsContext(model, 1, ['a', 'knee'], [0, 0], 'torso_link')).toThrow(/knee/);
    expect(() => createObsContext(model, 1, ['a'], [0], 'head')).toThrow(/anchor body.*head|head.*anchor/);
  });
});

describe('layout entry leniency', () => {
  it('history 0 (Isaac Lab: no history) counts as 1', () => {
    expect(layoutSize([{ term: 'base_ang_vel', history: 0, scale: 1, clip: null }], makeContext(1, 9))).toBe(3);
  });
});
