import { describe, expect, it } from 'vitest';
import { createBatchState, type BatchState } from '../../src/core/physics/types';
import {
  ERROR_METRICS,
  MetricAccumulator,
  aggregate,
  bodyPosError,
  bodyPosErrorLocal,
  bodyOriError,
  footSlip,
  mechanicalPower,
  type MetricSelection,
} from '../../src/core/evaluation/metrics';
import { meanStat, wilson, survivalCurve } from '../../src/core/evaluation/stats';
import { qFromAxisAngle, qRotate, rng } from '../../src/core/math';

const n = 3,
  nj = 5,
  nb = 6;

function randomState(seed: number): BatchState {
  const s = createBatchState(n, nj, nb);
  const r = rng(seed);
  for (const a of [s.rootPos, s.jointPos, s.jointVel, s.jointTorque, s.bodyPos, s.bodyLinVel])
    for (let i = 0; i < a.length; i++) a[i] = r() * 2 - 1;
  for (let i = 0; i < n * nb; i++) s.bodyQuat.set(qFromAxisAngle([r(), r(), r() + 0.1], r() * 3), i * 4);
  return s;
}

function copy(s: BatchState): BatchState {
  const c = createBatchState(s.n, s.nj, s.nb);
  for (const k of Object.keys(c) as (keyof BatchState)[]) {
    const v = c[k];
    if (v instanceof Float32Array) v.set(s[k] as Float32Array);
  }
  return c;
}

const sel: MetricSelection = { joints: [0, 1, 2, 3, 4], tracked: [0, 2, 3, 5], endEffectors: [3, 5], feet: [4, 5], anchor: 2, root: 0 };
const info = { survived_s: 1, clip_s: 1, termination: null, non_finite_actions: 0 };

describe('evaluation metrics on synthetic states', () => {
  it('a perfect tracker scores exactly zero error', () => {
    const s = randomState(1);
    const acc = new MetricAccumulator(n, sel);
    for (let k = 0; k < 10; k++) for (let e = 0; e < n; e++) acc.add(s, copy(s), e);
    const m = acc.result(1, info);
    for (const key of ERROR_METRICS) {
      expect(m[key], key).toBe(0);
    }
    expect(m.joint_err_rad.every((x) => x === 0)).toBe(true);
    expect(m.control_steps).toBe(10);
    expect(m.success).toBe(true);
  });

  it('a constant joint offset scores exactly that offset (mean abs and RMSE)', () => {
    const s = randomState(2);
    const ref = copy(s);
    const off = 0.125; // exact in float32
    for (let i = 0; i < n * nj; i++) s.jointPos[i] = ref.jointPos[i] + (i % 2 ? off : -off);
    // make the float32 difference exact: pick reference values with the same exponent-friendly grid
    for (let i = 0; i < n * nj; i++) {
      ref.jointPos[i] = Math.round(ref.jointPos[i] * 64) / 64;
      s.jointPos[i] = ref.jointPos[i] + (i % 2 ? off : -off);
    }
    const acc = new MetricAccumulator(n, sel);
    for (let k = 0; k < 7; k++) acc.add(s, ref, 0);
    const m = acc.result(0, info);
    expect(m.mean_joint_err_rad).toBe(off);
    expect(m.joint_pos_rmse_rad).toBe(off);
    expect(m.joint_err_rad).toEqual([off, off, off, off, off]);
    expect(m.mpjpe_m).toBe(0);
  });

  it('body translation shows in global MPJPE but not root-relative; rotation of everything about the root is root-relative invariant', () => {
    const s = randomState(3);
    const ref = copy(s);
    for (let b = 0; b < nb; b++) ref.bodyPos[(1 * nb + b) * 3 + 0] += 0.5; // env 1: shift whole body by 0.5 m in x
    expect(bodyPosError(s, ref, 1, sel.tracked)).toBeCloseTo(0.5, 6);
    expect(bodyPosErrorLocal(s, ref, 1, sel.tracked, 0)).toBeCloseTo(0, 5);
    // rotate env 2's whole reference by 90° yaw about the root: root-relative error stays 0
    const q = qFromAxisAngle([0, 0, 1], Math.PI / 2);
    const r0 = s.bodyPos.slice(2 * nb * 3, 2 * nb * 3 + 3);
    for (let b = 0; b < nb; b++) {
      const i = (2 * nb + b) * 3;
      const p = qRotate(q, [s.bodyPos[i] - r0[0], s.bodyPos[i + 1] - r0[1], s.bodyPos[i + 2] - r0[2]]);
      ref.bodyPos.set([p[0] + r0[0], p[1] + r0[1], p[2] + r0[2]], i);
      const bq = s.bodyQuat.subarray((2 * nb + b) * 4, (2 * nb + b) * 4 + 4);
      const w = [q[0] * bq[0] - q[3] * bq[3], q[0] * bq[1] - q[3] * bq[2], q[0] * bq[2] + q[3] * bq[1], q[0] * bq[3] + q[3] * bq[0]];
      ref.bodyQuat.set(w, (2 * nb + b) * 4);
    }
    expect(bodyPosErrorLocal(s, ref, 2, sel.tracked, 0)).toBeLessThan(1e-5);
    expect(bodyPosError(s, ref, 2, sel.tracked)).toBeGreaterThan(0.01);
    expect(bodyOriError(s, ref, 2, 2)).toBeCloseTo(Math.PI / 2, 4);
  });

  it('power, foot slip and torque statistics', () => {
    const s = createBatchState(1, 2, 3);
    s.jointTorque.set([2, -3]);
    s.jointVel.set([1.5, 2]);
    expect(mechanicalPower(s, 0, [0, 1])).toBe(9);
    s.contactForce.set([0, 0, 100, 0, 0, 5, 0, 0, 0]);
    s.bodyLinVel.set([0.75, 1, 1, 9, 9, 9, 9, 9, 9]);
    expect(footSlip(s, 0, [0, 1], 20)).toEqual([1.25, 1]);
    const acc = new MetricAccumulator(1, { joints: [0, 1], tracked: [0], endEffectors: [], feet: [0], anchor: 0, root: 0 });
    acc.add(s, s, 0);
    s.jointTorque.set([-4, 1]);
    acc.add(s, s, 0);
    const m = acc.result(0, { ...info, termination: 'anchor_height' });
    expect(m.success).toBe(false);
    expect(m.torque_peak_joint_nm).toEqual([4, 3]);
    expect(m.torque_rms_joint_nm[0]).toBeCloseTo(Math.sqrt(10), 5);
    expect(m.foot_slip_m_s).toBe(1.25);
  });

  it('aggregation: mean, t interval, Wilson interval, survival curve', () => {
    const st = meanStat([1, 2, 3, 4]);
    expect(st.mean).toBe(2.5);
    const h = (3.182 * Math.sqrt(5 / 3)) / 2;
    expect(st.ci95[0]).toBeCloseTo(2.5 - h, 4);
    expect(st.ci95[1]).toBeCloseTo(2.5 + h, 4);
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeGreaterThan(0.44);
    expect(lo).toBeLessThan(0.5);
    expect(hi).toBeGreaterThan(0.94);
    expect(survivalCurve([1, 2, 3, 3], [0, 1.5, 2.5, 3])).toEqual([1, 0.75, 0.5, 0.5]);
    const acc = new MetricAccumulator(2, sel);
    const s = randomState(5);
    acc.add(s, s, 0);
    acc.add(s, s, 1);
    const agg = aggregate([acc.result(0, info), acc.result(1, { ...info, termination: 'x', survived_s: 0.5 })]);
    expect(agg.success_rate).toBe(0.5);
    expect(agg.stats.survived_s.mean).toBe(0.75);
    expect(agg.joint_err_rad.length).toBe(5);
  });
});
