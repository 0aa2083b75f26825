/**
 * BeyondMimic's termination terms as metrics (Liao et al., "BeyondMimic: From Motion Tracking to Versatile
 * Humanoid Control via Guided Diffusion", 2025; code: HybridRobotics/whole_body_tracking, terminations
 * bad_anchor_pos_z_only, bad_anchor_ori, bad_motion_body_pos_z_only). Each term is checked on its own at every
 * control step (the episode loop stops at the first one), so the report shows which terms fired and how close
 * the others came:
 *   anchor height:      |z_anchor − ẑ_anchor| > 0.25 m
 *   anchor orientation: |g_z − ĝ_z| > 0.8, g = gravity (0,0,−1) expressed in the anchor frame
 *   end-effector height: max_ee |z_ee − ẑ_ee| > 0.25 m
 * success: no term fired over the evaluated time.
 */
import { beyondMimicThresholds } from '../../policy/termination';
import { meanOrNull, perEnv, type MetricSetDoc, type SetAccumulator, type SetEpisode, type SetSelection, type State } from './types';

const T = beyondMimicThresholds;
export const BM_TERMS = ['anchor_height', 'anchor_orientation', 'end_effector_height'] as const;

export const beyondMimicDoc: MetricSetDoc = {
  id: 'beyondmimic',
  name: 'BeyondMimic terminations',
  source: 'Liao et al., BeyondMimic (arXiv 2508.08241, 2025); code: HybridRobotics/whole_body_tracking (terminations)',
  success: `no termination term fired: anchor height error > ${T.anchorHeight} m, anchor orientation |g_z − ĝ_z| > ${T.anchorOrientation}, end-effector height error > ${T.endEffectorHeight} m`,
  everyStep: true,
  metrics: [
    {
      key: 'anchor_height_max_m',
      label: 'max anchor height error',
      unit: 'm',
      formula: `max over steps of |z − ẑ| of the anchor body (threshold ${T.anchorHeight})`,
    },
    {
      key: 'anchor_orientation_max',
      label: 'max anchor orientation error',
      unit: '1',
      formula: `max over steps of |g_z − ĝ_z|, gravity in the anchor frame (threshold ${T.anchorOrientation})`,
    },
    {
      key: 'end_effector_height_max_m',
      label: 'max end-effector height error',
      unit: 'm',
      formula: `max over steps and end effectors of |z − ẑ| (threshold ${T.endEffectorHeight})`,
    },
    { key: 'anchor_height_s', label: 'anchor height: first time', unit: 's', formula: 'time the term first fired (null: never)' },
    { key: 'anchor_orientation_s', label: 'anchor orientation: first time', unit: 's', formula: 'time the term first fired (null: never)' },
    {
      key: 'end_effector_height_s',
      label: 'end-effector height: first time',
      unit: 's',
      formula: 'time the term first fired (null: never)',
    },
  ],
};

const gz = (q: ArrayLike<number>, o: number): number => -(1 - 2 * (q[o + 1] * q[o + 1] + q[o + 2] * q[o + 2]));

export class BeyondMimicAccumulator implements SetAccumulator {
  readonly doc = beyondMimicDoc;
  private readonly s: Float64Array[]; // [steps, max0, max1, max2, first0, first1, first2]

  constructor(
    n: number,
    private readonly sel: SetSelection,
  ) {
    this.s = perEnv(n, 7);
    for (let e = 0; e < n; e++) this.reset(e);
  }

  reset(e: number): void {
    this.s[e].fill(0);
    this.s[e].fill(-1, 4);
  }

  add(state: State, ref: State, e: number): void {
    const s = this.s[e],
      nb = state.nb,
      a = e * nb + this.sel.anchor;
    const v = [
      Math.abs(state.bodyPos[a * 3 + 2] - ref.bodyPos[a * 3 + 2]),
      Math.abs(gz(state.bodyQuat, a * 4) - gz(ref.bodyQuat, a * 4)),
      0,
    ];
    for (const b of this.sel.endEffectors) {
      const i = (e * nb + b) * 3 + 2;
      const d = Math.abs(state.bodyPos[i] - ref.bodyPos[i]);
      v[2] = Number.isNaN(d) || Number.isNaN(v[2]) ? NaN : Math.max(v[2], d);
    }
    const th = [T.anchorHeight, T.anchorOrientation, T.endEffectorHeight];
    for (let t = 0; t < 3; t++) {
      s[1 + t] = Number.isNaN(v[t]) || Number.isNaN(s[1 + t]) ? NaN : Math.max(s[1 + t], v[t]);
      if (s[4 + t] < 0 && v[t] > th[t]) s[4 + t] = s[0];
    }
    s[0]++;
  }

  result(e: number): SetEpisode {
    const s = this.s[e],
      notes: Record<string, string> = {},
      dt = this.sel.controlDt;
    const metrics: Record<string, number | null> = {};
    const why = 'no control step was scored';
    metrics.anchor_height_max_m = meanOrNull(s[1], s[0] ? 1 : 0, 'anchor_height_max_m', notes, why);
    metrics.anchor_orientation_max = meanOrNull(s[2], s[0] ? 1 : 0, 'anchor_orientation_max', notes, why);
    metrics.end_effector_height_max_m = meanOrNull(
      s[3],
      s[0] && this.sel.endEffectors.length ? 1 : 0,
      'end_effector_height_max_m',
      notes,
      this.sel.endEffectors.length ? why : 'the robot has none of the end-effector bodies',
    );
    BM_TERMS.forEach((t, k) => {
      const key = `${t}_s`;
      if (s[4 + k] >= 0 && dt !== undefined) metrics[key] = Number(((s[4 + k] + 1) * dt).toPrecision(6));
      else {
        metrics[key] = null;
        notes[key] = s[4 + k] >= 0 ? 'control step unknown' : 'never fired';
      }
    });
    const fired = s[4] >= 0 || s[5] >= 0 || s[6] >= 0;
    const known = s[0] > 0 && [1, 2, 3].every((i) => !Number.isNaN(s[i]));
    if (!known) notes.success = s[0] ? 'non-finite values' : why;
    return { success: known ? !fired : null, metrics, notes };
  }
}
