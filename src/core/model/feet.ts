/**
 * Feet, one place for every part that picks them (ground contacts, foot inertia, foot slip, start height): the bodies
 * a robot stands on, and the points of a body that can touch the ground.
 */
import { qRotate } from '../math';
import { forwardKinematics } from './fk';
import type { RobotModel, Shape } from './types';

/** The foot-name rule: a body named like an ankle-roll link or a foot. */
export const FOOT_NAME = /ankle_roll|foot/i;

/** A body named like an ankle-roll link or a foot. */
export const isFootName = (name: string): boolean => FOOT_NAME.test(name);

/** Can the shape touch anything (MuJoCo: contype or conaffinity set, or a `<contact><pair>` with the floor)? */
export const colliding = (s: Shape): boolean => (s.contype | s.conaffinity) !== 0 || !!s.groundPair;

/** Local contact points of a body: [x, y, z, radius] per point, from its collision shapes (those `only` keeps). */
export function contactPoints(model: RobotModel, body: number, only: (s: Shape) => boolean = () => true): number[][] {
  const pts: number[][] = [];
  for (const s of model.bodies[body].collision.filter(only)) {
    const at = (v: number[], r: number) => {
      const p = qRotate(s.quat, v);
      pts.push([s.pos[0] + p[0], s.pos[1] + p[1], s.pos[2] + p[2], r]);
    };
    const [a = 0, b = 0, c = 0] = s.size;
    if (s.type === 'sphere') at([0, 0, 0], a);
    else if (s.type === 'capsule') {
      at([0, 0, -b], a);
      at([0, 0, b], a);
    } else if (s.type === 'box') {
      for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) at([sx * a, sy * b, sz * c], 0);
    } else if (s.type === 'cylinder') {
      for (let k = 0; k < 8; k++)
        for (const sz of [-1, 1]) at([a * Math.cos((k * Math.PI) / 4), a * Math.sin((k * Math.PI) / 4), sz * b], 0);
    } else if (s.type === 'mesh' && s.mesh) {
      const v = s.mesh.vertices,
        n = v.length / 3,
        step = Math.max(1, Math.floor(n / 300));
      for (let i = 0; i < n; i += step) at([v[i * 3], v[i * 3 + 1], v[i * 3 + 2]], 0);
    }
  }
  if (!pts.length) pts.push([0, 0, 0, 0]);
  return pts;
}

/** Lowest world z over a body's contact points (sphere radius subtracted), given its world pose. */
export function lowestZ(pts: number[][], pos: ArrayLike<number>, quat: ArrayLike<number>): number {
  let m = Infinity;
  for (const p of pts) m = Math.min(m, pos[2] + qRotate(quat, p)[2] - p[3]);
  return m;
}

/** How far above the robot's lowest point a body may reach down and still count as a foot: m, and × the robot's height. */
export const FOOT_BAND = { m: 0.02, ofHeight: 0.02 };

const feetCache = new WeakMap<RobotModel, ReadonlySet<number>>();

/**
 * The bodies the robot stands on. Bodies named like feet (FOOT_NAME) that carry colliding shapes, when there are two
 * or more (the G1's ankle-roll links, a T1's feet); else, as robots name their feet in many ways (an H1's
 * `left_ankle_link`, an OP3's `l_ank_roll_link`, `ll_faa`...), the bodies whose colliding shapes reach down to within
 * FOOT_BAND of the robot's lowest point in the pose it is modelled in (every joint at 0, root upright).
 */
export function footBodies(model: RobotModel): ReadonlySet<number> {
  let feet = feetCache.get(model);
  if (!feet) feetCache.set(model, (feet = findFeet(model)));
  return feet;
}

function findFeet(model: RobotModel): ReadonlySet<number> {
  const shaped = model.bodies.filter((b) => b.collision.some(colliding));
  const named = shaped.filter((b) => isFootName(b.name)).map((b) => b.index);
  if (named.length >= 2) return new Set(named);
  const nb = model.bodies.length;
  const pos = new Float64Array(nb * 3),
    quat = new Float64Array(nb * 4);
  forwardKinematics(model, [0, 0, 0], [1, 0, 0, 0], new Float64Array(model.joints.length), pos, quat);
  const at = (i: number) => pos[i * 3 + 2];
  const low = shaped.map((b) => lowestZ(contactPoints(model, b.index, colliding), pos.subarray(b.index * 3), quat.subarray(b.index * 4)));
  if (!low.length) return new Set(named);
  const bottom = Math.min(...low),
    top = Math.max(...model.bodies.map((b) => at(b.index)));
  const band = Math.max(FOOT_BAND.m, FOOT_BAND.ofHeight * (top - bottom));
  return new Set([...named, ...shaped.filter((_, k) => low[k] <= bottom + band).map((b) => b.index)]);
}
