/**
 * GMT metrics (Chen et al., "GMT: General Motion Tracking for Humanoid Whole-Body Control", 2025):
 *   E_mpkpe = mean_f mean_{b ∈ key bodies} |H⁻¹(p_b − p_root) − Ĥ⁻¹(p̂_b − p̂_root)|    (mm)
 *     H = the root's heading (yaw-only rotation about z): positions relative to the root, in its heading frame.
 *   E_mpjpe = mean_f mean_j |q_j − q̂_j|                                                (rad; a joint-angle error)
 * (PBHC reports the same joint-angle error in 10⁻³ rad.) No success criterion of its own.
 */
import { qYaw } from '../../math';
import { meanOrNull, perEnv, type MetricSetDoc, type SetAccumulator, type SetEpisode, type SetSelection, type State } from './types';

export const gmtDoc: MetricSetDoc = {
  id: 'gmt',
  name: 'GMT',
  source: 'Chen et al., GMT: General Motion Tracking for Humanoid Whole-Body Control (arXiv 2506.14770, 2025)',
  success: '',
  metrics: [
    {
      key: 'mpkpe_mm',
      label: 'E_mpkpe (key bodies, heading frame)',
      unit: 'mm',
      formula: 'mean over frames and key bodies of |H⁻¹(p − p_root) − Ĥ⁻¹(p̂ − p̂_root)|, H = yaw of the root',
    },
    { key: 'mpjpe_rad', label: 'E_mpjpe (joint angle)', unit: 'rad', formula: 'mean over frames and evaluated joints of |q − q̂|' },
  ],
};

export class GmtAccumulator implements SetAccumulator {
  readonly doc = gmtDoc;
  private readonly s: Float64Array[]; // [frames, mpkpe, mpjpe]
  private readonly keys: number[];

  constructor(
    n: number,
    private readonly sel: SetSelection,
  ) {
    this.keys = sel.keyBodies ?? sel.tracked;
    this.s = perEnv(n, 3);
  }

  reset(e: number): void {
    this.s[e].fill(0);
  }

  add(state: State, ref: State, e: number): void {
    const s = this.s[e],
      nb = state.nb,
      P = state.bodyPos,
      R = ref.bodyPos;
    s[0]++;
    const ro = (e * nb + this.sel.root) * 3,
      rq = (e * nb + this.sel.root) * 4;
    const ys = qYaw(state.bodyQuat, rq),
      yr = qYaw(ref.bodyQuat, rq);
    const cs = Math.cos(ys),
      ss = Math.sin(ys),
      cr = Math.cos(yr),
      sr = Math.sin(yr);
    let k = 0;
    for (const b of this.keys) {
      const i = (e * nb + b) * 3;
      const ax = P[i] - P[ro],
        ay = P[i + 1] - P[ro + 1],
        az = P[i + 2] - P[ro + 2];
      const bx = R[i] - R[ro],
        by = R[i + 1] - R[ro + 1],
        bz = R[i + 2] - R[ro + 2];
      // rotate by −yaw: (c·x + s·y, −s·x + c·y)
      k += Math.hypot(cs * ax + ss * ay - (cr * bx + sr * by), -ss * ax + cs * ay - (-sr * bx + cr * by), az - bz);
    }
    if (this.keys.length) s[1] += k / this.keys.length;
    const J = this.sel.joints,
      nj = state.nj;
    let j = 0;
    for (const q of J) j += Math.abs(state.jointPos[e * nj + q] - ref.jointPos[e * nj + q]);
    if (J.length) s[2] += j / J.length;
  }

  result(e: number): SetEpisode {
    const s = this.s[e],
      notes: Record<string, string> = {};
    return {
      success: null,
      metrics: {
        mpkpe_mm: meanOrNull(
          s[1],
          this.keys.length ? s[0] : 0,
          'mpkpe_mm',
          notes,
          this.keys.length ? 'no frame was scored' : 'no key bodies on this robot',
          1000,
        ),
        mpjpe_rad: meanOrNull(
          s[2],
          this.sel.joints.length ? s[0] : 0,
          'mpjpe_rad',
          notes,
          this.sel.joints.length ? 'no frame was scored' : 'no evaluated joints',
        ),
      },
      notes,
    };
  }
}
