/**
 * SONIC-style motion folder (GR00T whole-body-control deployment): one folder per clip with CSVs that each
 * start with a header row: `joint_pos.csv` / `joint_vel.csv` (rad, rad/s; IsaacLab joint order), `body_pos.csv`
 * (m, 3 columns per body) and `body_quat.csv` (w,x,y,z, 4 columns per body) with the root as column group 0,
 * and `metadata.txt` (`Body part indexes: [0 ...]`). 50 Hz.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import { baseName, checkJointOrder, columnNames, pickFps, rootQuats, type FormatClip, type ReadOptions } from './common';

export const SONIC_FPS = 50;
export const SONIC_FILES = ['joint_pos.csv', 'joint_vel.csv', 'body_pos.csv', 'body_quat.csv', 'metadata.txt'];

interface Table {
  cols: number;
  rows: number;
  data: Float64Array;
}

function readTable(text: string, file: string): Table {
  const lines = text.split(/\r?\n/);
  const values: number[] = [];
  let cols = -1,
    rows = 0;
  for (let i = 1; i < lines.length; i++) {
    // line 1 is the header
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',');
    if (cols < 0) cols = cells.length;
    if (cells.length !== cols) fail('ParseError', file, `line ${i + 1}`, `${cells.length} columns, line 2 has ${cols}`);
    for (let c = 0; c < cells.length; c++) {
      const v = Number(cells[c]);
      if (cells[c].trim() === '' || !Number.isFinite(v))
        fail('MotionError', file, `line ${i + 1}, column ${c + 1}`, `value "${cells[c].trim()}" is not a finite number`);
      values.push(v);
    }
    rows++;
  }
  if (!rows) fail('MotionError', file, 'line 2', 'no frames after the header row');
  return { cols, rows, data: Float64Array.from(values) };
}

/** Body part indexes from metadata.txt, or undefined when the file has none. */
export function sonicBodyIndexes(text: string, file: string): number[] {
  const m = /Body part indexes:\s*\[([^\]]*)\]/.exec(text);
  if (!m) return fail('ParseError', file, 'Body part indexes', 'metadata.txt has no "Body part indexes: [...]" line');
  return m[1]
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map(Number);
}

/** One clip from a SONIC folder: `files` maps file name (joint_pos.csv, ...) to its text. */
export function parseSonicFolder(
  files: Record<string, string>,
  folder: string,
  robot: RobotModel | undefined,
  opts: ReadOptions = {},
): FormatClip {
  const notes: string[] = [],
    warnings: string[] = [];
  const path = (f: string) => `${folder}/${f}`;
  if (files['joint_pos.csv'] === undefined) fail('MotionError', folder, 'joint_pos.csv', 'the folder has no joint_pos.csv');
  if (files['body_quat.csv'] === undefined)
    fail('MotionError', folder, 'body_quat.csv', 'the folder has no body_quat.csv: the root orientation is unknown');
  const jp = readTable(files['joint_pos.csv'], path('joint_pos.csv'));
  const bq = readTable(files['body_quat.csv'], path('body_quat.csv'));
  const n = jp.rows;
  const sameRows = (t: Table, f: string) => {
    if (t.rows !== n) fail('MotionError', path(f), 'frames', `${t.rows} frames, joint_pos.csv has ${n}`);
  };
  sameRows(bq, 'body_quat.csv');
  if (bq.cols % 4) fail('MotionError', path('body_quat.csv'), 'line 2', `${bq.cols} columns is not 4 per body`);
  if (files['metadata.txt'] !== undefined) {
    const idx = sonicBodyIndexes(files['metadata.txt'], path('metadata.txt'));
    if (idx[0] !== 0) fail('MotionError', path('metadata.txt'), 'Body part indexes', `column group 0 is body ${idx[0]}, not the root (0)`);
  } else warnings.push('no metadata.txt: column group 0 taken as the root');
  const names = columnNames(jp.cols, path('joint_pos.csv'), 'line 1', robot, opts, 'isaaclab', 'SONIC convention', notes, warnings);
  checkJointOrder(robot, names, jp.data, path('joint_pos.csv'), 'joint columns', opts, notes, warnings);
  const fps = pickFps(folder, opts, undefined, SONIC_FPS, 'SONIC reference motions are 50 Hz', notes);
  const rawQ = new Float64Array(n * 4);
  for (let f = 0; f < n; f++) rawQ.set(bq.data.subarray(f * bq.cols, f * bq.cols + 4), f * 4);
  const rootQuat = rootQuats(rawQ, n, path('body_quat.csv'), 'body 0', 'wxyz', opts, notes, warnings);
  const rootPos = new Float32Array(n * 3);
  if (files['body_pos.csv'] !== undefined) {
    const bp = readTable(files['body_pos.csv'], path('body_pos.csv'));
    sameRows(bp, 'body_pos.csv');
    if (bp.cols % 3) fail('MotionError', path('body_pos.csv'), 'line 2', `${bp.cols} columns is not 3 per body`);
    for (let f = 0; f < n; f++) rootPos.set(bp.data.subarray(f * bp.cols, f * bp.cols + 3), f * 3);
  } else warnings.push('no body_pos.csv: root position 0');
  let jointVel: Float32Array | undefined;
  if (files['joint_vel.csv'] !== undefined) {
    const jv = readTable(files['joint_vel.csv'], path('joint_vel.csv'));
    sameRows(jv, 'joint_vel.csv');
    if (jv.cols !== jp.cols) fail('MotionError', path('joint_vel.csv'), 'line 2', `${jv.cols} columns, joint_pos.csv has ${jp.cols}`);
    jointVel = Float32Array.from(jv.data);
  }
  notes.push('root = column group 0 of body_pos.csv / body_quat.csv; other bodies are recomputed by forward kinematics');
  return {
    name: baseName(folder),
    fps,
    nFrames: n,
    jointNames: names,
    rootPos,
    rootQuat,
    jointPos: Float32Array.from(jp.data),
    jointVel,
    format: 'SONIC folder',
    notes,
    warnings,
  };
}
