/**
 * Shipped observation layouts (term order = the policy's input order; history 1, scale 1, no clip unless
 * stated). Sizes below are for the G1 (29 policy joints).
 */
import type { ObsLayoutEntry } from './types';

const e = (term: string, history = 1): ObsLayoutEntry => ({ term, history, scale: 1, clip: null });

/** BeyondMimic with state estimation: 58 + 3 + 6 + 3 + 3 + 29 + 29 + 29 = 160. */
export const beyondmimic160: ObsLayoutEntry[] = [
  e('command'),
  e('motion_anchor_pos_b'),
  e('motion_anchor_ori_b'),
  e('base_lin_vel'),
  e('base_ang_vel'),
  e('joint_pos_rel'),
  e('joint_vel_rel'),
  e('actions'),
];

/**
 * BeyondMimic without state estimation (no anchor position, no base linear velocity):
 * 58 + 6 + 3 + 29 + 29 + 29 = 154. The layout of the shared g1-dance-102 policy.
 */
export const beyondmimic154: ObsLayoutEntry[] = [
  e('command'),
  e('motion_anchor_ori_b'),
  e('base_ang_vel'),
  e('joint_pos_rel'),
  e('joint_vel_rel'),
  e('actions'),
];

/**
 * SkillMimic-style skill-conditioned proprioception: projected gravity, base angular velocity (×0.25, as
 * Isaac Lab locomotion configs scale it), joint positions relative to default, joint velocities (×0.05),
 * last action, each with a history of 1, then a 64-skill one-hot (ctx.nSkills must be 64 for this layout's
 * nominal size 3 + 3 + 29 + 29 + 29 + 64 = 157; the skill term follows ctx.nSkills).
 * Use `withHistory(skillCondition, k)` for a history-stacked variant.
 */
export const skillCondition: ObsLayoutEntry[] = [
  e('projected_gravity'),
  { ...e('base_ang_vel'), scale: 0.25 },
  e('joint_pos_rel'),
  { ...e('joint_vel_rel'), scale: 0.05 },
  e('last_action'),
  e('skill'),
];

/** Copy of a layout with the given history on every term except the skill one-hot. */
export function withHistory(layout: ObsLayoutEntry[], history: number): ObsLayoutEntry[] {
  return layout.map((x) => (x.term === 'skill' ? { ...x } : { ...x, history }));
}

/**
 * HumanoidVerse / ASAP / PBHC phase-conditioned tracking (actor_obs, keys sorted as HumanoidVerse
 * concatenates them): actions, base_ang_vel ×0.25, dof_pos (relative to default), dof_vel ×0.05,
 * history_actor, projected_gravity, ref_motion_phase. history_actor holds the `history` PAST frames, newest
 * first, of each of its keys (sorted: actions, base_ang_vel, dof_pos, dof_vel, projected_gravity,
 * ref_motion_phase), scaled as the current values are. G1 23 DoF, history 4: 76 + 4·76 = 380.
 */
export function humanoidverse(history: number): ObsLayoutEntry[] {
  const cur: ObsLayoutEntry[] = [
    e('actions'),
    { ...e('base_ang_vel'), scale: 0.25 },
    e('joint_pos_rel'),
    { ...e('joint_vel'), scale: 0.05 },
    e('projected_gravity'),
    e('motion_phase'),
  ];
  // HumanoidVerse's HistoryHandler (envs/env_utils/history_handler.py) allocates its buffers as zeros and zeroes
  // an env's on reset; each step adds the frame after the observation is built, newest at index 0
  const past = cur.map((x) => ({ ...x, history, pastOnly: true, newestFirst: true, zeroStart: true }));
  return [cur[0], cur[1], cur[2], cur[3], ...past, cur[4], cur[5]];
}

export const obsLayouts: Readonly<Record<string, ObsLayoutEntry[]>> = {
  beyondmimic160,
  beyondmimic154,
  skillCondition,
  'humanoidverse-history-4': humanoidverse(4),
};
