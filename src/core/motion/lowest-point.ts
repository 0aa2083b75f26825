/**
 * Reference data as per-step arrays in a robot's joint order (from a clip or from a policy's embedded
 * reference), and the robot's lowest collision point per step by forward kinematics: exact points for
 * primitive shapes, a mesh's extreme vertices along 26 directions (mesh-extremes.ts).
 */
import { fail } from '../errors';
import { qRotate } from '../math';
import { forwardKinematics } from '../model/fk';
import type { RobotModel, Shape } from '../model/types';
import type { MotionClip } from './types';
import { extremeVertices } from './mesh-extremes';

/** Per-step reference arrays in the robot's joint order. */
export interface ReferenceSteps {
  nSteps: number;
  /** seconds between steps */
  dt: number;
  rootPos: ArrayLike<number>; // nSteps*3
  rootQuat: ArrayLike<number>; // nSteps*4, w,x,y,z
  jointPos: ArrayLike<number>; // nSteps*nj (robot.joints order)
  /** robot joints the data does not drive (not checked); default none */
  missingJoints?: string[];
}

/** Steps [a, b) as a new ReferenceSteps. */
export function sliceSteps(ref: ReferenceSteps, a: number, b: number): ReferenceSteps {
  const nj = ref.jointPos.length / ref.nSteps;
  const cut = (x: ArrayLike<number>, k: number) => Float64Array.from(Array.prototype.slice.call(x, a * k, b * k) as number[]);
  return { ...ref, nSteps: b - a, rootPos: cut(ref.rootPos, 3), rootQuat: cut(ref.rootQuat, 4), jointPos: cut(ref.jointPos, nj) };
}

/** A clip as per-step arrays in the robot's joint order (joints by name; robot joints the clip lacks: 0, listed). */
export function clipSteps(clip: MotionClip, robot: RobotModel): ReferenceSteps {
  const nj = robot.joints.length,
    cj = clip.jointNames.length,
    n = clip.nFrames;
  const src = robot.joints.map((j) => clip.jointNames.indexOf(j.name));
  for (const name of clip.jointNames) {
    if (!robot.jointIndex.has(name)) fail('MotionError', clip.name, `joint ${name}`, `the robot ${robot.name} has no joint "${name}"`);
  }
  const jointPos = new Float32Array(n * nj);
  for (let f = 0; f < n; f++) for (let j = 0; j < nj; j++) if (src[j] >= 0) jointPos[f * nj + j] = clip.jointPos[f * cj + src[j]];
  return {
    nSteps: n,
    dt: 1 / clip.fps,
    rootPos: clip.rootPos,
    rootQuat: clip.rootQuat,
    jointPos,
    missingJoints: robot.joints.filter((_, j) => src[j] < 0).map((j) => j.name),
  };
}

const points = new WeakMap<RobotModel, { body: number; p: number[]; r: number }[]>();

/** Points of a shape that can be lowest: exact for primitives; for a mesh its extreme vertices along 26 directions. */
function shapePoints(s: Shape): { p: number[]; r: number }[] {
  const [a = 0, b = 0, c = 0] = s.size;
  const local: { p: number[]; r: number }[] = [];
  if (s.type === 'sphere') local.push({ p: [0, 0, 0], r: a });
  else if (s.type === 'capsule') local.push({ p: [0, 0, -b], r: a }, { p: [0, 0, b], r: a });
  else if (s.type === 'box') for (const x of [-a, a]) for (const y of [-b, b]) for (const z of [-c, c]) local.push({ p: [x, y, z], r: 0 });
  else if (s.type === 'cylinder') {
    for (let k = 0; k < 16; k++)
      for (const z of [-b, b]) local.push({ p: [a * Math.cos((k * Math.PI) / 8), a * Math.sin((k * Math.PI) / 8), z], r: 0 });
  } else if (s.type === 'mesh' && s.mesh) {
    for (const at of extremeVertices(s.mesh.vertices))
      local.push({ p: [s.mesh.vertices[at * 3], s.mesh.vertices[at * 3 + 1], s.mesh.vertices[at * 3 + 2]], r: 0 });
  }
  return local.map(({ p, r }) => {
    const q = qRotate(s.quat, p);
    return { p: [s.pos[0] + q[0], s.pos[1] + q[1], s.pos[2] + q[2]], r };
  });
}

function collisionPoints(robot: RobotModel): { body: number; p: number[]; r: number }[] {
  let pts = points.get(robot);
  if (!pts) {
    pts = robot.bodies.flatMap((b) =>
      b.collision.filter((s) => s.type !== 'plane').flatMap((s) => shapePoints(s).map((x) => ({ body: b.index, ...x }))),
    );
    if (!pts.length) pts = robot.bodies.map((b) => ({ body: b.index, p: [0, 0, 0], r: 0 }));
    points.set(robot, pts);
  }
  return pts;
}

/** Lowest world z of the robot's collision shapes at each step (forward kinematics). */
export function lowestPoints(robot: RobotModel, ref: ReferenceSteps): Float32Array {
  const nb = robot.bodies.length,
    nj = robot.joints.length;
  const bp = new Float64Array(nb * 3),
    bq = new Float64Array(nb * 4);
  const pts = collisionPoints(robot);
  const out = new Float32Array(ref.nSteps);
  const jp = new Float64Array(nj);
  for (let s = 0; s < ref.nSteps; s++) {
    for (let j = 0; j < nj; j++) jp[j] = ref.jointPos[s * nj + j];
    const rq = [ref.rootQuat[s * 4], ref.rootQuat[s * 4 + 1], ref.rootQuat[s * 4 + 2], ref.rootQuat[s * 4 + 3]];
    forwardKinematics(robot, [ref.rootPos[s * 3], ref.rootPos[s * 3 + 1], ref.rootPos[s * 3 + 2]], rq, jp, bp, bq);
    let m = Infinity;
    for (const { body, p, r } of pts) {
      const w = bq[body * 4],
        x = bq[body * 4 + 1],
        y = bq[body * 4 + 2],
        z = bq[body * 4 + 3];
      // z component of q·p
      const zz = p[2] + 2 * (w * (x * p[1] - y * p[0]) + x * (z * p[0] - x * p[2]) - y * (y * p[2] - z * p[1]));
      m = Math.min(m, bp[body * 3 + 2] + zz - r);
    }
    out[s] = m;
  }
  return out;
}

/**
 * Vertical shift that puts the robot's lowest collision point at step `step` on the floor (positive: raise the
 * reference). For a start on the reference pose: add it to the root height and report it.
 */
export function groundShift(robot: RobotModel, ref: ReferenceSteps, step = 0, floorZ = 0): number {
  const s = Math.min(Math.max(Math.floor(step), 0), ref.nSteps - 1);
  return floorZ - lowestPoints(robot, sliceSteps(ref, s, s + 1))[0];
}
