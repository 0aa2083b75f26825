/**
 * The typed boundary to mujoco-js: its generated .d.ts declares every MjModel/MjData array as `any`. These are
 * the arrays this backend reads and writes, with the element types MuJoCo gives them (mjtNum = float64,
 * int = int32), so the rest of the backend stays typed. Each getter returns a fresh view on the WASM heap.
 */
import type { MjData, MjModel } from 'mujoco-js';

type F = Float64Array;
type I = Int32Array;

export interface MjOptionT {
  timestep: number;
  integrator: number;
  disableflags: number;
  enableflags: number;
  readonly gravity: F;
  /** contact override: friction (5 values) */
  readonly o_friction: F;
}

export interface MjModelT {
  readonly njnt: number;
  readonly nu: number;
  readonly nbody: number;
  readonly opt: MjOptionT;
  readonly jnt_qposadr: I;
  readonly jnt_dofadr: I;
  readonly jnt_type: I;
  readonly jnt_bodyid: I;
  readonly dof_armature: F;
  readonly dof_damping: F; // ball joints: implicit PD damping (issue 16)
  readonly body_mass: F;
  readonly body_inertia: F;
  readonly body_rootid: I;
  readonly geom_friction: F;
  readonly actuator_trntype: I;
  readonly actuator_trnid: I;
  readonly actuator_dyntype: I;
  readonly actuator_gaintype: I;
  readonly actuator_biastype: I;
  readonly actuator_gainprm: F;
  readonly actuator_biasprm: F;
  readonly actuator_ctrllimited: Uint8Array;
  readonly actuator_forcelimited: Uint8Array;
  readonly actuator_forcerange: F;
  readonly actuator_gear: F;
  delete(): void;
}

export interface MjDataT {
  readonly qpos: F;
  readonly qvel: F;
  readonly ctrl: F;
  readonly qfrc_applied: F;
  readonly xfrc_applied: F;
  readonly cfrc_ext: F;
  readonly actuator_force: F;
  readonly xpos: F;
  readonly xquat: F;
  readonly xipos: F;
  readonly cvel: F;
  readonly subtree_com: F;
  delete(): void;
}

/** The typed view of a model / data handle (same object). */
export const typedModel = (m: MjModel): MjModelT => m;
export const typedData = (d: MjData): MjDataT => d;
