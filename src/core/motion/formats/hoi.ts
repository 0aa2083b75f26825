/**
 * Human–object interaction references: clips that carry an object trajectory beside the humanoid's.
 *
 * SkillMimic BallPlay (wyhuai/SkillMimic, skillmimic/utils/motion_data_handler.py): one .pt tensor per clip,
 * [T, 337] float rows — root position 0:3, root rotation 3:6 (exponential map), joint rotations 9:165 (52 ball
 * joints × 3, exponential maps), body positions 165:324 (53 × 3), ball position 324:327, ball rotation 327:330
 * (exponential map, NEGATED in the file: the rotation is exp(−v)), contact label 336 (rounded to 0/1). The first
 * three characters of the file name are the skill class (e.g. "001"). Rows come here as numbers (a .pt read by
 * the pickle reader, or an NPY/CSV export of the same tensor).
 *
 * holosoma whole-body tracking NPZ: optional `object_pos_w` [T,3] and `object_quat_w` [T,4] (w,x,y,z).
 */
import { fail } from '../../errors';
import { qNormalize } from '../../math';
import type { NpyArray } from '../npy';
import type { ObjectTrack } from '../types';

export const SKILLMIMIC_COLUMNS = 337;
const COL = { rootPos: 0, rootRot: 3, dof: 9, nDof: 156, bodyPos: 165, nBody: 53, objPos: 324, objRot: 327, contact: 336 };

/** Quaternion [w,x,y,z] of an exponential map (axis · angle). */
export function expMapQuat(x: number, y: number, z: number): [number, number, number, number] {
  const a = Math.hypot(x, y, z);
  if (a < 1e-9) return [1, x / 2, y / 2, z / 2];
  const s = Math.sin(a / 2) / a;
  return qNormalize([Math.cos(a / 2), x * s, y * s, z * s]);
}

export interface SkillMimicClip {
  name: string;
  /** skill class from the file name's first three characters (NaN when they are not digits) */
  skill: number;
  nFrames: number;
  rootPos: Float32Array;
  rootQuat: Float32Array;
  /** 52 ball joints × 3 exponential-map values per frame, as in the file */
  jointExpMaps: Float32Array;
  bodyPos: Float32Array; // nFrames*53*3
  object: ObjectTrack;
}

/** Rows of a SkillMimic BallPlay tensor → humanoid root, joint rotations, body positions, ball track, contact. */
export function parseSkillMimicRows(rows: Float32Array | Float64Array, cols: number, file: string): SkillMimicClip {
  if (cols !== SKILLMIMIC_COLUMNS)
    fail('MotionError', file, 'columns', `SkillMimic BallPlay rows have ${SKILLMIMIC_COLUMNS} columns, got ${cols}`);
  const n = rows.length / cols;
  if (!Number.isInteger(n) || n < 1) fail('MotionError', file, 'rows', `${rows.length} values are not whole rows of ${cols}`);
  const bad = rows.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail('MotionError', file, `frame ${Math.floor(bad / cols)} column ${bad % cols}`, `non-finite value ${rows[bad]}`);
  const rootPos = new Float32Array(n * 3),
    rootQuat = new Float32Array(n * 4);
  const jointExpMaps = new Float32Array(n * COL.nDof),
    bodyPos = new Float32Array(n * COL.nBody * 3);
  const pos = new Float32Array(n * 3),
    quat = new Float32Array(n * 4),
    contact = new Float32Array(n);
  for (let f = 0; f < n; f++) {
    const r = (c: number) => rows[f * cols + c];
    for (let k = 0; k < 3; k++) {
      rootPos[f * 3 + k] = r(COL.rootPos + k);
      pos[f * 3 + k] = r(COL.objPos + k);
    }
    rootQuat.set(expMapQuat(r(3), r(4), r(5)), f * 4);
    // the file stores the ball's rotation negated (motion_data_handler: exp_map_to_quat(-hoi_data[:, 327:330]))
    quat.set(expMapQuat(-r(COL.objRot), -r(COL.objRot + 1), -r(COL.objRot + 2)), f * 4);
    for (let k = 0; k < COL.nDof; k++) jointExpMaps[f * COL.nDof + k] = r(COL.dof + k);
    for (let k = 0; k < COL.nBody * 3; k++) bodyPos[f * COL.nBody * 3 + k] = r(COL.bodyPos + k);
    contact[f] = Math.round(r(COL.contact)) > 0 ? 1 : 0;
  }
  const base = (file.split('/').pop() ?? file).replace(/\.[^.]*$/, '');
  return {
    name: base,
    skill: /^\d{3}/.test(base) ? Number(base.slice(0, 3)) : NaN,
    nFrames: n,
    rootPos,
    rootQuat,
    jointExpMaps,
    bodyPos,
    object: { name: 'ball', pos, quat, contact },
  };
}

/** holosoma's object arrays → a track (undefined when the file has none); shapes and quaternions checked. */
export function holosomaObjectTrack(arrays: Map<string, NpyArray>, file: string, n: number, notes: string[]): ObjectTrack | undefined {
  const p = arrays.get('object_pos_w'),
    q = arrays.get('object_quat_w');
  if (!p) return undefined;
  if (p.shape.join() !== `${n},3`) fail('MotionError', file, 'key object_pos_w', `shape [${p.shape.join(', ')}], expected [${n}, 3]`);
  if (q && q.shape.join() !== `${n},4`) fail('MotionError', file, 'key object_quat_w', `shape [${q.shape.join(', ')}], expected [${n}, 4]`);
  const quat = new Float32Array(n * 4);
  for (let f = 0; f < n; f++) {
    if (!q) {
      quat[f * 4] = 1;
      continue;
    }
    const v = q.data.subarray(f * 4, f * 4 + 4);
    const len = Math.hypot(v[0], v[1], v[2], v[3]);
    if (!(len > 0.5 && len < 1.5)) fail('MotionError', file, `key object_quat_w, frame ${f}`, `not a unit quaternion (|q| = ${len})`);
    for (let c = 0; c < 4; c++) quat[f * 4 + c] = v[c] / len;
  }
  const pos = Float32Array.from(p.data);
  const bad = pos.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail('MotionError', file, `key object_pos_w, frame ${Math.floor(bad / 3)}`, 'non-finite value');
  notes.push(`object track from object_pos_w${q ? ' / object_quat_w' : ' (no object_quat_w: identity rotation)'}`);
  return { name: 'object', pos, quat };
}
