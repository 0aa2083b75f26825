/**
 * BeyondMimic (whole_body_tracking) and mjlab tracking / velocity exports: comma-separated metadata_props
 * (joint_names, joint_stiffness, joint_damping, default_joint_pos, action_scale, observation_names,
 * anchor_body_name, body_names...). Tracking exports embed their reference (input time_step; outputs
 * joint_pos, joint_vel, body_pos_w, body_quat_w, body_lin_vel_w, body_ang_vel_w); 160 observations with
 * state estimation, 154 without. mjlab lists joints in the description's (MuJoCo) order and rounds lists to 3
 * decimals, possibly writing action_scale as one number; its velocity task's `command` is the twist command.
 * Newer mjlab exports add per-term observation_terms_history_length / _scale / _clip (obs-terms-meta.ts).
 * Checked against whole_body_tracking utils/exporter.py (keys run_path, joint_names, joint_stiffness,
 * joint_damping, default_joint_pos, command_names, observation_names, action_scale, anchor_body_name,
 * body_names; lists "%.3f"-joined) and mjlab tasks/tracking/rl/exporter.py (same keys less anchor_body_name
 * and body_names: the G1 defaults, which are mjlab's G1 tracking body list, apply).
 */
import { fail } from '../../errors';
import type { PolicyConfig } from '../config';
import { isaacJointOrder } from '../conventions';
import { configFromMetadata } from '../sources';
import { applyObsTermsMeta } from './obs-terms-meta';
import { chooseProfile, mergeFileOverProfile, profileConfig } from './merge';
import { inputNamed, type Family, type FamilyInput } from './types';

const isCsv = (v: string | undefined): v is string => typeof v === 'string' && !v.trim().startsWith('[');

function variant(x: FamilyInput, joints: string[]): { family: string; why: string } {
  const description = x.robot.joints.map((j) => j.name).filter((n) => joints.includes(n));
  const isaac = isaacJointOrder(x.robot).filter((n) => joints.includes(n));
  if (joints.join() === description.join() && joints.join() !== isaac.join()) {
    return { family: 'mjlab', why: 'joint_names in the description (MuJoCo) order: mjlab' };
  }
  return { family: 'beyondmimic', why: "joint_names in Isaac Lab's breadth-first order: BeyondMimic / Isaac Lab" };
}

/** What the metadata itself says (keys it lacks are left out). */
function fromFile(x: FamilyInput, velocity: boolean): Partial<PolicyConfig> {
  const m = x.info.metadata;
  const full = configFromMetadata(m, x.file);
  if (velocity) full.observations = full.observations.map((e) => (e.term === 'command' ? { ...e, term: 'velocity_commands' } : e));
  full.observations = applyObsTermsMeta(m, full.observations, x.file);
  const out: Partial<PolicyConfig> = {
    jointNames: full.jointNames,
    stiffness: full.stiffness,
    damping: full.damping,
    defaultJointPos: full.defaultJointPos,
    actionScale: full.actionScale,
    observations: full.observations,
  };
  if (m.action_offset) out.actionOffset = full.actionOffset;
  if (m.step_dt) out.stepDt = full.stepDt;
  if (m.anchor_body_name) out.anchorBody = full.anchorBody;
  if (m.body_names) out.bodyNames = full.bodyNames;
  return out;
}

/**
 * The embedded reference's bodies must be the robot's. mjlab's exporter writes no anchor_body_name / body_names:
 * the G1 defaults are then assumed, and on another robot that is a named error saying which keys to give.
 */
function checkBodies(x: FamilyInput, cfg: PolicyConfig): void {
  const m = x.info.metadata;
  const missing = [cfg.anchorBody, ...cfg.bodyNames].filter((b) => !x.robot.bodyIndex.has(b));
  if (!missing.length) return;
  const assumed = !m.body_names || !m.anchor_body_name;
  fail(
    'PolicyError',
    x.file,
    m.body_names ? 'metadata_props.body_names' : 'metadata_props (no body_names)',
    `the embedded reference's bodies ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''} are not in robot "${x.robot.name}"` +
      (assumed
        ? ` (the file names no ${m.body_names ? 'anchor_body_name' : 'body_names'}, as mjlab's exporter writes it, so the G1 tracking bodies were assumed); give a profile with "bodyNames" (the reference's bodies, in the order of its body_pos_w rows) and "anchorBody"`
        : ''),
  );
}

export const beyondmimic: Family = {
  name: 'beyondmimic',
  detect(x) {
    const m = x.info.metadata;
    if (!isCsv(m.joint_names)) return null;
    const ev = ['metadata_props.joint_names (comma-separated list)'];
    if (m.observation_names) ev.push('metadata_props.observation_names');
    if (inputNamed(x.info, 'time_step')) ev.push('input time_step: embedded reference');
    return ev;
  },
  configure(x, evidence) {
    const m = x.info.metadata;
    const velocity = !inputNamed(x.info, 'time_step') && /(^|,)\s*(twist|base_velocity)\s*(,|$)/.test(m.command_names ?? '');
    const file = fromFile(x, velocity);
    const v = variant(x, file.jointNames!);
    const warnings: string[] = [];
    const src = chooseProfile(x);
    const base = src ? profileConfig(src, x, file.jointNames, warnings) : undefined;
    const cfg = mergeFileOverProfile(
      {
        file,
        fileName: x.file,
        base,
        rest: {
          source: 'metadata',
          family: velocity ? `${v.family}-velocity` : v.family,
          embeddedReference: !velocity,
          armatureFromGains: true,
          nSkills: 0,
        },
      },
      warnings,
    );
    evidence.push(v.why, ...(velocity ? ['command_names has a velocity command: locomotion'] : []));
    if (!velocity) checkBodies(x, cfg);
    return cfg;
  },
};
