/**
 * Motion pickles: PHC / ASAP motion_lib files (a dict clip name → dict with `root_trans_offset` [T,3], `root_rot`
 * [T,4] x,y,z,w, `dof` [T,nj], `pose_aa`, `fps`, ...; often joblib-written) and GMR output (one clip: `fps`,
 * `root_pos` [T,3], `root_rot` [T,4] x,y,z,w, `dof_pos` [T,nj], `local_body_pos`, `link_body_list`).
 * Neither names its joints: the columns are the robot description's (MuJoCo qpos) order.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
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
import { NdArray, PyObject, unpickle } from './pickle';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof NdArray) && !(v instanceof Uint8Array) && !(v instanceof PyObject);

function array(d: Dict, key: string, file: string, where: string): NdArray {
  const v = d[key];
  if (v instanceof NdArray) return v;
  if (v instanceof PyObject)
    return fail('MotionError', file, `${where}${key}`, `is a ${v.type} object, not a numpy array (save it with .numpy())`);
  if (Array.isArray(v) && v.every((r) => Array.isArray(r))) {
    const rows = v as number[][];
    return new NdArray([rows.length, rows[0]?.length ?? 0], Float64Array.from(rows.flat().map(Number)), 'list');
  }
  return fail('MotionError', file, `${where}${key}`, v === undefined ? 'missing' : 'not a numpy array');
}

const scalar = (v: unknown): unknown => (v instanceof NdArray ? v.data[0] : v);

interface Layout {
  format: string;
  pos: string;
  rot: string;
  dof: string;
  dflt?: number;
}
const PHC: Layout = { format: 'PHC/ASAP motion_lib pickle', pos: 'root_trans_offset', rot: 'root_rot', dof: 'dof' };
const GMR: Layout = { format: 'GMR pickle', pos: 'root_pos', rot: 'root_rot', dof: 'dof_pos' };

function clipOf(
  d: Dict,
  name: string,
  file: string,
  where: string,
  L: Layout,
  robot: RobotModel | undefined,
  opts: ReadOptions,
): FormatClip {
  const notes: string[] = [],
    warnings: string[] = [];
  const pos = array(d, d[L.pos] === undefined && L === PHC && d.root_trans !== undefined ? 'root_trans' : L.pos, file, where);
  const rot = array(d, L.rot, file, where);
  const dof = array(d, L.dof, file, where);
  const n = pos.shape[0];
  if (!n) fail('MotionError', file, `${where}${L.pos}`, 'zero frames');
  expectShape(pos.shape, [n, 3], file, `${where}${L.pos}`);
  expectShape(rot.shape, [n, 4], file, `${where}${L.rot}`);
  const flatDof = dof.shape.length === 3 && dof.shape[2] === 1 ? new NdArray([dof.shape[0], dof.shape[1]], dof.data, dof.dtype) : dof;
  expectShape(flatDof.shape, [n, undefined], file, `${where}${L.dof}`);
  checkFinite(pos.data, 3, file, `${where}${L.pos}`);
  checkFinite(flatDof.data, flatDof.shape[1], file, `${where}${L.dof}`);
  checkFinite(rot.data, 4, file, `${where}${L.rot}`);
  const listed = d.joint_names ?? d.dof_names;
  const fileNames = Array.isArray(listed) && listed.every((x) => typeof x === 'string') ? listed : undefined;
  // the caller's names first, else the file's own list, else the robot's description order
  const named = { ...opts, jointNames: opts.jointNames ?? fileNames };
  const names = columnNames(
    flatDof.shape[1],
    file,
    `${where}${L.dof}`,
    robot,
    named,
    'description',
    `${L.format}s name no joints`,
    notes,
    warnings,
  );
  if (fileNames && robot) {
    const unknown = names.filter((j) => !robot.jointIndex.has(j));
    if (unknown.length) fail('MotionError', file, `${where}joint_names`, `the robot ${robot.name} has no joint ${unknown.join(', ')}`);
  }
  if (!fileNames) checkJointOrder(robot, names, flatDof.data, file, `${where}${L.dof}`, opts, notes, warnings);
  const fps = pickFps(file, opts, scalar(d.fps), undefined, `no "fps" in ${where || 'the file'}`, notes);
  const rootQuat = rootQuats(rot.data, n, file, `${where}${L.rot}`, 'xyzw', opts, notes, warnings);
  if (L === GMR && Array.isArray(d.link_body_list))
    notes.push(`bodies (${d.link_body_list.length}) recomputed by forward kinematics, local_body_pos not used`);
  return {
    name,
    fps,
    nFrames: n,
    jointNames: names,
    rootPos: Float32Array.from(pos.data),
    rootQuat,
    jointPos: Float32Array.from(flatDof.data),
    format: L.format,
    notes,
    warnings,
  };
}

const hasAll = (d: Dict, keys: string[]) => keys.every((k) => d[k] !== undefined);

/** Every clip of a motion pickle (PHC/ASAP: one per dict entry, named by its key; GMR: one, named by the file). */
export function parseMotionPickle(bytes: Uint8Array, file: string, robot: RobotModel | undefined, opts: ReadOptions = {}): FormatClip[] {
  const v = unpickle(bytes, file);
  if (!isDict(v)) return fail('MotionError', file, 'top level', 'expected a dict (clip name → clip, or one clip)');
  if (hasAll(v, ['root_pos', 'root_rot', 'dof_pos'])) return [clipOf(v, baseName(file), file, '', GMR, robot, opts)];
  if (hasAll(v, ['root_rot', 'dof']) && (v.root_trans_offset !== undefined || v.root_trans !== undefined)) {
    return [clipOf(v, baseName(file), file, '', PHC, robot, opts)];
  }
  const clips = Object.entries(v).filter(([, c]) => isDict(c) && hasAll(c, ['root_rot', 'dof']));
  if (!clips.length) {
    return fail(
      'MotionError',
      file,
      'top level',
      `neither a GMR clip (fps, root_pos, root_rot, dof_pos) nor PHC clips (root_trans_offset, root_rot, dof); found keys: ${Object.keys(v).slice(0, 12).join(', ')}`,
    );
  }
  const skipped = Object.keys(v).length - clips.length;
  const out = clips.map(([name, c]) => clipOf(c as Dict, name, file, `clip "${name}" key `, PHC, robot, opts));
  if (skipped) out[0].warnings.push(`${skipped} entries of the file are not clips and were skipped`);
  return out;
}
