/**
 * humanoid-policy-viewer tracking clip (JSON): `joint_pos` (or `jointPos`) [T][nj] rad, `root_pos` (`rootPos`)
 * [T][3] m, `root_quat` (`rootQuat`) [T][4] w,x,y,z. The clip names no joints (the viewer's policy config holds
 * `dataset_joint_names`) and no rate (the viewer plays at 50 Hz): optional `joint_names` and `fps` are read.
 */
import { fail } from '../../errors';
import { parseJson } from '../../validate';
import type { RobotModel } from '../../model/types';
import type { MotionClip } from '../types';
import { baseName, checkFinite, checkJointOrder, columnNames, pickFps, rootQuats, type FormatClip, type ReadOptions } from './common';

export const VIEWER_FPS = 50;

function matrix(v: unknown, cols: number | undefined, file: string, key: string): { rows: number; cols: number; data: Float64Array } {
  if (!Array.isArray(v) || !v.length) return fail('MotionError', file, `key ${key}`, 'expected a non-empty list of frames');
  const c = cols ?? (Array.isArray(v[0]) ? v[0].length : -1);
  const data = new Float64Array(v.length * c);
  v.forEach((row, f) => {
    if (!Array.isArray(row) || row.length !== c) fail('MotionError', file, `key ${key}, frame ${f}`, `expected ${c} numbers`);
    (row as unknown[]).forEach((x, k) => {
      if (typeof x !== 'number' || !Number.isFinite(x))
        fail('MotionError', file, `key ${key}, frame ${f}, column ${k}`, `value ${JSON.stringify(x)} is not a finite number`);
      data[f * c + k] = x as number;
    });
  });
  return { rows: v.length, cols: c, data };
}

export function parseViewerJson(text: string, file: string, robot: RobotModel | undefined, opts: ReadOptions = {}): FormatClip {
  const notes: string[] = [],
    warnings: string[] = [];
  const doc = parseJson(text, file, 'JSON') as Record<string, unknown>;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    return fail('ParseError', file, 'JSON', 'expected an object with joint_pos, root_pos, root_quat');
  const key = (a: string, b: string) => (doc[a] !== undefined ? a : b);
  for (const [a, b] of [
    ['joint_pos', 'jointPos'],
    ['root_pos', 'rootPos'],
    ['root_quat', 'rootQuat'],
  ]) {
    if (doc[a] === undefined && doc[b] === undefined)
      fail('MotionError', file, `key ${a}`, `missing (found keys: ${Object.keys(doc).join(', ')})`);
  }
  const jp = matrix(doc[key('joint_pos', 'jointPos')], undefined, file, 'joint_pos');
  const rp = matrix(doc[key('root_pos', 'rootPos')], 3, file, 'root_pos');
  const rq = matrix(doc[key('root_quat', 'rootQuat')], 4, file, 'root_quat');
  if (rp.rows !== jp.rows || rq.rows !== jp.rows)
    fail('MotionError', file, 'key root_pos', `frame counts differ: joint_pos ${jp.rows}, root_pos ${rp.rows}, root_quat ${rq.rows}`);
  const fileNames = doc.joint_names ?? doc.jointNames;
  // the caller's names first, else the file's own list, else the robot's description order
  const named = { ...opts, jointNames: opts.jointNames ?? (Array.isArray(fileNames) ? fileNames.map(String) : undefined) };
  const why = "the viewer's G1 dataset order is the description order";
  const names = columnNames(jp.cols, file, 'key joint_pos', robot, named, 'description', why, notes, warnings);
  if (!Array.isArray(fileNames)) checkJointOrder(robot, names, jp.data, file, 'key joint_pos', opts, notes, warnings);
  const fps = pickFps(file, opts, doc.fps, VIEWER_FPS, 'the viewer plays clips at 50 Hz', notes);
  const rootQuat = rootQuats(rq.data, jp.rows, file, 'key root_quat', 'wxyz', opts, notes, warnings);
  checkFinite(rp.data, 3, file, 'key root_pos');
  return {
    name: baseName(file),
    fps,
    nFrames: jp.rows,
    jointNames: names,
    rootPos: Float32Array.from(rp.data),
    rootQuat,
    jointPos: Float32Array.from(jp.data),
    format: 'humanoid-policy-viewer JSON',
    notes,
    warnings,
  };
}

/** Write a clip as a viewer JSON clip (joint_pos in `jointNames` order, root_quat w,x,y,z, plus joint_names and fps). */
export function writeViewerJson(clip: MotionClip, jointNames: string[] = clip.jointNames): string {
  const nj = clip.jointNames.length;
  const src = jointNames.map((n) => {
    const j = clip.jointNames.indexOf(n);
    if (j < 0) fail('MotionError', clip.name, `joint ${n}`, 'joint is not in the clip');
    return j;
  });
  const rows = <T>(f: (k: number) => T) => Array.from({ length: clip.nFrames }, (_, k) => f(k));
  return JSON.stringify({
    fps: clip.fps,
    joint_names: jointNames,
    joint_pos: rows((k) => src.map((j) => clip.jointPos[k * nj + j])),
    root_pos: rows((k) => Array.from(clip.rootPos.subarray(k * 3, k * 3 + 3))),
    root_quat: rows((k) => Array.from(clip.rootQuat.subarray(k * 4, k * 4 + 4))),
  });
}
