/**
 * Seeded random observation contexts shared by the CPU unit tests, the Dawn (Node) test, the Chromium
 * page and the benchmark. No fs here: the page imports it too.
 */
import { rng } from '../../src/core/math';
import { createBatchState, type BatchState } from '../../src/core/physics/types';
import { obsTerms } from '../../src/core/observation/terms';
import type { ObsContext } from '../../src/core/observation/types';

/** unitree_rl_lab G1 29-DoF joint_ids_map (policy joint i → description joint index). */
export const G1_POLICY_JOINTS = [0, 6, 12, 1, 7, 13, 2, 8, 14, 3, 9, 15, 22, 4, 10, 16, 23, 5, 11, 17, 24, 18, 25, 19, 26, 20, 27, 21, 28];

export interface Sizes {
  nj: number;
  nb: number;
  anchorBody: number;
  policyJoints: number[];
  nSkills: number;
}

/** G1 sizes without the model: 29 joints, 30 bodies, torso_link = body 15 in the MJCF's depth-first order. */
export const G1_SIZES: Sizes = { nj: 29, nb: 30, anchorBody: 15, policyJoints: G1_POLICY_JOINTS, nSkills: 64 };

function unitQuat(r: () => number, a: Float32Array, o: number): void {
  const q = [r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5];
  const n = Math.hypot(q[0], q[1], q[2], q[3]) || 1;
  for (let i = 0; i < 4; i++) a[o + i] = q[i] / n;
}

/** Random pose, velocities, bodies for every env of s (values in realistic ranges). */
export function randomizeState(s: BatchState, r: () => number): void {
  const u = (a: number) => (r() * 2 - 1) * a;
  // one frame k of (pos, linVel, angVel, quat) arrays: position ±3 m, velocity ±3 m/s, angular velocity ±5 rad/s
  const frame = (pos: Float32Array, lin: Float32Array, ang: Float32Array, quat: Float32Array, k: number) => {
    for (let i = 0; i < 3; i++) {
      pos[k * 3 + i] = u(3);
      lin[k * 3 + i] = u(3);
      ang[k * 3 + i] = u(5);
    }
    unitQuat(r, quat, k * 4);
  };
  for (let e = 0; e < s.n; e++) {
    frame(s.rootPos, s.rootLinVel, s.rootAngVel, s.rootQuat, e);
    for (let j = 0; j < s.nj; j++) {
      s.jointPos[e * s.nj + j] = u(2.5);
      s.jointVel[e * s.nj + j] = u(15);
    }
    for (let b = 0; b < s.nb; b++) frame(s.bodyPos, s.bodyLinVel, s.bodyAngVel, s.bodyQuat, e * s.nb + b);
  }
  // body 0 is the root: keep the two views consistent
  for (let e = 0; e < s.n; e++) {
    const k = e * s.nb;
    s.bodyPos.set(s.rootPos.subarray(e * 3, e * 3 + 3), k * 3);
    s.bodyQuat.set(s.rootQuat.subarray(e * 4, e * 4 + 4), k * 4);
  }
}

/** Randomise state, reference, last action and the skill one-hot of ctx. */
export function randomizeContext(ctx: ObsContext, r: () => number): void {
  randomizeState(ctx.state, r);
  randomizeState(ctx.ref, r);
  for (let i = 0; i < ctx.lastAction.length; i++) ctx.lastAction[i] = (r() * 2 - 1) * 3;
  ctx.skill.fill(0);
  for (let e = 0; e < ctx.n && ctx.nSkills > 0; e++) ctx.skill[e * ctx.nSkills + Math.floor(r() * ctx.nSkills)] = 1;
  for (let e = 0; e < ctx.n; e++) ctx.phase[e] = r();
  for (let i = 0; i < ctx.command.length; i++) ctx.command[i] = (r() * 2 - 1) * 1.5;
  for (let i = 0; i < ctx.gaitPhase.length; i++) ctx.gaitPhase[i] = (r() * 2 - 1) * Math.PI;
}

/** A context with synthetic sizes (defaults: the G1's) filled with seeded random values. */
export function makeContext(n: number, seed: number, sizes: Sizes = G1_SIZES): ObsContext {
  const r = rng(seed);
  const na = sizes.policyJoints.length;
  const ctx: ObsContext = {
    n,
    state: createBatchState(n, sizes.nj, sizes.nb),
    ref: createBatchState(n, sizes.nj, sizes.nb),
    policyJoints: Int32Array.from(sizes.policyJoints),
    defaultJointPos: Float32Array.from({ length: na }, () => (r() * 2 - 1) * 0.7),
    lastAction: new Float32Array(n * na),
    anchorBody: sizes.anchorBody,
    skill: new Float32Array(n * sizes.nSkills),
    nSkills: sizes.nSkills,
    phase: new Float32Array(n),
    command: new Float32Array(n * 3),
    gaitPhase: new Float32Array(n * 2),
  };
  randomizeContext(ctx, r);
  return ctx;
}

/** One observation term computed on the CPU for env e. */
export function cpuTerm(name: string, ctx: ObsContext, e: number): Float32Array {
  const t = obsTerms[name];
  const out = new Float32Array(t.dim(ctx));
  t.cpu(ctx, e, out, 0);
  return out;
}
