/**
 * GMR clips saved as NPZ (the layout GentleHumanoid / humanoid-policy-viewer tooling reads): `fps`, `root_pos`
 * [T,3], `root_rot` [T,4] x,y,z,w, `dof_pos` [T,nj], optional `joint_names`, `body_names`, `local_body_pos`,
 * `local_body_rot` (bodies are recomputed by forward kinematics).
 */
import type { RobotModel } from '../../model/types';
import type { NpyArray } from '../npy';
import type { FormatClip, ReadOptions } from './common';
import { rootJointClip } from './root-joints';

export const isGmrNpz = (a: Map<string, NpyArray>): boolean => a.has('root_pos') && a.has('root_rot') && a.has('dof_pos');

export function parseGmrNpz(a: Map<string, NpyArray>, file: string, robot: RobotModel | undefined, opts: ReadOptions = {}): FormatClip {
  const arrays = { pos: a.get('root_pos')!, rot: a.get('root_rot')!, dof: a.get('dof_pos')! };
  const keys = { pos: 'root_pos', rot: 'root_rot', dof: 'dof_pos' };
  const fps = a.get('fps')?.data[0];
  const fileNames = a.get('joint_names')?.strings;
  const [orderWhy, format] = ['GMR writes the MuJoCo qpos order', 'GMR NPZ'];
  return rootJointClip(
    { ...arrays, keys, at: (k) => `key ${k}`, fileNames, fps, noFps: 'no fps value', orderWhy, format },
    file,
    robot,
    opts,
  );
}
