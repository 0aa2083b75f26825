/**
 * holosoma whole-body-tracking motion NPZ: `fps`, `joint_names` [nj], `body_names` [nb], `joint_pos` [T, 7 + nj]
 * (pelvis x,y,z, w,x,y,z, then the joints), `joint_vel` [T, 6 + nj], `body_pos_w` [T,nb,3], `body_quat_w`
 * [T,nb,4] w,x,y,z, `body_lin_vel_w`, `body_ang_vel_w` [T,nb,3]; optional `object_pos_w` [T,3] + `object_quat_w`
 * [T,4] (w,x,y,z): the clip's object track (formats/hoi.ts).
 */
import { unzipChecked } from '../zip';
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import { checkQuat } from '../csv';
import { parseNpy, type NpyArray } from '../npy';
import { holosomaObjectTrack } from './hoi';
import { baseName, checkFinite, expectShape, pickFps, rootQuats, type FormatClip, type ReadOptions } from './common';

/** Every array of an .npz by name (the archive checked as motion/zip.ts does: sizes, CRCs). */
export function npzArrays(bytes: Uint8Array, file: string): Map<string, NpyArray> {
  const entries = unzipChecked(bytes, file);
  const out = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(entries)) out.set(name.replace(/\.npy$/, ''), parseNpy(data, file, name.replace(/\.npy$/, '')));
  return out;
}

/** True when the arrays look like holosoma's layout (joint_pos carries the 7 root columns before the joints). */
export function isHolosomaNpz(a: Map<string, NpyArray>): boolean {
  const names = a.get('joint_names')?.strings,
    jp = a.get('joint_pos');
  return !!names && !!jp && jp.shape.length === 2 && jp.shape[1] === names.length + 7;
}

export function parseHolosomaNpz(
  arrays: Map<string, NpyArray>,
  file: string,
  robot: RobotModel | undefined,
  opts: ReadOptions = {},
): FormatClip {
  const notes: string[] = [],
    warnings: string[] = [];
  const get = (k: string) => arrays.get(k) ?? fail('MotionError', file, `key ${k}`, 'missing from the .npz');
  const names = get('joint_names').strings ?? fail('MotionError', file, 'key joint_names', 'not a string array');
  const bodies = get('body_names').strings ?? fail('MotionError', file, 'key body_names', 'not a string array');
  const nj = names.length,
    nb = bodies.length;
  const jp = get('joint_pos');
  const n = jp.shape[0];
  if (!n) fail('MotionError', file, 'key joint_pos', 'zero frames');
  expectShape(jp.shape, [n, 7 + nj], file, 'joint_pos');
  const shapes: [string, number[]][] = [
    ['joint_vel', [n, 6 + nj]],
    ['body_pos_w', [n, nb, 3]],
    ['body_quat_w', [n, nb, 4]],
    ['body_lin_vel_w', [n, nb, 3]],
    ['body_ang_vel_w', [n, nb, 3]],
  ];
  for (const [k, s] of shapes) {
    expectShape(get(k).shape, s, file, k);
    checkFinite(get(k).data, s[s.length - 1], file, `key ${k}`);
  }
  checkFinite(jp.data, 7 + nj, file, 'key joint_pos');
  if (robot) {
    const unknown = names.filter((j) => !robot.jointIndex.has(j));
    if (unknown.length) fail('MotionError', file, 'key joint_names', `the robot ${robot.name} has no joint ${unknown.join(', ')}`);
  }
  const fps = pickFps(file, opts, get('fps').data[0], undefined, 'no fps value', notes);
  const rawQ = new Float64Array(n * 4),
    rootPos = new Float32Array(n * 3);
  const jointPos = new Float32Array(n * nj),
    jointVel = new Float32Array(n * nj);
  const jv = get('joint_vel').data;
  for (let f = 0; f < n; f++) {
    const row = jp.data.subarray(f * (7 + nj), (f + 1) * (7 + nj));
    rootPos.set(row.subarray(0, 3), f * 3);
    rawQ.set(row.subarray(3, 7), f * 4);
    jointPos.set(row.subarray(7), f * nj);
    jointVel.set(jv.subarray(f * (6 + nj) + 6, (f + 1) * (6 + nj)), f * nj);
  }
  const rootQuat = rootQuats(rawQ, n, file, 'key joint_pos (root quaternion)', 'wxyz', opts, notes, warnings);
  const bodyQuat = Float32Array.from(get('body_quat_w').data);
  for (let i = 0; i < n * nb; i++) checkQuat(bodyQuat, i * 4, file, `key body_quat_w, frame ${Math.floor(i / nb)}`);
  const objects = holosomaObjectTrack(arrays, file, n, notes); // objects
  notes.push('joints and bodies named by the file (joint_names, body_names); root from joint_pos[:, :7]');
  return {
    name: baseName(file),
    fps,
    nFrames: n,
    jointNames: [...names],
    rootPos,
    rootQuat,
    jointPos,
    jointVel,
    bodyNames: [...bodies],
    bodyPos: Float32Array.from(get('body_pos_w').data),
    bodyQuat,
    bodyLinVel: Float32Array.from(get('body_lin_vel_w').data),
    bodyAngVel: Float32Array.from(get('body_ang_vel_w').data),
    ...(objects ? { objects: [objects] } : {}),
    format: 'holosoma NPZ',
    notes,
    warnings,
  };
}
