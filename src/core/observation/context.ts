/** Allocation of an ObsContext for a robot model, joints and the anchor body matched BY NAME. */
import { MimicError } from '../errors';
import type { RobotModel } from '../model/types';
import { createBatchState, type BatchState } from '../physics/types';
import type { ObsContext } from './types';

/**
 * Allocate an ObsContext over n envs. `state` is a fresh BatchState too: pass an engine's state as
 * `state` to observe it (the reference is filled by the caller each step). Missing joints or anchor →
 * PolicyError naming them.
 */
export function createObsContext(
  model: RobotModel,
  n: number,
  policyJointNames: string[],
  defaultJointPos: ArrayLike<number>,
  anchorBodyName: string,
  nSkills = 0,
  state?: BatchState,
): ObsContext {
  const nj = model.joints.length,
    nb = model.bodies.length;
  const missing = policyJointNames.filter((j) => !model.jointIndex.has(j));
  if (missing.length) {
    throw new MimicError(
      'PolicyError',
      model.source.file,
      `joints ${missing.join(', ')}`,
      `policy joints not in robot "${model.name}" (robot has ${[...model.jointIndex.keys()].join(', ')})`,
    );
  }
  const anchorBody = model.bodyIndex.get(anchorBodyName);
  if (anchorBody === undefined) {
    throw new MimicError(
      'PolicyError',
      model.source.file,
      `body ${anchorBodyName}`,
      `anchor body not in robot "${model.name}" (bodies: ${[...model.bodyIndex.keys()].join(', ')})`,
    );
  }
  if (defaultJointPos.length !== policyJointNames.length) {
    throw new MimicError(
      'PolicyError',
      model.source.file,
      'default_joint_pos',
      `${defaultJointPos.length} default positions for ${policyJointNames.length} policy joints`,
    );
  }
  if (state && (state.n !== n || state.nj !== nj || state.nb !== nb)) {
    throw new MimicError(
      'PolicyError',
      model.source.file,
      'state',
      `state is ${state.n}×${state.nj} joints×${state.nb} bodies, expected ${n}×${nj}×${nb}`,
    );
  }
  return {
    n,
    state: state ?? createBatchState(n, nj, nb),
    ref: createBatchState(n, nj, nb),
    policyJoints: Int32Array.from(policyJointNames, (j) => model.jointIndex.get(j)!),
    defaultJointPos: Float32Array.from(defaultJointPos),
    lastAction: new Float32Array(n * policyJointNames.length),
    anchorBody,
    skill: new Float32Array(n * nSkills),
    nSkills,
    phase: new Float32Array(n),
    command: new Float32Array(n * 3),
    gaitPhase: gaitStart(n),
  };
}

/** holosoma's gait clock at start: left foot at 0, right foot at π. */
export function gaitStart(n: number): Float32Array {
  const g = new Float32Array(n * 2);
  for (let e = 0; e < n; e++) g[e * 2 + 1] = Math.PI;
  return g;
}

/**
 * Advance the gait clock of every env by one control step (holosoma locomotion): each phase += 2π·dt/period,
 * wrapped to [-π, π); an env whose command is ~0 stands (both phases π) and restarts from (0, π) when it moves.
 */
export function advanceGaitPhase(ctx: ObsContext, dt: number, period = 1): void {
  const dphi = (2 * Math.PI * dt) / period;
  for (let e = 0; e < ctx.n; e++) {
    const c = ctx.command,
      g = ctx.gaitPhase;
    const still = Math.hypot(c[e * 3], c[e * 3 + 1]) < 0.01 && Math.abs(c[e * 3 + 2]) < 0.01;
    if (still) {
      g[e * 2] = Math.PI;
      g[e * 2 + 1] = Math.PI;
      continue;
    }
    if (g[e * 2] === Math.fround(Math.PI) && g[e * 2 + 1] === Math.fround(Math.PI)) {
      g[e * 2] = 0; // was standing: start walking from (0, π)
      continue;
    }
    for (let k = 0; k < 2; k++) {
      const x = g[e * 2 + k] + dphi + Math.PI;
      g[e * 2 + k] = x - 2 * Math.PI * Math.floor(x / (2 * Math.PI)) - Math.PI;
    }
  }
}
