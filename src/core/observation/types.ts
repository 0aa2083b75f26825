import type { BatchState } from '../physics/types';
import type { ObsObjects } from './objects';

/**
 * Everything an observation term may read, for a batch of n envs. The reference uses the SAME SoA
 * layout as the simulated state (a BatchState whose arrays hold the reference at the current step),
 * so CPU terms, WGSL terms and metrics index both identically.
 */
export interface ObsContext {
  n: number;
  state: BatchState;
  ref: BatchState;
  /** policy joint i → model joint index (joints are matched by NAME when the policy loads) */
  policyJoints: Int32Array; // na
  /** default joint positions in POLICY order */
  defaultJointPos: Float32Array; // na
  /** last action, policy order, n*na */
  lastAction: Float32Array;
  /** body index (RobotModel.bodies) of the anchor body, e.g. torso_link */
  anchorBody: number;
  /** skill-condition one-hot, n*nSkills (SkillMimic style); nSkills may be 0 */
  skill: Float32Array;
  nSkills: number;
  /** motion phase per env in [0, 1] (phase-conditioned policies: t / motion length), n; set by the control loop */
  phase: Float32Array;
  /** velocity command per env [vx, vy (m/s, base frame), yaw rate (rad/s)], n*3 (locomotion policies) */
  command: Float32Array;
  /** gait clock per env: two foot phase angles (rad, in [-π, π)), n*2 (holosoma locomotion; advanceGaitPhase) */
  gaitPhase: Float32Array;
  /** objects in the scene (object terms; observation/objects.ts); absent when there are none */
  objects?: ObsObjects;
}

/**
 * An observation term (Isaac Lab style): a small named function with a CPU version here and a WGSL
 * version in shaders/ (function `obs_<name>`); one table drives both paths.
 */
export interface ObsTerm {
  name: string;
  /** values per env, before history stacking */
  dim(ctx: ObsContext): number;
  /** write dim values of env e into out[offset..] */
  cpu(ctx: ObsContext, e: number, out: Float32Array, offset: number): void;
}

/** One entry of a policy's observation layout. History is stacked per term, oldest first. */
export interface ObsLayoutEntry {
  term: string;
  history: number; // >= 1
  scale: number | number[]; // scalar or per-element (length dim)
  clip: [number, number] | null;
  /** history of PAST values only (the current one is left out), as HumanoidVerse's history_actor (CPU only) */
  pastOnly?: boolean;
  /** history block newest first instead of oldest first (HumanoidVerse) (CPU only) */
  newestFirst?: boolean;
  /** after a reset the history starts at zeros, not filled with the first value (HumanoidVerse) (CPU only) */
  zeroStart?: boolean;
}
