/**
 * Observation terms (Isaac Lab / BeyondMimic semantics), CPU side. The SAME table drives the WGSL path:
 * every term carries an `id` that is the `case` of the switch in shaders/obs_terms.wgsl, and lists the
 * state arrays it reads (`reads`) so the GPU builder uploads only those.
 *
 * Conventions: state and reference are BatchStates with the same SoA layout; velocities are in the WORLD
 * frame; quaternions [w,x,y,z]; policy joint i ↔ model joint ctx.policyJoints[i]; the anchor body is
 * ctx.anchorBody (bodyPos / bodyQuat), the root/base is body 0 (rootQuat / rootLinVel / rootAngVel).
 */
import { objectTerms } from './objects';
import { relRot6, rotInv } from './quat-ops';
import type { ObsContext, ObsTerm } from './types';

/** Which arrays a term reads ('s.' = simulated state, 'r.' = reference, 'i.' = ctx.lastAction / ctx.skill). */
export type StateArray =
  | 's.rootQuat'
  | 's.rootLinVel'
  | 's.rootAngVel'
  | 's.jointPos'
  | 's.jointVel'
  | 's.bodyPos'
  | 's.bodyQuat'
  | 'r.jointPos'
  | 'r.jointVel'
  | 'r.bodyPos'
  | 'r.bodyQuat'
  | 'i.lastAction'
  | 'i.skill'
  | 'i.phase'
  | 'i.command'
  | 'i.gaitPhase'
  | 'i.objects';

export interface ObsTermDef extends ObsTerm {
  /** stable id shared with the WGSL switch (shaders/obs_terms.wgsl) */
  id: number;
  reads: StateArray[];
}

/** Rotate v by the inverse of the unit quaternion q (world → local), written into out[o..o+2]. */
function rotateInv(q: ArrayLike<number>, qo: number, v: ArrayLike<number>, vo: number, out: Float32Array, o: number): void {
  rotInv(q, qo, v[vo], v[vo + 1], v[vo + 2], out, o);
}

const GRAVITY = [0, 0, -1];
const na = (c: ObsContext) => c.policyJoints.length;

function jointTerm(id: number, name: string, field: 'jointPos' | 'jointVel', src: 'state' | 'ref', relative: boolean): ObsTermDef {
  return {
    id,
    name,
    reads: [`${src === 'state' ? 's' : 'r'}.${field}` as StateArray],
    dim: na,
    cpu(c, e, out, o) {
      const a = c[src][field],
        nj = c[src].nj,
        pj = c.policyJoints;
      for (let i = 0; i < pj.length; i++) {
        out[o + i] = a[e * nj + pj[i]] - (relative ? c.defaultJointPos[i] : 0);
      }
    },
  };
}

const command: ObsTermDef = {
  id: 0,
  name: 'command',
  reads: ['r.jointPos', 'r.jointVel'],
  dim: (c) => 2 * na(c),
  cpu(c, e, out, o) {
    const r = c.ref,
      pj = c.policyJoints,
      n = pj.length;
    for (let i = 0; i < n; i++) {
      out[o + i] = r.jointPos[e * r.nj + pj[i]];
      out[o + n + i] = r.jointVel[e * r.nj + pj[i]];
    }
  },
};

const motionAnchorPosB: ObsTermDef = {
  id: 1,
  name: 'motion_anchor_pos_b',
  reads: ['s.bodyPos', 's.bodyQuat', 'r.bodyPos'],
  dim: () => 3,
  cpu(c, e, out, o) {
    const s = c.state,
      r = c.ref,
      b = c.anchorBody;
    const ps = (e * s.nb + b) * 3,
      pr = (e * r.nb + b) * 3;
    const d = [r.bodyPos[pr] - s.bodyPos[ps], r.bodyPos[pr + 1] - s.bodyPos[ps + 1], r.bodyPos[pr + 2] - s.bodyPos[ps + 2]];
    rotateInv(s.bodyQuat, (e * s.nb + b) * 4, d, 0, out, o);
  },
};

/**
 * First two columns of the rotation matrix of conj(q_robot_anchor)·q_ref_anchor, row-major
 * [m00, m01, m10, m11, m20, m21] (Isaac Lab: matrix_from_quat(q)[..., :2].reshape(-1)). Like Isaac Lab's
 * matrix_from_quat, the matrix uses s = 2/|q|², so slightly unnormalised float32 quaternions are fine.
 */
const motionAnchorOriB: ObsTermDef = {
  id: 2,
  name: 'motion_anchor_ori_b',
  reads: ['s.bodyQuat', 'r.bodyQuat'],
  dim: () => 6,
  cpu(c, e, out, o) {
    const qs = c.state.bodyQuat,
      qr = c.ref.bodyQuat;
    const i = (e * c.state.nb + c.anchorBody) * 4,
      k = (e * c.ref.nb + c.anchorBody) * 4;
    relRot6(qs, i, qr, k, out, o);
  },
};

/** A root velocity of the state in the root frame. */
function rootVelTerm(id: number, name: string, field: 'rootLinVel' | 'rootAngVel'): ObsTermDef {
  return {
    id,
    name,
    reads: ['s.rootQuat', `s.${field}`],
    dim: () => 3,
    cpu: (c, e, out, o) => rotateInv(c.state.rootQuat, e * 4, c.state[field], e * 3, out, o),
  };
}

const baseLinVel = rootVelTerm(3, 'base_lin_vel', 'rootLinVel');
const baseAngVel = rootVelTerm(4, 'base_ang_vel', 'rootAngVel');

const projectedGravity: ObsTermDef = {
  id: 5,
  name: 'projected_gravity',
  reads: ['s.rootQuat'],
  dim: () => 3,
  cpu: (c, e, out, o) => rotateInv(c.state.rootQuat, e * 4, GRAVITY, 0, out, o),
};

function actionTerm(id: number, name: string): ObsTermDef {
  return {
    id,
    name,
    reads: ['i.lastAction'],
    dim: na,
    cpu(c, e, out, o) {
      const n = na(c);
      for (let i = 0; i < n; i++) out[o + i] = c.lastAction[e * n + i];
    },
  };
}

const skill: ObsTermDef = {
  id: 12,
  name: 'skill',
  reads: ['i.skill'],
  dim: (c) => c.nSkills,
  cpu(c, e, out, o) {
    for (let i = 0; i < c.nSkills; i++) out[o + i] = c.skill[e * c.nSkills + i];
  },
};

/** A term reading `dim` values of a per-env context array (stride `stride`, from element `from`). */
function ctxTerm(
  id: number,
  name: string,
  field: 'phase' | 'command' | 'gaitPhase',
  stride: number,
  from: number,
  dim: number,
  f: (x: number) => number = (x) => x,
): ObsTermDef {
  return {
    id,
    name,
    reads: [`i.${field}` as StateArray],
    dim: () => dim,
    cpu(c, e, out, o) {
      for (let d = 0; d < dim; d++) out[o + d] = f(c[field][e * stride + from + d]);
    },
  };
}

/** unitree_rl_lab / Isaac Lab gait_phase: [sin, cos] of the first foot's phase angle. */
const gaitPhase: ObsTermDef = {
  id: 19,
  name: 'gait_phase',
  reads: ['i.gaitPhase'],
  dim: () => 2,
  cpu(c, e, out, o) {
    out[o] = Math.sin(c.gaitPhase[e * 2]);
    out[o + 1] = Math.cos(c.gaitPhase[e * 2]);
  },
};

const canonical: ObsTermDef[] = [
  command,
  motionAnchorPosB,
  motionAnchorOriB,
  baseLinVel,
  baseAngVel,
  projectedGravity,
  jointTerm(6, 'joint_pos', 'jointPos', 'state', false),
  jointTerm(7, 'joint_pos_rel', 'jointPos', 'state', true),
  jointTerm(8, 'joint_vel', 'jointVel', 'state', false),
  jointTerm(9, 'joint_vel_rel', 'jointVel', 'state', false), // default joint velocity is 0
  actionTerm(10, 'actions'),
  actionTerm(11, 'last_action'),
  skill,
  ctxTerm(13, 'motion_phase', 'phase', 1, 0, 1),
  ctxTerm(14, 'velocity_commands', 'command', 3, 0, 3),
  ctxTerm(15, 'command_lin_vel', 'command', 3, 0, 2),
  ctxTerm(16, 'command_ang_vel', 'command', 3, 2, 1),
  ctxTerm(17, 'sin_phase', 'gaitPhase', 2, 0, 2, Math.sin),
  ctxTerm(18, 'cos_phase', 'gaitPhase', 2, 0, 2, Math.cos),
  gaitPhase,
];

/** Other names policies use for the same terms (deploy.yaml / BeyondMimic metadata). */
export const obsAliases: Readonly<Record<string, string>> = {
  motion_command: 'command',
  generated_commands: 'command',
  base_lin_vel_b: 'base_lin_vel',
  base_ang_vel_b: 'base_ang_vel',
  // HumanoidVerse / holosoma names
  ref_motion_phase: 'motion_phase',
  dof_pos: 'joint_pos_rel',
  dof_vel: 'joint_vel',
  motion_ref_ori_b: 'motion_anchor_ori_b',
};

/** Every term by name; aliases are keys too and map to the canonical term object (term.name = canonical). */
export const obsTerms: Record<string, ObsTermDef> = Object.fromEntries([
  ...canonical.map((t) => [t.name, t] as const),
  ...objectTerms.map((t) => [t.name, t] as const), // objects (ids 20-27; need ctx.objects)
  ...Object.entries(obsAliases).map(([a, t]) => [a, canonical.find((c) => c.name === t)!] as const),
]);

/** The canonical terms, one per id (ids 0..length-1). */
export const obsTermList: readonly ObsTermDef[] = canonical;

/** objects: the object terms (ids 20..27, after obsTermList), usable when the context has objects. */
export const objectTermList: readonly ObsTermDef[] = objectTerms;
