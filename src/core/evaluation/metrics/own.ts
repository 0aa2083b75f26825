/**
 * mimic-bench's own metrics (computed in ../metrics.ts, the MetricAccumulator's per-step sums): definitions for
 * the report. Errors are means over the scored control steps (control rate, not the per-frame metric rate).
 */
import type { MetricSetDoc } from './types';

export const ownDoc: MetricSetDoc = {
  id: 'own',
  name: 'mimic-bench (default)',
  source: 'this project (src/core/evaluation/metrics.ts); termination terms from BeyondMimic',
  success:
    'no termination over the evaluated time (BeyondMimic terms) AND a valid episode: ≥ 1 scored control step, finite actions throughout, finite metrics (verdict.ts)',
  everyStep: true,
  metrics: [
    { key: 'survived_s', label: 'Survival time', unit: 's', formula: 'time of termination, else the evaluated time' },
    { key: 'mean_joint_err_rad', label: 'Mean |joint error|', unit: 'rad', formula: 'mean over steps and evaluated joints of |q − q̂|' },
    { key: 'joint_pos_rmse_rad', label: 'Joint position RMSE', unit: 'rad', formula: '√(mean over steps and joints of (q − q̂)²)' },
    { key: 'joint_vel_rmse_rad_s', label: 'Joint velocity RMSE', unit: 'rad/s', formula: '√(mean over steps and joints of (q̇ − q̂̇)²)' },
    { key: 'mpjpe_m', label: 'Body position error (global)', unit: 'm', formula: 'mean over steps and tracked bodies of |p − p̂|' },
    {
      key: 'mpjpe_root_rel_m',
      label: 'Body position error (root frame)',
      unit: 'm',
      formula: 'mean of |R⁻¹(p − p_root) − R̂⁻¹(p̂ − p̂_root)|, R = full root rotation',
    },
    { key: 'mean_anchor_pos_err_m', label: 'Anchor position error', unit: 'm', formula: 'mean |p − p̂| of the anchor body' },
    { key: 'anchor_ori_err_rad', label: 'Anchor orientation error', unit: 'rad', formula: 'mean angle of conj(q̂)·q of the anchor body' },
    {
      key: 'ee_pos_err_m',
      label: 'End-effector position error',
      unit: 'm',
      formula: 'mean over steps and end effectors of |p − p̂| (null: robot has none)',
    },
    { key: 'torque_rms_nm', label: 'Torque RMS', unit: 'N·m', formula: "RMS over joints of each joint's RMS applied PD torque" },
    { key: 'power_w', label: 'Mechanical power', unit: 'W', formula: 'mean over steps of Σ_j |τ_j·q̇_j|' },
    {
      key: 'foot_slip_m_s',
      label: 'Foot slip in contact',
      unit: 'm/s',
      formula: 'mean horizontal speed of foot bodies while their contact force > 20 N (null: no contact)',
    },
    { key: 'non_finite_actions', label: 'Non-finite actions', unit: 'count', formula: 'control steps whose action had a NaN/Inf' },
  ],
};
