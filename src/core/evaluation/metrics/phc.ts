/**
 * PHC / OmniH2O tracking metrics (Luo et al., "Perpetual Humanoid Control", ICCV 2023; He et al., "OmniH2O",
 * CoRL 2024; the evaluation code compute_metrics_lite in ZhengyiLuo/SMPLSim smpl_eval.py). Body positions are
 * the tracked bodies' frame origins, sampled once per frame (frame = frameStride control steps).
 *   success: no frame where the mean body-position deviation exceeds 0.5 m (and the clip was completed)
 *   E_g-mpjpe = mean_f mean_b |p_b − p̂_b|                                   (mm)
 *   E_mpjpe   = mean_f mean_b |(p_b − p_root) − (p̂_b − p̂_root)|  (root position subtracted, no rotation) (mm)
 *   E_vel     = mean_f mean_b |(p_b,f − p_b,f−1) − (p̂_b,f − p̂_b,f−1)|              (mm/frame)
 *   E_acc     = mean_f mean_b |(p_f − 2p_f−1 + p_f−2) − (p̂_f − 2p̂_f−1 + p̂_f−2)|_b   (mm/frame²)
 */
import {
  dist3,
  meanOrNull,
  perEnv,
  type MetricSetDoc,
  type SetAccumulator,
  type SetEpisode,
  type SetEpisodeInfo,
  type SetSelection,
  type State,
} from './types';

export const PHC_THRESHOLD_M = 0.5;

export const phcDoc: MetricSetDoc = {
  id: 'phc',
  name: 'PHC / OmniH2O',
  source:
    'Luo et al., Perpetual Humanoid Control (ICCV 2023); He et al., OmniH2O (CoRL 2024); code: ZhengyiLuo/SMPLSim smpl_eval.py compute_metrics_lite',
  success: `no frame where the mean tracked-body position deviation exceeds ${PHC_THRESHOLD_M} m; an episode the simulation ended earlier (another termination) also fails`,
  metrics: [
    { key: 'g_mpjpe_mm', label: 'E_g-mpjpe (global)', unit: 'mm', formula: 'mean over frames and tracked bodies of |p − p̂|' },
    {
      key: 'mpjpe_mm',
      label: 'E_mpjpe (root-relative)',
      unit: 'mm',
      formula: 'mean over frames and tracked bodies of |(p − p_root) − (p̂ − p̂_root)| (root position subtracted, no rotation)',
    },
    {
      key: 'vel_mm_frame',
      label: 'E_vel',
      unit: 'mm/frame',
      formula: 'mean over frames and bodies of |Δp − Δp̂|, Δ = difference of consecutive frames',
    },
    {
      key: 'acc_mm_frame2',
      label: 'E_acc',
      unit: 'mm/frame²',
      formula: 'mean over frames and bodies of |Δ²p − Δ²p̂|, Δ² = p_f − 2p_f−1 + p_f−2',
    },
    {
      key: 'max_mean_dev_m',
      label: 'max mean body deviation',
      unit: 'm',
      formula: 'max over frames of mean over bodies of |p − p̂| (success threshold 0.5 m)',
    },
    {
      key: 'failure_s',
      label: 'PHC failure time',
      unit: 's',
      formula: 'time of the first frame whose mean deviation exceeds 0.5 m (null: none)',
    },
  ],
};

// sums per env: [frames, g, l, vel, velN, acc, accN, maxDev, failFrame(-1)]
export class PhcAccumulator implements SetAccumulator {
  readonly doc = phcDoc;
  private readonly s: Float64Array[];
  /** previous two frames' positions of robot and reference: [p1, p2, r1, r2] each nt*3 */
  private readonly hist: Float64Array[];
  private readonly nt: number;

  constructor(
    n: number,
    private readonly sel: SetSelection,
  ) {
    this.nt = sel.tracked.length;
    this.s = perEnv(n, 9);
    this.hist = perEnv(n, 4 * this.nt * 3);
    for (let e = 0; e < n; e++) this.reset(e);
  }

  reset(e: number): void {
    this.s[e].fill(0);
    this.s[e][8] = -1;
    this.hist[e].fill(0);
  }

  add(state: State, ref: State, e: number): void {
    const s = this.s[e],
      h = this.hist[e],
      nt = this.nt,
      nb = state.nb;
    if (!nt) {
      s[0]++;
      return;
    }
    const P = state.bodyPos,
      R = ref.bodyPos;
    const ro = (e * nb + this.sel.root) * 3;
    const f = s[0];
    let g = 0,
      l = 0,
      v = 0,
      a = 0;
    for (let k = 0; k < nt; k++) {
      const i = (e * nb + this.sel.tracked[k]) * 3;
      g += dist3(P, i, R, i);
      l += Math.hypot(
        P[i] - P[ro] - (R[i] - R[ro]),
        P[i + 1] - P[ro + 1] - (R[i + 1] - R[ro + 1]),
        P[i + 2] - P[ro + 2] - (R[i + 2] - R[ro + 2]),
      );
      const p1 = k * 3,
        p2 = (nt + k) * 3,
        r1 = (2 * nt + k) * 3,
        r2 = (3 * nt + k) * 3;
      const dv = [0, 1, 2].map((c) => P[i + c] - h[p1 + c] - (R[i + c] - h[r1 + c]));
      if (f >= 1) v += Math.hypot(dv[0], dv[1], dv[2]);
      if (f >= 2) {
        const da = [0, 1, 2].map((c) => P[i + c] - 2 * h[p1 + c] + h[p2 + c] - (R[i + c] - 2 * h[r1 + c] + h[r2 + c]));
        a += Math.hypot(da[0], da[1], da[2]);
      }
      for (let c = 0; c < 3; c++) {
        h[p2 + c] = h[p1 + c];
        h[p1 + c] = P[i + c];
        h[r2 + c] = h[r1 + c];
        h[r1 + c] = R[i + c];
      }
    }
    const dev = g / nt;
    s[1] += dev;
    s[2] += l / nt;
    if (f >= 1) {
      s[3] += v / nt;
      s[4]++;
    }
    if (f >= 2) {
      s[5] += a / nt;
      s[6]++;
    }
    if (!(dev <= s[7])) s[7] = Number.isFinite(dev) ? Math.max(s[7], dev) : NaN;
    if (s[8] < 0 && dev > PHC_THRESHOLD_M) s[8] = f;
    s[0] = f + 1;
  }

  result(e: number, info: SetEpisodeInfo): SetEpisode {
    const s = this.s[e],
      notes: Record<string, string> = {};
    const noBodies = 'the robot has none of the tracked bodies';
    const why = this.nt ? 'no frame was scored' : noBodies;
    const frames = this.nt ? s[0] : 0;
    const stride = this.sel.frameStride ?? 1;
    const dt = this.sel.controlDt;
    const metrics: Record<string, number | null> = {
      g_mpjpe_mm: meanOrNull(s[1], frames, 'g_mpjpe_mm', notes, why, 1000),
      mpjpe_mm: meanOrNull(s[2], frames, 'mpjpe_mm', notes, why, 1000),
      vel_mm_frame: meanOrNull(s[3], this.nt ? s[4] : 0, 'vel_mm_frame', notes, this.nt ? 'fewer than 2 frames' : noBodies, 1000),
      acc_mm_frame2: meanOrNull(s[5], this.nt ? s[6] : 0, 'acc_mm_frame2', notes, this.nt ? 'fewer than 3 frames' : noBodies, 1000),
      max_mean_dev_m: meanOrNull(s[7], frames ? 1 : 0, 'max_mean_dev_m', notes, why),
      failure_s: null,
    };
    let success: boolean | null;
    if (!frames || metrics.max_mean_dev_m === null) {
      success = null;
      notes.success = notes.max_mean_dev_m ?? why;
    } else if (s[8] >= 0) {
      success = false;
      if (dt !== undefined)
        metrics.failure_s = Number(((1 + s[8] * stride) * dt).toPrecision(6)); // frame f = control step 1 + f·stride
      else notes.failure_s = 'control step unknown';
    } else {
      success = info.termination === null;
      notes.failure_s = 'the threshold was never crossed';
      if (!success) notes.success = `ended early by ${info.termination} before crossing ${PHC_THRESHOLD_M} m`;
    }
    return { success, metrics, notes };
  }
}
