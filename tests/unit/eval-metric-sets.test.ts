// The named metric sets (PHC/OmniH2O, GMT, BeyondMimic terms, ProtoMotions failure rates) on synthetic
// states with exact expected values, the verdict (invalid episodes, null metrics), and one real episode
// compared across the sets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBatchState, type BatchState } from '../../src/core/physics/types';
import { MetricAccumulator, aggregate, type MetricSelection } from '../../src/core/evaluation/metrics';
import { failureRates } from '../../src/core/evaluation/metrics/index';
import { qFromAxisAngle, qRotate, qMul } from '../../src/core/math';
import { runBatch } from '../../src/core/evaluation/episode';
import { nominalScenario } from '../../src/core/evaluation/scenario';
import { diagnoseEvalClip } from '../../src/core/evaluation/clip-diagnostics';
import { loadRobot } from '../../src/core/model/index';
import { danceBatch } from './policy-fixture';

const nj = 3,
  nb = 5,
  dt = 0.02;
// body 0 = root, 1 = anchor, 3 and 4 = end effectors; every body tracked
const sel: MetricSelection = {
  joints: [0, 1, 2],
  tracked: [0, 1, 2, 3, 4],
  endEffectors: [3, 4],
  feet: [],
  anchor: 1,
  root: 0,
  controlDt: dt,
};
const info = { survived_s: 1, clip_s: 1, termination: null, non_finite_actions: 0 };

/** A standing reference: bodies on a grid of exact binary fractions, identity orientation. */
function reference(): BatchState {
  const s = createBatchState(1, nj, nb);
  for (let b = 0; b < nb; b++) s.bodyPos.set([b * 0.125, (b % 2) * 0.25, 0.5 + b * 0.0625], b * 3);
  for (let b = 0; b < nb; b++) s.bodyQuat.set([1, 0, 0, 0], b * 4);
  s.jointPos.set([0.25, -0.5, 0.125]);
  return s;
}
function moved(ref: BatchState, f: (p: number[], b: number) => number[]): BatchState {
  const s = createBatchState(1, nj, nb);
  s.bodyQuat.set(ref.bodyQuat);
  s.jointPos.set(ref.jointPos);
  for (let b = 0; b < nb; b++) s.bodyPos.set(f(Array.from(ref.bodyPos.subarray(b * 3, b * 3 + 3)), b), b * 3);
  return s;
}

describe('metric sets: exact values on synthetic motions', () => {
  it('a constant offset of every body: E_g-mpjpe = the offset, root-relative, E_vel, E_acc and E_mpkpe = 0', () => {
    const ref = reference();
    const s = moved(ref, ([x, y, z]) => [x + 0.1875, y + 0.25, z]); // |offset| = 0.3125 m exactly
    const acc = new MetricAccumulator(1, sel);
    for (let k = 0; k < 6; k++) acc.add(s, ref, 0);
    const m = acc.result(0, info);
    const phc = m.sets.phc,
      gmt = m.sets.gmt,
      bm = m.sets.beyondmimic;
    expect(phc.metrics).toMatchObject({
      g_mpjpe_mm: 312.5,
      mpjpe_mm: 0,
      vel_mm_frame: 0,
      acc_mm_frame2: 0,
      max_mean_dev_m: 0.3125,
      failure_s: null,
    });
    expect(phc.success).toBe(true);
    expect(gmt.metrics).toEqual({ mpkpe_mm: 0, mpjpe_rad: 0 });
    expect(bm.success).toBe(true);
    expect(bm.metrics.anchor_height_max_m).toBe(0);
    expect(m.mpjpe_m).toBe(0.3125); // the project's own global MPJPE: the same definition, in m
    expect(m.status).toBe('success');
  });

  it('a known acceleration: E_acc = a, E_vel = a(F−1)/2, E_g-mpjpe = mean ½af² (also at half the control rate)', () => {
    const a = 1 / 128,
      F = 9; // m/frame², frames
    const ref = reference();
    for (const stride of [1, 2]) {
      const acc = new MetricAccumulator(1, { ...sel, frameStride: stride });
      for (let k = 0; k < (F - 1) * stride + 1; k++) {
        const f = k / stride; // frames are every `stride` calls; in between the state moves on
        acc.add(
          moved(ref, ([x, y, z]) => [x + 0.5 * a * f * f, y, z]),
          ref,
          0,
        );
      }
      const phc = acc.result(0, info).sets.phc.metrics;
      expect(phc.acc_mm_frame2, `stride ${stride}`).toBe(7.8125);
      expect(phc.vel_mm_frame).toBe(31.25); // 1000·a·(F−1)/2
      let g = 0;
      for (let f = 0; f < F; f++) g += 0.5 * a * f * f;
      expect(phc.g_mpjpe_mm).toBeCloseTo((1000 * g) / F, 3);
      expect(phc.mpjpe_mm).toBe(0);
    }
  });

  it('a drop: PHC fails when the mean deviation passes 0.5 m, BeyondMimic terms fire at 0.25 m, with their times', () => {
    const ref = reference();
    const acc = new MetricAccumulator(1, sel);
    for (let f = 0; f < 8; f++)
      acc.add(
        moved(ref, ([x, y, z]) => [x, y, z - 0.125 * f]),
        ref,
        0,
      );
    const m = acc.result(0, { ...info, termination: 'anchor_height' });
    expect(m.sets.phc.success).toBe(false);
    expect(m.sets.phc.metrics.failure_s).toBe(0.12); // frame 5 (0.625 m) = control step 6
    expect(m.sets.phc.metrics.max_mean_dev_m).toBe(0.875);
    expect(m.sets.beyondmimic.success).toBe(false);
    expect(m.sets.beyondmimic.metrics.anchor_height_s).toBe(0.08); // frame 3 (0.375 m > 0.25)
    expect(m.sets.beyondmimic.metrics.end_effector_height_s).toBe(0.08);
    expect(m.sets.beyondmimic.metrics.anchor_orientation_s).toBeNull();
    expect(m.sets.beyondmimic.notes.anchor_orientation_s).toBe('never fired');
    expect(m.status).toBe('failed');
  });

  it('GMT removes the heading, PHC only the root position: a robot turned 90° about its root', () => {
    const ref = reference();
    const q = qFromAxisAngle([0, 0, 1], Math.PI / 2);
    const r0 = Array.from(ref.bodyPos.subarray(0, 3));
    const s = moved(ref, (p) => {
      const v = qRotate(q, [p[0] - r0[0], p[1] - r0[1], p[2] - r0[2]]);
      return [v[0] + r0[0] + 1, v[1] + r0[1], v[2] + r0[2]];
    });
    for (let b = 0; b < nb; b++) s.bodyQuat.set(qMul(q, [1, 0, 0, 0]), b * 4);
    s.jointPos.set([0.375, -0.5, 0.125]); // one joint off by 0.125
    const acc = new MetricAccumulator(1, sel);
    acc.add(s, ref, 0);
    const m = acc.result(0, info);
    expect(m.sets.gmt.metrics.mpkpe_mm).toBeLessThan(1e-3);
    expect(m.sets.gmt.metrics.mpjpe_rad).toBeCloseTo(0.125 / 3, 6);
    // PHC root-relative: |R v − v| = √2·|v_xy| per body, averaged
    let want = 0;
    for (let b = 0; b < nb; b++) want += Math.SQRT2 * Math.hypot(ref.bodyPos[b * 3] - r0[0], ref.bodyPos[b * 3 + 1] - r0[1]);
    expect(m.sets.phc.metrics.mpjpe_mm).toBeCloseTo((1000 * want) / nb, 2);
  });

  it('ProtoMotions failure rate per termination term', () => {
    const eps = ['anchor_height', 'anchor_height', null, 'end_effector_height (left_wrist_yaw_link)', 'simulation_error: NaN'].map((t) => ({
      termination: t,
      status: t ? 'failed' : 'success',
    }));
    eps.push({ termination: null, status: 'invalid' });
    const r = failureRates(eps);
    expect(r.anchor_height.count).toBe(2);
    expect(r.anchor_height.rate).toBe(0.333333);
    expect(r.completed.count).toBe(1);
    expect(r.end_effector_height.count).toBe(1);
    expect(r.simulation_error.count).toBe(1);
    expect(r.invalid.count).toBe(1);
    expect(r.anchor_orientation.count).toBe(0);
  });
});

describe('reference diagnostics of a clip', () => {
  it('rate, length, root height and speed, fastest joint, joint-limit violations (exact)', () => {
    const model = loadRobot('humanoid29.xml', readFileSync('public/robots/humanoid29.xml', 'utf8'));
    const knee = model.joints.find((j) => /left_knee/.test(j.name))!;
    const hi = knee.range![1];
    const names = [knee.name];
    const clip = {
      name: 'c',
      fps: 4,
      nFrames: 3,
      jointNames: names,
      rootPos: Float32Array.from([0, 0, 0.75, 0.25, 0, 0.75, 0.25, 0, 0.5]),
      rootQuat: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]),
      jointPos: Float32Array.from([0, 0.5, hi + 0.25]),
    };
    const d = diagnoseEvalClip(model, clip).diagnostics;
    expect(d.kept_frames).toEqual([0, 3]);
    expect(d.reference_warnings.map((w) => w.code)).toContain('joint_limit');
    expect(d.reference_warnings.find((w) => w.code === 'joint_limit')!.frames).toEqual([2]);
    expect(d).toMatchObject({
      frames: 3,
      fps: 4,
      seconds: 0.5,
      non_finite: 0,
      root_height_m: [0.5, 0.75],
      max_root_speed_m_s: 1,
      fastest_joint: knee.name,
      limit_violations: 1,
      worst_limit_joint: knee.name,
    });
    expect(d.max_limit_excess_rad).toBeCloseTo(0.25, 5);
    expect(d.max_joint_speed_rad_s).toBeCloseTo(Number((Math.abs(hi + 0.25 - 0.5) * 4).toPrecision(4)), 3);
  });
});

describe('verdict: no wrong answer reported as success', () => {
  it('an episode with no scored step is invalid and every error metric is null with a reason (never 0)', () => {
    const m = new MetricAccumulator(1, sel).result(0, { ...info, survived_s: 0 });
    expect(m.status).toBe('invalid');
    expect(m.success).toBe(false);
    expect(m.mpjpe_m).toBeNull();
    expect(m.mean_joint_err_rad).toBeNull();
    expect(m.metric_notes.mpjpe_m).toMatch(/no control step/);
    expect(m.sets.phc.metrics.g_mpjpe_mm).toBeNull();
    expect(m.sets.phc.success).toBeNull();
    expect(m.invalid_reasons.join()).toMatch(/no control step was scored/);
  });

  it('non-finite actions or a NaN state make an episode invalid though nothing terminated', () => {
    const ref = reference();
    const acc = new MetricAccumulator(2, sel);
    acc.add(ref, ref, 0);
    const nanActions = acc.result(0, { ...info, non_finite_actions: 3 });
    expect(nanActions.status).toBe('invalid');
    expect(nanActions.success).toBe(false);
    expect(nanActions.sets.phc.success).toBe(false);
    const bad = createBatchState(2, nj, nb);
    bad.bodyPos.set(ref.bodyPos, nb * 3);
    bad.bodyQuat.fill(1);
    bad.bodyPos[nb * 3 + 2] = NaN;
    acc.add(bad, bad, 1);
    const nanState = acc.result(1, info);
    expect(nanState.status).toBe('invalid');
    expect(nanState.mpjpe_m).toBeNull();
    expect(nanState.metric_notes.mpjpe_m).toMatch(/non-finite/);
    expect(nanState.invalid_reasons.join()).toMatch(/non-finite metrics: .*mpjpe_m/);
  });

  it('a robot without end effectors: ee error null with its reason, the episode still valid; aggregates skip and count nulls', () => {
    const ref = reference();
    const acc = new MetricAccumulator(1, { ...sel, endEffectors: [] });
    acc.add(ref, ref, 0);
    const m = acc.result(0, info);
    expect(m.status).toBe('success');
    expect(m.ee_pos_err_m).toBeNull();
    expect(m.metric_notes.ee_pos_err_m).toMatch(/none of the end-effector bodies/);
    const withEe = new MetricAccumulator(1, sel);
    withEe.add(
      moved(ref, ([x, y, z]) => [x, y, z + 0.125]),
      ref,
      0,
    );
    const agg = aggregate([m, withEe.result(0, info)]);
    expect(agg.stats.ee_pos_err_m.mean).toBe(0.125);
    expect(agg.stats.ee_pos_err_m.n).toBe(1);
    expect(agg.stats.ee_pos_err_m.missing).toBe(1);
    expect(agg.invalid).toBe(0);
    expect(agg.sets.phc.stats.g_mpjpe_mm.n).toBe(2);
  });
});

describe('one real episode across the sets (dancing G1, Rapier, 0.5 s)', () => {
  it('same data, different definitions: the shared ones agree, the others differ', async () => {
    const out = await runBatch({
      ...danceBatch(),
      scenario: nominalScenario(0),
      episodes: [0],
      seconds: 0.5,
      metrics: { keyBodies: ['left_wrist_yaw_link', 'right_wrist_yaw_link', 'left_ankle_roll_link', 'right_ankle_roll_link'] },
    });
    const e = out.records[0];
    expect(e.status).toBe('success');
    expect(out.metricSettings?.control_hz).toBe(50);
    expect(out.metricSettings?.key_bodies).toEqual([
      'left_wrist_yaw_link',
      'right_wrist_yaw_link',
      'left_ankle_roll_link',
      'right_ankle_roll_link',
    ]);
    const { phc, gmt, beyondmimic } = e.sets;
    // identical definitions at the control rate: global body error (m vs mm), GMT joint-angle error = mean |joint error|
    expect(phc.metrics.g_mpjpe_mm! / 1000).toBeCloseTo(e.mpjpe_m!, 7);
    expect(gmt.metrics.mpjpe_rad).toBeCloseTo(e.mean_joint_err_rad!, 6);
    expect(beyondmimic.success).toBe(e.success);
    expect(phc.success).toBe(true);
    // different definitions of "MPJPE": root-relative without rotation (PHC), in the full root frame (own), key bodies in the heading frame (GMT)
    expect(phc.metrics.mpjpe_mm! / 1000).not.toBeCloseTo(e.mpjpe_root_rel_m!, 6);
    expect(gmt.metrics.mpkpe_mm).not.toBeCloseTo(phc.metrics.mpjpe_mm!, 3);
    for (const v of [phc.metrics.g_mpjpe_mm, phc.metrics.vel_mm_frame, phc.metrics.acc_mm_frame2, gmt.metrics.mpkpe_mm]) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(100);
    }
    console.log(
      JSON.stringify({
        own: { mpjpe_mm: e.mpjpe_m! * 1000, root_rel_mm: e.mpjpe_root_rel_m! * 1000, joint_rad: e.mean_joint_err_rad },
        phc: phc.metrics,
        gmt: gmt.metrics,
      }),
    );
  }, 60_000);
});
