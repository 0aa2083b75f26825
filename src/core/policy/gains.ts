/**
 * A policy's PD gains in MODEL joint order (matched by name): its joints from the config, joints it does not
 * drive from config.heldJoints (stated gains), any other joint with the mean of the policy's gains; effort
 * limits from the config where given, else the robot's. And the armature the gains imply when the robot file
 * has none (gains derived from armature: kp = a·(2π·10 Hz)²).
 */
import type { RobotModel } from '../model/types';
import { armatureFromStiffness, type PolicyConfig } from './config';

export interface ModelGains {
  kp: number[];
  kd: number[];
  effort: number[];
}

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);

export function policyGains(model: RobotModel, config: PolicyConfig, scale = 1): ModelGains {
  const kp = model.joints.map(() => mean(config.stiffness));
  const kd = model.joints.map(() => mean(config.damping));
  const effort = model.joints.map((j) => j.effortLimit);
  const h = config.heldJoints;
  h?.names.forEach((name, i) => {
    const j = model.jointIndex.get(name);
    if (j === undefined) return; // named by the controller
    kp[j] = h.stiffness[i];
    kd[j] = h.damping[i];
  });
  config.jointNames.forEach((name, i) => {
    const j = model.jointIndex.get(name)!;
    kp[j] = config.stiffness[i];
    kd[j] = config.damping[i];
    if (config.effortLimits) effort[j] = config.effortLimits[i];
  });
  return scale === 1 ? { kp, kd, effort } : { kp: kp.map((x) => x * scale), kd: kd.map((x) => x * scale), effort };
}

export const hasNoArmature = (m: RobotModel): boolean => m.joints.every((j) => !(j.armature > 0));

export const ARMATURE_NOTE = 'armature from the PD gains (a = kp / (2π·10 Hz)²), the robot file has none';

/** Armature per model joint from the policy's own joint gains (others: the robot's), or null when not wanted. */
export function policyArmature(model: RobotModel, config: PolicyConfig): number[] | null {
  if (!config.armatureFromGains || !hasNoArmature(model)) return null;
  const a = model.joints.map((j) => j.armature);
  config.jointNames.forEach((n, i) => {
    a[model.jointIndex.get(n)!] = armatureFromStiffness(config.stiffness[i]);
  });
  return a;
}
