/**
 * LAFAN1 retargeted CSV (Unitree's G1 / H1 / H1_2 set): no header, one row per frame,
 * `x y z qx qy qz qw` (m, xyzw) then the joint angles (rad) in the robot description's order. The robot decides
 * the joint count (29 G1, 19 H1, 27 H1_2). The set is 30 fps; the name carries no rate.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import { fpsFromFileName, parseMotionCsv } from '../csv';
import { baseName, checkJointOrder, columnNames, pickFps, rootQuats, type FormatClip, type ReadOptions } from './common';

export const LAFAN_FPS = 30;

export function parseLafanCsv(text: string, file: string, robot: RobotModel | undefined, opts: ReadOptions = {}): FormatClip {
  const notes: string[] = [],
    warnings: string[] = [];
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (first === undefined) return fail('MotionError', file, 'line 1', 'no frames');
  const cols = first.split(/[,;\s]+/).filter((c) => c !== '').length;
  if (cols < 8) fail('ParseError', file, 'line 1', `${cols} columns: a motion CSV has 7 root columns and the joints`);
  const names = columnNames(cols - 7, file, 'line 1', robot, opts, 'description', 'LAFAN1 / BeyondMimic CSV convention', notes, warnings);
  const fps = pickFps(file, opts, fpsFromFileName(file), LAFAN_FPS, 'the LAFAN1 retargeted set is 30 fps', notes);
  const clip = parseMotionCsv(text, file, names, fps);
  // parseMotionCsv reads xyzw; run the order check on the raw numbers (x,y,z,w per frame)
  const raw = new Float32Array(clip.nFrames * 4);
  for (let f = 0; f < clip.nFrames; f++) {
    const q = clip.rootQuat.subarray(f * 4, f * 4 + 4);
    raw.set([q[1], q[2], q[3], q[0]], f * 4);
  }
  checkJointOrder(robot, names, clip.jointPos, file, 'joint columns', opts, notes, warnings);
  const quat = rootQuats(raw, clip.nFrames, file, 'root quaternion', 'xyzw', opts, notes, warnings);
  return { ...clip, name: baseName(file), rootQuat: quat, format: 'LAFAN1 CSV', notes, warnings };
}
