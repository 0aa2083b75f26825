/**
 * Writers for any clip on a robot: BeyondMimic-layout CSV (root x,y,z, quaternion x,y,z,w, joints in the robot
 * description's order), BeyondMimic NPZ (IsaacLab joint and body order, every body by forward kinematics,
 * with joint_names / body_names), and the humanoid-policy-viewer JSON clip.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import { writeMotionCsv } from '../csv';
import { writeMotionNpz } from '../npz';
import { ReferenceTrack } from '../reference';
import type { MotionClip } from '../types';
import { descriptionOrder, isaacLabBodyOrder, isaacLabOrder } from './common';
import { writeViewerJson } from './viewer-json';

export type WriteFormat = 'csv' | 'npz' | 'json';

/** The clip with its joints in the robot's description order (robot joints the clip lacks: 0, listed in `missing`). */
export function toRobotOrder(clip: MotionClip, robot: RobotModel): { clip: MotionClip; missing: string[] } {
  const names = descriptionOrder(robot),
    nj = names.length,
    cj = clip.jointNames.length,
    n = clip.nFrames;
  for (const j of clip.jointNames) {
    if (!robot.jointIndex.has(j)) fail('MotionError', clip.name, `joint ${j}`, `the robot ${robot.name} has no joint "${j}"`);
  }
  const src = names.map((name) => clip.jointNames.indexOf(name));
  const jointPos = new Float32Array(n * nj);
  for (let f = 0; f < n; f++) for (let j = 0; j < nj; j++) if (src[j] >= 0) jointPos[f * nj + j] = clip.jointPos[f * cj + src[j]];
  const missing = names.filter((_, j) => src[j] < 0);
  return {
    clip: { name: clip.name, fps: clip.fps, nFrames: n, jointNames: names, rootPos: clip.rootPos, rootQuat: clip.rootQuat, jointPos },
    missing,
  };
}

export function writeBeyondMimicCsv(clip: MotionClip, robot: RobotModel): string {
  return writeMotionCsv(toRobotOrder(clip, robot).clip, descriptionOrder(robot));
}

/** Every body by forward kinematics at the clip's own frames, bodies reordered to IsaacLab (breadth-first) order. */
export function writeBeyondMimicNpz(clip: MotionClip, robot: RobotModel, compress = true): Uint8Array {
  const full = new ReferenceTrack(robot, toRobotOrder(clip, robot).clip, 1 / clip.fps).toClip();
  const order = isaacLabBodyOrder(robot),
    nb = order.length,
    n = full.nFrames;
  const pick = (a: Float32Array, k: number) => {
    const out = new Float32Array(n * nb * k);
    for (let f = 0; f < n; f++) order.forEach((b, i) => out.set(a.subarray((f * nb + b) * k, (f * nb + b + 1) * k), (f * nb + i) * k));
    return out;
  };
  const bodies: MotionClip = {
    ...full,
    fps: clip.fps,
    bodyNames: order.map((b) => robot.bodies[b].name),
    bodyPos: pick(full.bodyPos!, 3),
    bodyQuat: pick(full.bodyQuat!, 4),
    bodyLinVel: pick(full.bodyLinVel!, 3),
    bodyAngVel: pick(full.bodyAngVel!, 3),
  };
  return writeMotionNpz(bodies, { jointNames: isaacLabOrder(robot), compress });
}

export function writeClip(clip: MotionClip, robot: RobotModel, format: WriteFormat): Uint8Array {
  if (format === 'npz') return writeBeyondMimicNpz(clip, robot);
  const t = format === 'csv' ? writeBeyondMimicCsv(clip, robot) : writeViewerJson(toRobotOrder(clip, robot).clip);
  return new TextEncoder().encode(t);
}

/** Format from an output file name (.csv, .npz, .json). */
export function writeFormatOf(file: string): WriteFormat {
  const e = /\.([a-z]+)$/i.exec(file)?.[1].toLowerCase();
  if (e === 'csv' || e === 'npz' || e === 'json') return e;
  return fail(
    'ParseError',
    file,
    'file',
    `cannot write ".${e ?? ''}": write .csv (BeyondMimic CSV), .npz (BeyondMimic NPZ) or .json (viewer clip)`,
  );
}
