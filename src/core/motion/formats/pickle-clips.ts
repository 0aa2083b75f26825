/**
 * Motion pickles: PHC / ASAP motion_lib files (a dict clip name → dict with `root_trans_offset` [T,3], `root_rot`
 * [T,4] x,y,z,w, `dof` [T,nj], `pose_aa`, `fps`, ...; often joblib-written) and GMR output (one clip: `fps`,
 * `root_pos` [T,3], `root_rot` [T,4] x,y,z,w, `dof_pos` [T,nj], `local_body_pos`, `link_body_list`).
 * Neither names its joints: the columns are the robot description's (MuJoCo qpos) order.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import type { FormatClip, ReadOptions } from './common';
import { rootJointClip } from './root-joints';
import { NdArray, PyObject, unpickle } from './pickle';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof NdArray) && !(v instanceof Uint8Array) && !(v instanceof PyObject);

function array(d: Dict, key: string, file: string, at: (key: string) => string): NdArray {
  const v = d[key];
  if (v instanceof NdArray) return v;
  if (v instanceof PyObject) return fail('MotionError', file, at(key), `is a ${v.type} object, not a numpy array (save it with .numpy())`);
  if (Array.isArray(v) && v.every((r) => Array.isArray(r))) {
    const rows = v as number[][];
    return new NdArray([rows.length, rows[0]?.length ?? 0], Float64Array.from(rows.flat().map(Number)), 'list');
  }
  return fail('MotionError', file, at(key), v === undefined ? 'missing' : 'not a numpy array');
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

function clipOf(d: Dict, name: string | undefined, file: string, L: Layout, robot: RobotModel | undefined, opts: ReadOptions): FormatClip {
  const where = name === undefined ? '' : `clip "${name}" `;
  const at = (k: string) => `${where}key ${k}`;
  const posKey = d[L.pos] === undefined && L === PHC && d.root_trans !== undefined ? 'root_trans' : L.pos;
  const pos = array(d, posKey, file, at),
    rot = array(d, L.rot, file, at),
    dof = array(d, L.dof, file, at);
  // a [T, nj, 1] joint block is read as [T, nj]
  const flatDof = dof.shape.length === 3 && dof.shape[2] === 1 ? new NdArray([dof.shape[0], dof.shape[1]], dof.data, dof.dtype) : dof;
  const listed = d.joint_names ?? d.dof_names;
  const fileNames = Array.isArray(listed) && listed.every((x) => typeof x === 'string') ? listed : undefined;
  const clip = rootJointClip(
    {
      pos,
      rot,
      dof: flatDof,
      keys: { pos: posKey, rot: L.rot, dof: L.dof },
      at,
      fileNames,
      fps: scalar(d.fps),
      noFps: `no "fps" in ${name === undefined ? 'the file' : `clip "${name}"`}`,
      orderWhy: `${L.format}s name no joints`,
      format: L.format,
      name,
    },
    file,
    robot,
    opts,
  );
  if (L === GMR && Array.isArray(d.link_body_list))
    clip.notes.push(`bodies (${d.link_body_list.length}) recomputed by forward kinematics, local_body_pos not used`);
  return clip;
}

const hasAll = (d: Dict, keys: string[]) => keys.every((k) => d[k] !== undefined);

/** Every clip of a motion pickle (PHC/ASAP: one per dict entry, named by its key; GMR: one, named by the file). */
export function parseMotionPickle(bytes: Uint8Array, file: string, robot: RobotModel | undefined, opts: ReadOptions = {}): FormatClip[] {
  const v = unpickle(bytes, file);
  if (!isDict(v)) return fail('MotionError', file, 'top level', 'expected a dict (clip name → clip, or one clip)');
  if (hasAll(v, ['root_pos', 'root_rot', 'dof_pos'])) return [clipOf(v, undefined, file, GMR, robot, opts)];
  if (hasAll(v, ['root_rot', 'dof']) && (v.root_trans_offset !== undefined || v.root_trans !== undefined)) {
    return [clipOf(v, undefined, file, PHC, robot, opts)];
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
  const out = clips.map(([name, c]) => clipOf(c as Dict, name, file, PHC, robot, opts));
  if (skipped) out[0].warnings.push(`${skipped} entries of the file are not clips and were skipped`);
  return out;
}
