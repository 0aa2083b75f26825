/**
 * SkillMimic BallPlay clips (formats/hoi.ts) onto a robot with the SMPL body names, by body NAME through a map
 * (motions/retarget/skillmimic-smpl24.json): the source humanoid's world rotations are rebuilt from its root and
 * its 52 exponential-map joints, each of our bodies takes the world rotation of the source body the map names
 * (turned from the source's y-up body axes to ours by `sourceAxes`), and our joint coordinates are read from the
 * rotation between each body and its parent (three-axis joints: Euler coordinates; hinges: the angle about the
 * axis). Bodies the map leaves out (Spine2, the fingers) drop out; the ball track and contact labels are kept.
 */
import { fail } from '../errors';
import { qConj, qMul, type Quat } from '../math';
import type { RobotModel } from '../model/types';
import { ballAngles, ballGroups, continuousBallAngles } from '../physics/ball';
import { hingeAngle } from '../physics/kinematics';
import type { FormatClip } from './formats/common';
import { expMapQuat, parseSkillMimicRows, type SkillMimicClip } from './formats/hoi';
import smpl24Map from '../../../motions/retarget/skillmimic-smpl24.json';

export interface SkillMimicMap {
  fps: number;
  /** rotation taking the source body axes onto ours, [w,x,y,z] */
  sourceAxes: Quat;
  /** the source humanoid's bodies in row order (body 0 = root; body k > 0 carries joint k - 1) */
  sourceBodies: { name: string; parent: string | null }[];
  /** our body name → source body name */
  bodyMap: Record<string, string>;
  dropped: string[];
}

/** Check a map document (named errors: key path in the file). */
export function checkSkillMimicMap(doc: unknown, file: string): SkillMimicMap {
  const d = doc as Partial<SkillMimicMap> | null;
  if (!d || typeof d !== 'object') return fail('MotionError', file, 'document', 'not a JSON object');
  const q = d.sourceAxes;
  if (!Array.isArray(q) || q.length !== 4 || Math.abs(Math.hypot(...q) - 1) > 1e-3)
    fail('MotionError', file, 'sourceAxes', 'needs a unit quaternion [w, x, y, z]');
  if (!Array.isArray(d.sourceBodies) || d.sourceBodies.length !== 53)
    fail('MotionError', file, 'sourceBodies', `needs the 53 source bodies in row order, got ${d.sourceBodies?.length ?? 'none'}`);
  const seen = new Set<string>();
  d.sourceBodies!.forEach((b, k) => {
    if (k > 0 && (!b.parent || !seen.has(b.parent)))
      fail(
        'MotionError',
        file,
        `sourceBodies[${k}].parent`,
        `"${b.parent}" is not an earlier body (bodies follow the tree, parents first)`,
      );
    seen.add(b.name);
  });
  if (!d.bodyMap || typeof d.bodyMap !== 'object') fail('MotionError', file, 'bodyMap', 'missing');
  for (const [ours, src] of Object.entries(d.bodyMap!))
    if (!seen.has(src)) fail('MotionError', file, `bodyMap.${ours}`, `"${src}" is not one of sourceBodies`);
  if (!(typeof d.fps === 'number' && d.fps > 0)) fail('MotionError', file, 'fps', 'needs a positive rate (Hz)');
  return d as SkillMimicMap;
}

/** Per frame, every source body's world rotation (n × 53 × 4). */
function sourceWorld(sm: SkillMimicClip, map: SkillMimicMap): Float64Array {
  const nb = map.sourceBodies.length;
  const index = new Map(map.sourceBodies.map((b, k) => [b.name, k]));
  const parent = map.sourceBodies.map((b) => (b.parent ? index.get(b.parent)! : -1));
  const out = new Float64Array(sm.nFrames * nb * 4);
  for (let f = 0; f < sm.nFrames; f++) {
    const w = (k: number) => out.subarray((f * nb + k) * 4, (f * nb + k + 1) * 4);
    w(0).set(sm.rootQuat.subarray(f * 4, f * 4 + 4));
    for (let k = 1; k < nb; k++) {
      const e = sm.jointExpMaps.subarray(f * 156 + (k - 1) * 3, f * 156 + k * 3);
      w(k).set(qMul(w(parent[k]), expMapQuat(e[0], e[1], e[2])));
    }
  }
  return out;
}

/** A SkillMimic clip as a clip of `robot` (joint coordinates by name, root, ball track). */
export function skillMimicToRobot(sm: SkillMimicClip, robot: RobotModel, map: SkillMimicMap, file: string, fps?: number): FormatClip {
  const index = new Map(map.sourceBodies.map((b, k) => [b.name, k]));
  const src = robot.bodies.map((b) => {
    const s = map.bodyMap[b.name];
    if (s === undefined)
      fail('MotionError', file, `body ${b.name}`, `the SkillMimic map names no source body for ${robot.name}'s ${b.name}`);
    return index.get(s)!;
  });
  const n = sm.nFrames,
    nb = map.sourceBodies.length,
    nj = robot.joints.length;
  const W = sourceWorld(sm, map);
  const back = qConj(map.sourceAxes);
  const world = (f: number, b: number): Quat => qMul(W.subarray((f * nb + src[b]) * 4, (f * nb + src[b] + 1) * 4), back);
  const groups = ballGroups(robot);
  const inGroup = new Set(groups.flatMap((g) => g.joints));
  const jointPos = new Float32Array(n * nj),
    rootQuat = new Float32Array(n * 4);
  for (let f = 0; f < n; f++) {
    rootQuat.set(world(f, 0), f * 4);
    for (const g of groups) {
      const rel = qMul(qConj(qMul(world(f, g.parent), g.rest)), world(f, g.body));
      const th = ballAngles(g, rel);
      g.joints.forEach((j, c) => (jointPos[f * nj + j] = th[c]));
    }
    for (const j of robot.joints) {
      if (inGroup.has(j.index)) continue;
      const b = robot.bodies[j.body];
      jointPos[f * nj + j.index] = hingeAngle(world(f, b.parent), world(f, b.index), b.quat, j.axis);
    }
  }
  continuousBallAngles(robot, jointPos, n);
  const rate = fps ?? map.fps;
  return {
    name: sm.name,
    fps: rate,
    nFrames: n,
    jointNames: robot.joints.map((j) => j.name),
    rootPos: Float32Array.from(sm.rootPos),
    rootQuat,
    jointPos,
    objects: [sm.object],
    format: 'SkillMimic BallPlay (retargeted by body name)',
    notes: [
      `${robot.bodies.length} bodies from SkillMimic's by name; dropped: ${map.dropped.join(', ')}`,
      `rate ${rate} Hz ${fps ? 'given by the caller' : 'assumed (the rows carry none)'}`,
      `skill ${Number.isNaN(sm.skill) ? 'unknown (file name does not start with three digits)' : sm.skill}; ball track and contact labels kept`,
    ],
    warnings: [],
  };
}

/** Rows of a SkillMimic tensor (.npy / CSV export) as a clip of `robot`, through the shipped smpl24 map. */
export function readSkillMimicRows(
  rows: Float32Array | Float64Array,
  cols: number,
  file: string,
  robot: RobotModel | undefined,
  fps?: number,
): FormatClip {
  if (!robot)
    fail(
      'MotionError',
      file,
      'file',
      'SkillMimic BallPlay rows are a humanoid with 52 ball joints: load a robot with the SMPL body names (smpl24) first',
    );
  const map = checkSkillMimicMap(smpl24Map, 'motions/retarget/skillmimic-smpl24.json');
  return skillMimicToRobot(parseSkillMimicRows(rows, cols, file), robot!, map, file, fps);
}
