/**
 * Motion CSV (unitree_rl_lab / BeyondMimic input format): one row per frame,
 * root position x,y,z (m, z up), root quaternion x,y,z,w, then joint angles (rad) in the robot description's order.
 */
import { fail } from '../errors';
import { checkClipSize, checkRate, LIMITS, nameList } from '../validate';
import type { MotionClip } from './types';

/** |q| may drift by this much before it is an error (smaller drift is normalised). */
export const QUAT_TOLERANCE = 0.01;

export const clipNameOf = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.(csv|npz|bvh)$/i, '');

/** Frame rate from a file name like `..._60hz.csv`, or undefined. */
export function fpsFromFileName(file: string): number | undefined {
  const m = /[_\-.](\d+(?:\.\d+)?)\s*hz/i.exec(file.split(/[\\/]/).pop() ?? file);
  return m ? Number(m[1]) : undefined;
}

/** Normalise a [w,x,y,z] quaternion in place; MotionError when it is zero or non-unit beyond the tolerance. */
export function checkQuat(q: Float32Array | number[], o: number, file: string, where: string): void {
  const n = Math.hypot(q[o], q[o + 1], q[o + 2], q[o + 3]);
  if (!Number.isFinite(n) || n < 1e-9) fail('MotionError', file, where, 'root quaternion is zero or not finite');
  if (Math.abs(n - 1) > QUAT_TOLERANCE) {
    fail('MotionError', file, where, `root quaternion is not unit (norm ${n.toFixed(4)}, tolerance ${QUAT_TOLERANCE})`);
  }
  for (let k = 0; k < 4; k++) q[o + k] /= n;
}

export function checkFps(fps: number | undefined, file: string): number {
  if (fps === undefined) {
    return fail('MotionError', file, 'fps', 'frame rate unknown: pass fps or name the file like "clip_60hz.csv"');
  }
  return checkRate(fps, { file, where: 'fps' });
}

export function parseMotionCsv(text: string, file: string, jointNames: string[], fps?: number): MotionClip {
  const rate = checkFps(fps ?? fpsFromFileName(file), file);
  const nj = jointNames.length;
  const ncol = 7 + nj;
  const lines = text.split(/\r?\n/);
  const rows: number[][] = [];
  const rowLine: number[] = [];
  let header: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\s]+/).filter((c) => c !== '');
    if (rows.length === 0 && rowLine.length === 0 && cells.some((c) => Number.isNaN(Number(c)) && !/^[-+]?(nan|inf)/i.test(c))) {
      rowLine.push(-1); // header row: skip it once; joint names in it are honoured
      header = headerNames(cells, jointNames, file, i + 1);
      continue;
    }
    if (cells.length !== ncol) {
      fail(
        'ParseError',
        file,
        `line ${i + 1}`,
        `${cells.length} columns, expected ${ncol} (3 root position + 4 root quaternion + ${nj} joints of the robot): ` +
          `a clip for a robot with ${cells.length - 7} joints? The robot's joints, in column order: ${nameList(jointNames, 40)}`,
      );
    }
    checkClipSize(rows.length + 1, ncol, rate, { file, where: `line ${i + 1}` });
    const row = cells.map(Number);
    const bad = row.findIndex((v, k) => !(Math.abs(v) <= (k < 3 ? LIMITS.maxClipPosition : k < 7 ? 2 : LIMITS.maxClipJoint)));
    if (bad >= 0) {
      const what =
        bad < 3
          ? `a root position within ±${LIMITS.maxClipPosition} m`
          : bad < 7
            ? 'a quaternion component'
            : `a joint value within ±${LIMITS.maxClipJoint}`;
      fail('MotionError', file, `line ${i + 1}, column ${bad + 1}`, `value "${cells[bad]}" is not ${what}`);
    }
    rows.push(row);
    rowLine.push(i + 1);
  }
  const n = rows.length;
  if (n === 0) fail('MotionError', file, 'line 1', 'no frames');
  const rootPos = new Float32Array(n * 3);
  const rootQuat = new Float32Array(n * 4);
  const jointPos = new Float32Array(n * nj);
  const q = [0, 0, 0, 0];
  const lineOf = rowLine.filter((l) => l >= 0);
  for (let f = 0; f < n; f++) {
    const r = rows[f];
    rootPos.set(r.slice(0, 3), f * 3);
    q[0] = r[6];
    q[1] = r[3];
    q[2] = r[4];
    q[3] = r[5]; // x,y,z,w -> w,x,y,z
    checkQuat(q, 0, file, `line ${lineOf[f]}`);
    rootQuat.set(q, f * 4);
    for (let j = 0; j < nj; j++) jointPos[f * nj + j] = r[7 + j];
  }
  return { name: clipNameOf(file), fps: rate, nFrames: n, jointNames: header ?? [...jointNames], rootPos, rootQuat, jointPos };
}

/**
 * A header row that names the joint columns (7 root columns, then one name per joint): the names are the
 * clip's joint order (mapped to the robot by name). Unknown or repeated names are a named error listing them.
 * A header with other text (no joint names) is skipped and the robot's order is assumed.
 */
function headerNames(cells: string[], jointNames: string[], file: string, line: number): string[] | undefined {
  const names = cells.slice(7);
  if (cells.length !== 7 + jointNames.length || !names.some((n) => jointNames.includes(n))) return undefined;
  const unknown = names.filter((n) => !jointNames.includes(n));
  if (unknown.length) fail('MotionError', file, `line ${line}`, `header names joints the robot lacks: ${nameList(unknown)}`);
  const twice = names.filter((n, k) => names.indexOf(n) !== k);
  if (twice.length) fail('MotionError', file, `line ${line}`, `header names joints twice: ${nameList([...new Set(twice)])}`);
  return names;
}

/** Write a clip as motion CSV; `jointNames` is the column order (the robot description's); clip joints map by name. */
export function writeMotionCsv(clip: MotionClip, jointNames: string[]): string {
  const nj = clip.jointNames.length;
  const cols = jointNames.map((name) => {
    const j = clip.jointNames.indexOf(name);
    if (j < 0) fail('MotionError', clip.name, `joint ${name}`, 'joint is not in the clip');
    return j;
  });
  const fmt = (v: number) => (Math.abs(v) < 5e-7 ? '0' : v.toFixed(6));
  const out: string[] = [];
  for (let f = 0; f < clip.nFrames; f++) {
    const p = clip.rootPos,
      q = clip.rootQuat;
    const row = [p[f * 3], p[f * 3 + 1], p[f * 3 + 2], q[f * 4 + 1], q[f * 4 + 2], q[f * 4 + 3], q[f * 4]];
    for (const j of cols) row.push(clip.jointPos[f * nj + j]);
    out.push(row.map(fmt).join(','));
  }
  return out.join('\n') + '\n';
}
