/**
 * Evaluation metrics: pure functions over BatchState-shaped arrays (the simulated state and the reference use
 * the same SoA layout), a per-episode accumulator, and aggregation across episodes.
 * Errors are sampled once per control step, from the first step to the last one evaluated (the terminating
 * step included). Body errors use body frame origins (bodyPos), as BeyondMimic does.
 */
import { qMul, qConj, qRotateInv } from '../math';
import type { BatchState } from '../physics/types';
import { meanStat, r6, wilson, type Stat } from './stats';
import { aggregateSets, setAccumulators, type SetEpisode, type SetSelection, type SetsAggregate } from './metrics/index';
import type { SetAccumulator } from './metrics/types';
import { applyVerdict, type EpisodeStatus } from './verdict';
import { jointErrors, type BallSpan } from './joint-error';

/** Which joints and bodies a metric reads (indices into RobotModel.joints / RobotModel.bodies). */
export interface MetricSelection extends SetSelection {
  /** evaluated joints (the policy's joints), model indices */
  joints: number[];
  /** tracked bodies for MPJPE */
  tracked: number[];
  /** end effectors (e.g. ankle_roll + wrist_yaw links) */
  endEffectors: number[];
  /** feet for slip (contact force read from contactForce) */
  feet: number[];
  anchor: number;
  root: number;
  /** vertical+horizontal contact force norm above which a foot counts as in contact, N (default 20) */
  contactThreshold?: number;
  /** three-axis joints, scored by their geodesic angle (joint-error.ts; issue 16) */
  balls?: BallSpan[];
}

type S = Pick<BatchState, 'nj' | 'nb' | 'bodyPos' | 'bodyQuat'>;

/** Mean distance (m) between robot and reference body positions over `bodies` (global MPJPE). */
export function bodyPosError(state: S, ref: S, e: number, bodies: number[]): number {
  if (!bodies.length) return 0;
  let sum = 0;
  for (const b of bodies) {
    const i = (e * state.nb + b) * 3;
    sum += Math.hypot(
      state.bodyPos[i] - ref.bodyPos[i],
      state.bodyPos[i + 1] - ref.bodyPos[i + 1],
      state.bodyPos[i + 2] - ref.bodyPos[i + 2],
    );
  }
  return sum / bodies.length;
}

/** Root-relative MPJPE (m): body positions expressed in each one's own root-body frame, then compared. */
export function bodyPosErrorLocal(state: S, ref: S, e: number, bodies: number[], root: number): number {
  if (!bodies.length) return 0;
  const r = e * state.nb + root;
  const qs = state.bodyQuat.subarray(r * 4, r * 4 + 4),
    qr = ref.bodyQuat.subarray(r * 4, r * 4 + 4);
  // body row i of x relative to the root body, in the root body's frame (rotation q)
  const inRoot = (x: S, q: Float32Array, i: number) =>
    qRotateInv(q, [
      x.bodyPos[i * 3] - x.bodyPos[r * 3],
      x.bodyPos[i * 3 + 1] - x.bodyPos[r * 3 + 1],
      x.bodyPos[i * 3 + 2] - x.bodyPos[r * 3 + 2],
    ]);
  let sum = 0;
  for (const b of bodies) {
    const a = inRoot(state, qs, e * state.nb + b),
      c = inRoot(ref, qr, e * state.nb + b);
    sum += Math.hypot(a[0] - c[0], a[1] - c[1], a[2] - c[2]);
  }
  return sum / bodies.length;
}

/** Orientation error (rad) of one body: angle of conj(q_ref)·q_robot. */
export function bodyOriError(state: S, ref: S, e: number, body: number): number {
  const i = (e * state.nb + body) * 4;
  const d = qMul(qConj(ref.bodyQuat.subarray(i, i + 4)), state.bodyQuat.subarray(i, i + 4));
  return 2 * Math.atan2(Math.hypot(d[1], d[2], d[3]), Math.abs(d[0]));
}

/** Per-joint signed error a - b for env e over `joints`, written to out (length joints.length). */
export function jointDiff(a: Float32Array, b: Float32Array, nj: number, e: number, joints: number[], out: Float64Array): Float64Array {
  for (let k = 0; k < joints.length; k++) out[k] = a[e * nj + joints[k]] - b[e * nj + joints[k]];
  return out;
}

/** Mechanical power Σ_j |τ_j·q̇_j| (W) of env e. */
export function mechanicalPower(state: Pick<BatchState, 'nj' | 'jointTorque' | 'jointVel'>, e: number, joints: number[]): number {
  let p = 0;
  for (const j of joints) p += Math.abs(state.jointTorque[e * state.nj + j] * state.jointVel[e * state.nj + j]);
  return p;
}

/** Horizontal speed (m/s) of each foot in contact (contact force norm > threshold); returns [sum, count]. */
export function footSlip(
  state: Pick<BatchState, 'nb' | 'bodyLinVel' | 'contactForce'>,
  e: number,
  feet: number[],
  threshold: number,
): [number, number] {
  let sum = 0,
    count = 0;
  for (const f of feet) {
    const i = (e * state.nb + f) * 3;
    const c = state.contactForce;
    if (Math.hypot(c[i], c[i + 1], c[i + 2]) > threshold) {
      sum += Math.hypot(state.bodyLinVel[i], state.bodyLinVel[i + 1]);
      count++;
    }
  }
  return [sum, count];
}

/** Count of non-finite entries. */
export const countNonFinite = (a: ArrayLike<number>): number => {
  let k = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) k++;
  return k;
};

/**
 * Per-episode metrics (JSON-safe). Errors are means over the evaluated control steps; a metric that could not be
 * computed is null with its reason in metric_notes (never 0). success/status come from verdict.ts.
 */
export interface EpisodeMetrics {
  success: boolean;
  /** success | failed (terminated) | invalid (no scored step, non-finite actions or metrics) */
  status: EpisodeStatus;
  invalid_reasons: string[];
  survived_s: number;
  clip_s: number;
  control_steps: number;
  termination: string | null;
  mean_joint_err_rad: number | null;
  joint_pos_rmse_rad: number | null;
  joint_vel_rmse_rad_s: number | null;
  mpjpe_m: number | null;
  mpjpe_root_rel_m: number | null;
  mean_anchor_pos_err_m: number | null;
  anchor_ori_err_rad: number | null;
  ee_pos_err_m: number | null;
  torque_rms_nm: number | null;
  power_w: number | null;
  foot_slip_m_s: number | null;
  non_finite_actions: number;
  /** why a metric is null, by key */
  metric_notes: Record<string, string>;
  /** the named metric sets (metrics/): phc, gmt, beyondmimic */
  sets: Record<string, SetEpisode>;
  /** per evaluated joint (selection order) */
  joint_err_rad: number[];
  torque_rms_joint_nm: number[];
  torque_peak_joint_nm: number[];
}

/** The tracking errors among the scalars (each 0 when the robot is on its reference). */
export const ERROR_METRICS = [
  'mean_joint_err_rad',
  'joint_pos_rmse_rad',
  'joint_vel_rmse_rad_s',
  'mpjpe_m',
  'mpjpe_root_rel_m',
  'mean_anchor_pos_err_m',
  'anchor_ori_err_rad',
  'ee_pos_err_m',
] as const;
const SCALARS = ['survived_s', ...ERROR_METRICS, 'torque_rms_nm', 'power_w', 'foot_slip_m_s', 'non_finite_actions'] as const;
export type ScalarMetric = (typeof SCALARS)[number];
export const scalarMetrics: readonly ScalarMetric[] = SCALARS;

/** Accumulates per-step metrics for n envs. */
export class MetricAccumulator {
  private readonly nk: number;
  private readonly sums: Float64Array[]; // per env: [steps, jointAbs, jointSq, velSq, mpjpe, mpjpeLocal, anchorPos, anchorOri, ee, power, slipSum, slipCount]
  private readonly jAbs: Float64Array[];
  private readonly tSq: Float64Array[];
  private readonly tPeak: Float64Array[];
  private readonly tmp: Float64Array;
  private readonly sets: SetAccumulator[];
  private readonly calls: Int32Array;

  constructor(
    readonly n: number,
    readonly sel: MetricSelection,
  ) {
    this.sets = setAccumulators(n, sel);
    this.calls = new Int32Array(n);
    this.nk = sel.joints.length;
    const alloc = (k: number) => Array.from({ length: n }, () => new Float64Array(k));
    this.sums = alloc(12);
    this.jAbs = alloc(this.nk);
    this.tSq = alloc(this.nk);
    this.tPeak = alloc(this.nk);
    this.tmp = new Float64Array(this.nk);
  }

  reset(e: number): void {
    for (const a of [this.sums[e], this.jAbs[e], this.tSq[e], this.tPeak[e]]) a.fill(0);
    for (const s of this.sets) s.reset(e);
    this.calls[e] = 0;
  }

  /** Sample env e at one control step. */
  add(state: BatchState, ref: BatchState, e: number): void {
    const s = this.sums[e],
      sel = this.sel,
      nk = this.nk;
    const frame = this.calls[e]++ % Math.max(1, sel.frameStride ?? 1) === 0;
    for (const set of this.sets) if (frame || set.doc.everyStep) set.add(state, ref, e);
    s[0] += 1;
    const d = jointErrors(state, ref, e, sel.joints, sel.balls ?? [], this.tmp);
    let abs = 0,
      sq = 0;
    for (let k = 0; k < nk; k++) {
      abs += Math.abs(d[k]);
      sq += d[k] * d[k];
      this.jAbs[e][k] += Math.abs(d[k]);
    }
    s[1] += nk ? abs / nk : 0;
    s[2] += nk ? sq / nk : 0;
    const v = jointDiff(state.jointVel, ref.jointVel, state.nj, e, sel.joints, this.tmp);
    let vs = 0;
    for (let k = 0; k < nk; k++) vs += v[k] * v[k];
    s[3] += nk ? vs / nk : 0;
    s[4] += bodyPosError(state, ref, e, sel.tracked);
    s[5] += bodyPosErrorLocal(state, ref, e, sel.tracked, sel.root);
    s[6] += bodyPosError(state, ref, e, [sel.anchor]);
    s[7] += bodyOriError(state, ref, e, sel.anchor);
    s[8] += bodyPosError(state, ref, e, sel.endEffectors);
    s[9] += mechanicalPower(state, e, sel.joints);
    const [slip, cnt] = footSlip(state, e, sel.feet, sel.contactThreshold ?? 20);
    s[10] += slip;
    s[11] += cnt;
    for (let k = 0; k < nk; k++) {
      const t = state.jointTorque[e * state.nj + sel.joints[k]];
      this.tSq[e][k] += t * t;
      this.tPeak[e][k] = Math.max(this.tPeak[e][k], Math.abs(t));
    }
  }

  /** Metrics of env e. `survived_s`, `clip_s`, termination and non-finite count come from the episode loop. */
  result(e: number, info: { survived_s: number; clip_s: number; termination: string | null; non_finite_actions: number }): EpisodeMetrics {
    const s = this.sums[e],
      sel = this.sel,
      steps = s[0];
    const notes: Record<string, string> = {};
    const none = 'no control step was scored (the episode ended before its first scored step)';
    const mean = (key: string, i: number, have: boolean, why: string, f = (x: number) => x): number | null => {
      if (!steps || !have) {
        notes[key] = steps ? why : none;
        return null;
      }
      return r6(f(s[i] / steps));
    };
    const nk = this.nk > 0,
      joints = 'no evaluated joints';
    const tRms = Array.from(this.tSq[e], (x) => (steps ? r6(Math.sqrt(x / steps)) : NaN));
    const m: EpisodeMetrics = {
      success: false,
      status: 'failed',
      invalid_reasons: [],
      survived_s: r6(info.survived_s),
      clip_s: r6(info.clip_s),
      control_steps: steps,
      termination: info.termination,
      mean_joint_err_rad: mean('mean_joint_err_rad', 1, nk, joints),
      joint_pos_rmse_rad: mean('joint_pos_rmse_rad', 2, nk, joints, Math.sqrt),
      joint_vel_rmse_rad_s: mean('joint_vel_rmse_rad_s', 3, nk, joints, Math.sqrt),
      mpjpe_m: mean('mpjpe_m', 4, sel.tracked.length > 0, 'no tracked bodies on this robot'),
      mpjpe_root_rel_m: mean('mpjpe_root_rel_m', 5, sel.tracked.length > 0, 'no tracked bodies on this robot'),
      mean_anchor_pos_err_m: mean('mean_anchor_pos_err_m', 6, true, ''),
      anchor_ori_err_rad: mean('anchor_ori_err_rad', 7, true, ''),
      ee_pos_err_m: mean('ee_pos_err_m', 8, sel.endEffectors.length > 0, 'the robot has none of the end-effector bodies'),
      torque_rms_nm: steps && nk ? r6(Math.sqrt(tRms.reduce((a, b) => a + b * b, 0) / tRms.length)) : null,
      power_w: mean('power_w', 9, nk, joints),
      foot_slip_m_s: steps && s[11] ? r6(s[10] / s[11]) : null,
      non_finite_actions: info.non_finite_actions,
      joint_err_rad: Array.from(this.jAbs[e], (x) => (steps ? r6(x / steps) : NaN)),
      torque_rms_joint_nm: tRms,
      torque_peak_joint_nm: Array.from(this.tPeak[e], (x) => (steps ? r6(x) : NaN)),
      metric_notes: notes,
      sets: Object.fromEntries(this.sets.map((a) => [a.doc.id, a.result(e, { termination: info.termination })])),
    };
    if (m.torque_rms_nm === null) notes.torque_rms_nm = steps ? joints : none;
    if (m.foot_slip_m_s === null)
      notes.foot_slip_m_s = !steps ? none : sel.feet.length ? 'no foot was in contact' : 'no foot bodies on this robot';
    return applyVerdict(m);
  }
}

export interface AggregateMetrics {
  episodes: number;
  successes: number;
  success_rate: number;
  success_ci95: [number, number];
  /** every scalar metric: mean, 95% t interval, std, min, max */
  stats: Record<ScalarMetric, Stat>;
  /** per evaluated joint, mean over episodes */
  joint_err_rad: number[];
  torque_rms_joint_nm: number[];
  torque_peak_joint_nm: number[];
  /** episodes with status invalid (counted as not successful) */
  invalid: number;
  /** the named metric sets (metrics/index.ts) */
  sets: SetsAggregate;
}

/** Aggregate episodes (mean and 95% intervals; success rate with a Wilson interval). */
export function aggregate(eps: EpisodeMetrics[]): AggregateMetrics {
  const k = eps.filter((e) => e.success).length;
  const stats = {} as Record<ScalarMetric, Stat>;
  for (const key of SCALARS) stats[key] = meanStat(eps.map((e) => e[key] ?? NaN));
  const perJoint = (f: (e: EpisodeMetrics) => number[], max = false): number[] => {
    const len = eps.length ? f(eps[0]).length : 0;
    return Array.from({ length: len }, (_, j) => {
      const v = eps.map((e) => f(e)[j]).filter((x) => typeof x === 'number' && Number.isFinite(x));
      if (!v.length) return NaN;
      return r6(max ? Math.max(...v) : v.reduce((a, b) => a + b, 0) / v.length);
    });
  };
  return {
    episodes: eps.length,
    successes: k,
    success_rate: eps.length ? r6(k / eps.length) : NaN,
    success_ci95: wilson(k, eps.length),
    stats,
    joint_err_rad: perJoint((e) => e.joint_err_rad),
    torque_rms_joint_nm: perJoint((e) => e.torque_rms_joint_nm),
    torque_peak_joint_nm: perJoint((e) => e.torque_peak_joint_nm, true),
    invalid: eps.filter((e) => e.status === 'invalid').length,
    sets: aggregateSets(eps),
  };
}
