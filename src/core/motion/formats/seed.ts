/**
 * BONES-SEED-style robot CSV: a header row `Frame, root_translateX/Y/Z (cm), root_rotateX/Y/Z (Euler degrees,
 * extrinsic XYZ: R = Rz·Ry·Rx), <joint>_dof ... (degrees)`, 120 fps by default. Joints are matched by name
 * (`<joint>_dof` → `<joint>`); converted to metres, radians and [w,x,y,z].
 */
import { fail } from '../../errors';
import { qFromEulerXYZ } from '../../math';
import type { RobotModel } from '../../model/types';
import { baseName, checkFinite, pickFps, type FormatClip, type ReadOptions } from './common';

export const SEED_FPS = 120;
const ROOT = ['root_translateX', 'root_translateY', 'root_translateZ', 'root_rotateX', 'root_rotateY', 'root_rotateZ'];
const DEG = Math.PI / 180;

export const isSeedHeader = (line: string): boolean => /\broot_translateX\b/.test(line) && /_dof\b/.test(line);

export function parseSeedCsv(text: string, file: string, robot: RobotModel | undefined, opts: ReadOptions = {}): FormatClip {
  const notes: string[] = [],
    warnings: string[] = [];
  const lines = text.split(/\r?\n/);
  const h = lines.findIndex((l) => l.trim() !== '');
  if (h < 0) return fail('MotionError', file, 'line 1', 'empty file');
  const header = lines[h].split(',').map((c) => c.trim());
  const col = (name: string) => header.indexOf(name);
  for (const r of ROOT) if (col(r) < 0) fail('ParseError', file, `line ${h + 1}`, `header has no "${r}" column`);
  const jointCols = header.map((c, i) => [c, i] as const).filter(([c]) => c.endsWith('_dof'));
  if (!jointCols.length) fail('ParseError', file, `line ${h + 1}`, 'header has no "<joint>_dof" columns');
  const names = jointCols.map(([c]) => c.slice(0, -4));
  if (robot) {
    const unknown = names.filter((n) => !robot.jointIndex.has(n));
    if (unknown.length)
      fail('MotionError', file, `line ${h + 1}`, `the robot ${robot.name} has no joint ${unknown.map((u) => `"${u}"`).join(', ')}`);
    const missing = robot.joints.filter((j) => !names.includes(j.name)).map((j) => j.name);
    if (missing.length) warnings.push(`the file has no column for ${missing.join(', ')}: held at 0`);
  }
  const rows: number[][] = [];
  for (let i = h + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',');
    if (cells.length !== header.length)
      fail('ParseError', file, `line ${i + 1}`, `${cells.length} columns, the header has ${header.length}`);
    const row = cells.map(Number);
    const bad = row.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail('MotionError', file, `line ${i + 1}, column ${header[bad]}`, `value "${cells[bad].trim()}" is not a finite number`);
    rows.push(row);
  }
  const n = rows.length;
  if (!n) fail('MotionError', file, `line ${h + 2}`, 'no frames');
  const fps = pickFps(file, opts, undefined, SEED_FPS, 'BONES-SEED clips are 120 fps', notes);
  const nj = names.length;
  const rootPos = new Float32Array(n * 3),
    rootQuat = new Float32Array(n * 4),
    jointPos = new Float32Array(n * nj);
  const [tx, ty, tz, rx, ry, rz] = ROOT.map(col);
  rows.forEach((r, f) => {
    rootPos.set([r[tx] / 100, r[ty] / 100, r[tz] / 100], f * 3);
    rootQuat.set(qFromEulerXYZ(r[rx] * DEG, r[ry] * DEG, r[rz] * DEG), f * 4);
    jointCols.forEach(([, c], j) => {
      jointPos[f * nj + j] = r[c] * DEG;
    });
  });
  checkFinite(rootPos, 3, file, 'root position');
  notes.push(
    'root position cm → m; root rotation Euler XYZ degrees (extrinsic, R = Rz·Ry·Rx) → quaternion; joints degrees → radians; joints matched by column name',
  );
  return {
    name: baseName(file),
    fps,
    nFrames: n,
    jointNames: names,
    rootPos,
    rootQuat,
    jointPos,
    format: 'BONES-SEED CSV',
    notes,
    warnings,
  };
}
