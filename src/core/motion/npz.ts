/**
 * BeyondMimic motion NPZ (whole_body_tracking csv_to_npz): `fps`, `joint_pos`, `joint_vel` [T, nj],
 * `body_pos_w`, `body_lin_vel_w`, `body_ang_vel_w` [T, nb, 3], `body_quat_w` [T, nb, 4] (w,x,y,z); root = body 0.
 * The BeyondMimic file carries no names: joint columns are then in the exporter's joint order (pass `jointNames`).
 * Optional `joint_names` / `body_names` string arrays (which writeMotionNpz adds) are the column order when present
 * and are checked against the passed names (the robot's): unknown or repeated names are a named error.
 * The archive's CRC-32s are verified (zip.ts).
 */
import { zipSync } from 'fflate';
import { fail } from '../errors';
import { checkClipSize, firstOutOfRange, LIMITS, nameList } from '../validate';
import { unzipChecked } from './zip';
import { checkFps, checkQuat, clipNameOf } from './csv';
import { parseNpy, writeNpy, writeNpyStrings, type NpyArray } from './npy';
import type { MotionClip } from './types';

const REQUIRED = ['fps', 'joint_pos', 'joint_vel', 'body_pos_w', 'body_quat_w', 'body_lin_vel_w', 'body_ang_vel_w'];

export function parseMotionNpz(bytes: Uint8Array, file: string, jointNames?: string[], bodyNames?: string[]): MotionClip {
  const entries = unzipChecked(bytes, file);
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(entries)) {
    const key = name.replace(/\.npy$/, '');
    arrays.set(key, parseNpy(data, file, key));
  }
  for (const key of REQUIRED) if (!arrays.has(key)) fail('ParseError', file, `key ${key}`, 'missing from the .npz');
  const get = (k: string) => arrays.get(k)!;
  const fpsArr = get('fps');
  if (fpsArr.data.length !== 1) fail('MotionError', file, 'key fps', `expected one value, got shape (${fpsArr.shape})`);
  const fps = checkFps(fpsArr.data[0], file);

  const jp = get('joint_pos');
  if (jp.shape.length !== 2) fail('MotionError', file, 'key joint_pos', `expected [T, nj], got shape (${jp.shape})`);
  const [n, nj] = jp.shape;
  if (n === 0) fail('MotionError', file, 'key joint_pos', 'zero frames');
  checkClipSize(n, nj, fps, { file, where: 'key joint_pos' });
  const names = namesOf(arrays.get('joint_names'), jointNames, file, 'joint_names', 'joint');
  if (!names) fail('MotionError', file, 'key joint_pos', "joint names unknown: pass the exporter's joint order");
  if (names!.length !== nj) fail('MotionError', file, 'key joint_pos', `${nj} columns but ${names!.length} joint names`);
  const expectShape = (key: string, shape: number[]) => {
    const s = get(key).shape;
    if (s.length !== shape.length || s.some((v, i) => v !== shape[i])) {
      fail('MotionError', file, `key ${key}`, `shape (${s}) does not match (${shape}) implied by joint_pos/body_pos_w`);
    }
  };
  expectShape('joint_vel', [n, nj]);
  const bp = get('body_pos_w');
  if (bp.shape.length !== 3 || bp.shape[2] !== 3 || bp.shape[0] !== n || bp.shape[1] < 1) {
    fail('MotionError', file, 'key body_pos_w', `shape (${bp.shape}) is not [${n}, nb, 3]`);
  }
  const nb = bp.shape[1];
  expectShape('body_quat_w', [n, nb, 4]);
  expectShape('body_lin_vel_w', [n, nb, 3]);
  expectShape('body_ang_vel_w', [n, nb, 3]);
  // body names are not checked against the robot: bodies are recomputed by forward kinematics
  const bnames = arrays.has('body_names') ? namesOf(arrays.get('body_names'), undefined, file, 'body_names', 'body') : bodyNames;
  if (bnames && bnames.length !== nb) fail('MotionError', file, 'key body_pos_w', `${nb} bodies but ${bnames.length} body names`);
  for (const key of REQUIRED.slice(1)) {
    const max = key === 'body_pos_w' ? LIMITS.maxClipPosition : key === 'joint_pos' ? LIMITS.maxClipJoint : 1e6;
    const bad = firstOutOfRange(get(key).data, max);
    if (bad >= 0) fail('MotionError', file, `key ${key}`, `value ${bad} (${get(key).data[bad]}) is not finite or beyond ±${max}`);
  }
  const bodyQuat = Float32Array.from(get('body_quat_w').data);
  for (let i = 0; i < n * nb; i++) checkQuat(bodyQuat, i * 4, file, `key body_quat_w, frame ${Math.floor(i / nb)}`);
  const bodyPos = Float32Array.from(bp.data);
  const rootPos = new Float32Array(n * 3);
  const rootQuat = new Float32Array(n * 4);
  for (let f = 0; f < n; f++) {
    rootPos.set(bodyPos.subarray(f * nb * 3, f * nb * 3 + 3), f * 3);
    rootQuat.set(bodyQuat.subarray(f * nb * 4, f * nb * 4 + 4), f * 4);
  }
  return {
    name: clipNameOf(file),
    fps,
    nFrames: n,
    jointNames: [...names!],
    rootPos,
    rootQuat,
    jointPos: Float32Array.from(jp.data),
    jointVel: Float32Array.from(get('joint_vel').data),
    bodyNames: bnames ? [...bnames] : undefined,
    bodyPos,
    bodyQuat,
    bodyLinVel: Float32Array.from(get('body_lin_vel_w').data),
    bodyAngVel: Float32Array.from(get('body_ang_vel_w').data),
  };
}

/**
 * The names stored in the file (`joint_names` / `body_names`) win: they are the column order, mapped to the robot
 * by name. `known` (the robot's names, or the exporter order when the file has none) is the fallback and the
 * check: stored names it lacks, or repeated names, are a named error listing them.
 */
function namesOf(arr: NpyArray | undefined, known: string[] | undefined, file: string, key: string, what: string): string[] | undefined {
  if (!arr) return known;
  const names = arr.strings;
  if (!names) return fail('MotionError', file, `key ${key}`, 'expected an array of strings');
  const twice = [...new Set(names.filter((n, k) => names.indexOf(n) !== k))];
  if (twice.length) fail('MotionError', file, `key ${key}`, `${what} names listed twice: ${nameList(twice)}`);
  const unknown = known ? names.filter((n) => !known.includes(n)) : [];
  if (unknown.length) fail('MotionError', file, `key ${key}`, `${unknown.length} ${what} name(s) the robot lacks: ${nameList(unknown)}`);
  return names;
}

export interface NpzWriteOptions {
  /** column order of joint_pos / joint_vel (default: the clip's) */
  jointNames?: string[];
  /** deflate entries (np.savez_compressed) instead of storing them (np.savez); default false */
  compress?: boolean;
  /** add `joint_names` / `body_names` string arrays (default true) */
  names?: boolean;
}

/**
 * Write a clip as BeyondMimic NPZ. The clip must carry velocities and body poses; for a plain clip (CSV, BVH,
 * built-in) write `new ReferenceTrack(model, clip, 1 / clip.fps).toClip()` (forward kinematics, every body).
 */
export function writeMotionNpz(clip: MotionClip, opts: NpzWriteOptions = {}): Uint8Array {
  const c = clip;
  if (!c.bodyPos || !c.bodyQuat || !c.jointVel || !c.bodyLinVel || !c.bodyAngVel) {
    fail('MotionError', clip.name, 'body_pos_w', 'clip has no body poses/velocities: write ReferenceTrack.toClip() instead');
  }
  const order = opts.jointNames ?? c.jointNames;
  const n = c.nFrames;
  const nj = order.length;
  const src = order.map((name) => {
    const j = c.jointNames.indexOf(name);
    if (j < 0) fail('MotionError', clip.name, `joint ${name}`, 'joint is not in the clip');
    return j;
  });
  const pick = (a: Float32Array) => {
    const out = new Float32Array(n * nj);
    for (let f = 0; f < n; f++) for (let j = 0; j < nj; j++) out[f * nj + j] = a[f * c.jointNames.length + src[j]];
    return out;
  };
  const nb = c.bodyPos!.length / (n * 3);
  const level = opts.compress ? 6 : 0;
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {
    'fps.npy': [writeNpy(Int32Array.of(Math.round(c.fps)), [1]), { level }],
    'joint_pos.npy': [writeNpy(pick(c.jointPos), [n, nj]), { level }],
    'joint_vel.npy': [writeNpy(pick(c.jointVel!), [n, nj]), { level }],
    'body_pos_w.npy': [writeNpy(c.bodyPos!, [n, nb, 3]), { level }],
    'body_quat_w.npy': [writeNpy(c.bodyQuat!, [n, nb, 4]), { level }],
    'body_lin_vel_w.npy': [writeNpy(c.bodyLinVel!, [n, nb, 3]), { level }],
    'body_ang_vel_w.npy': [writeNpy(c.bodyAngVel!, [n, nb, 3]), { level }],
  };
  if (opts.names !== false) {
    files['joint_names.npy'] = [writeNpyStrings(order), { level }];
    if (c.bodyNames) files['body_names.npy'] = [writeNpyStrings(c.bodyNames), { level }];
  }
  return zipSync(files);
}
