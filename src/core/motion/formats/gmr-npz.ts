/**
 * GMR clips saved as NPZ (the layout GentleHumanoid / humanoid-policy-viewer tooling reads): `fps`, `root_pos`
 * [T,3], `root_rot` [T,4] x,y,z,w, `dof_pos` [T,nj], optional `joint_names`, `body_names`, `local_body_pos`,
 * `local_body_rot` (bodies are recomputed by forward kinematics).
 */
import type { RobotModel } from '../../model/types';
import type { NpyArray } from '../npy';
import {
  baseName,
  checkFinite,
  checkJointOrder,
  columnNames,
  expectShape,
  pickFps,
  rootQuats,
  type FormatClip,
  type ReadOptions,
} from './common';
import { fail } from '../../errors';

export const isGmrNpz = (a: Map<string, NpyArray>): boolean => a.has('root_pos') && a.has('root_rot') && a.has('dof_pos');

export function parseGmrNpz(a: Map<string, NpyArray>, file: string, robot: RobotModel | undefined, opts: ReadOptions = {}): FormatClip {
  const notes: string[] = [],
    warnings: string[] = [];
  const pos = a.get('root_pos')!,
    rot = a.get('root_rot')!,
    dof = a.get('dof_pos')!;
  const n = pos.shape[0];
  if (!n) fail('MotionError', file, 'key root_pos', 'zero frames');
  expectShape(pos.shape, [n, 3], file, 'root_pos');
  expectShape(rot.shape, [n, 4], file, 'root_rot');
  expectShape(dof.shape, [n, undefined], file, 'dof_pos');
  const nj = dof.shape[1];
  checkFinite(pos.data, 3, file, 'key root_pos');
  checkFinite(rot.data, 4, file, 'key root_rot');
  checkFinite(dof.data, nj, file, 'key dof_pos');
  const fileNames = opts.jointNames ? undefined : a.get('joint_names')?.strings;
  const names = columnNames(
    nj,
    file,
    'key dof_pos',
    robot,
    fileNames ? { ...opts, jointNames: fileNames } : opts,
    'description',
    'GMR writes the MuJoCo qpos order',
    notes,
    warnings,
  );
  if (fileNames && robot) {
    const unknown = names.filter((j) => !robot.jointIndex.has(j));
    if (unknown.length) fail('MotionError', file, 'key joint_names', `the robot ${robot.name} has no joint ${unknown.join(', ')}`);
  }
  if (!fileNames) checkJointOrder(robot, names, dof.data, file, 'key dof_pos', opts, notes, warnings);
  const fps = pickFps(file, opts, a.get('fps')?.data[0], undefined, 'no fps value', notes);
  const rootQuat = rootQuats(rot.data, n, file, 'key root_rot', 'xyzw', opts, notes, warnings);
  return {
    name: baseName(file),
    fps,
    nFrames: n,
    jointNames: names,
    rootPos: Float32Array.from(pos.data),
    rootQuat,
    jointPos: Float32Array.from(dof.data),
    format: 'GMR NPZ',
    notes,
    warnings,
  };
}
