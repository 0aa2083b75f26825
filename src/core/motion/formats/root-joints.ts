/**
 * The clip shared by GMR (NPZ and pickle) and PHC / ASAP motion_lib files: root position [T,3], root quaternion
 * x,y,z,w [T,4] and joint columns [T,nj], joints named by the caller, the file's own list or the robot's
 * description order (checked against the joints' ranges). Each reader finds the arrays; this checks and builds.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import {
  baseName,
  checkFinite,
  checkShape,
  checkJointOrder,
  columnNames,
  pickFps,
  rootQuats,
  type FormatClip,
  type ReadOptions,
} from './common';

/** A numeric array: shape and numbers in row-major order. */
export interface Block {
  shape: number[];
  data: ArrayLike<number>;
}

export interface RootJointArrays {
  pos: Block;
  rot: Block;
  dof: Block;
  /** the keys of pos, rot and dof in the file */
  keys: { pos: string; rot: string; dof: string };
  /** where a key sits, for errors: e.g. `key root_pos`, `clip "walk" key dof` */
  at: (key: string) => string;
  /** joint names the file lists (undefined: none) */
  fileNames: string[] | undefined;
  /** the file's frame rate value, and why there is none when it is missing */
  fps: unknown;
  noFps: string;
  /** why the columns follow the description order when nothing names them */
  orderWhy: string;
  format: string;
  name?: string;
}

/** Joint names for the columns: the caller's, else the file's (each a joint of the robot), else by convention. */
function namesOf(
  a: RootJointArrays,
  nj: number,
  file: string,
  robot: RobotModel | undefined,
  opts: ReadOptions,
  notes: string[],
  warnings: string[],
): string[] {
  const fileNames = opts.jointNames ? undefined : a.fileNames;
  const named = fileNames ? { ...opts, jointNames: fileNames } : opts;
  const names = columnNames(nj, file, a.at(a.keys.dof), robot, named, 'description', a.orderWhy, notes, warnings);
  if (fileNames && robot) {
    const unknown = names.filter((j) => !robot.jointIndex.has(j));
    if (unknown.length) fail('MotionError', file, a.at('joint_names'), `the robot ${robot.name} has no joint ${unknown.join(', ')}`);
  }
  if (!fileNames) checkJointOrder(robot, names, a.dof.data, file, a.at(a.keys.dof), opts, notes, warnings);
  return names;
}

export function rootJointClip(a: RootJointArrays, file: string, robot: RobotModel | undefined, opts: ReadOptions): FormatClip {
  const notes: string[] = [],
    warnings: string[] = [];
  const { pos, rot, dof, keys, at } = a;
  const n = pos.shape[0];
  if (!n) fail('MotionError', file, at(keys.pos), 'zero frames');
  checkShape(pos.shape, [n, 3], file, at(keys.pos));
  checkShape(rot.shape, [n, 4], file, at(keys.rot));
  checkShape(dof.shape, [n, undefined], file, at(keys.dof));
  const nj = dof.shape[1];
  checkFinite(pos.data, 3, file, at(keys.pos));
  checkFinite(rot.data, 4, file, at(keys.rot));
  checkFinite(dof.data, nj, file, at(keys.dof));
  const jointNames = namesOf(a, nj, file, robot, opts, notes, warnings);
  const fps = pickFps(file, opts, a.fps, undefined, a.noFps, notes);
  const rootQuat = rootQuats(rot.data, n, file, at(keys.rot), 'xyzw', opts, notes, warnings);
  return {
    name: a.name ?? baseName(file),
    fps,
    nFrames: n,
    jointNames,
    rootPos: Float32Array.from(pos.data),
    rootQuat,
    jointPos: Float32Array.from(dof.data),
    format: a.format,
    notes,
    warnings,
  };
}
