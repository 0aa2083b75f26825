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
  model: RobotModel, n: number, policyJointNames: string[], defaultJointPos: ArrayLike<number>,
  anchorBodyName: string, nSkills = 0, state?: BatchState,
): ObsContext {
  const nj = model.joints.length, nb = model.bodies.length;
  const missing = policyJointNames.filter((j) => !model.jointIndex.has(j));
  if (missing.length) {
    throw new MimicError('PolicyError', model.source.file, `joints ${missing.join(', ')}`,
      `policy joints not in robot "${model.name}" (robot has ${[...model.jointIndex.keys()].join(', ')})`);
  }
  const anchorBody = model.bodyIndex.get(anchorBodyName);
  if (anchorBody === undefined) {
    throw new MimicError('PolicyError', model.source.file, `body ${anchorBodyName}`,
      `anchor body not in robot "${model.name}" (bodies: ${[...model.bodyIndex.keys()].join(', ')})`);
  }
  if (defaultJointPos.length !== policyJointNames.length) {
    throw new MimicError('PolicyError', model.source.file, 'default_joint_pos',
      `${defaultJointPos.length} default positions for ${policyJointNames.length} policy joints`);
  }
  if (state && (state.n !== n || state.nj !== nj || state.nb !== nb)) {
    throw new MimicError('PolicyError', model.source.file, 'state',
      `state is ${state.n}×${state.nj} joints×${state.nb} bodies, expected ${n}×${nj}×${nb}`);
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
  };
}
