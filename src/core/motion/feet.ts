/** Foot geometry helpers: the points of a body that can touch the ground, and the lowest of them. */
import { qRotate } from '../math';
import type { RobotModel } from '../model/types';
import { isFootName } from '../model/feet';

/** Local contact points of a body: [x, y, z, radius] per point, from its collision shapes. */
export function contactPoints(model: RobotModel, body: number): number[][] {
  const pts: number[][] = [];
  for (const s of model.bodies[body].collision) {
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

/**
 * The foot bodies: the deepest body of each leg, i.e. bodies whose name contains "ankle_roll" / "foot"
 * (the last such on each chain); else the two lowest leaf bodies in the model's zero pose.
 */
export function footBodies(model: RobotModel): number[] {
  const isLeaf = (i: number) => !model.bodies.some((b) => b.parent === i);
  let feet = model.bodies
    .filter((b) => isFootName(b.name) && !model.bodies.some((c) => c.parent === b.index && isFootName(c.name)))
    .map((b) => b.index);
  if (feet.length < 2) {
    const depth = (i: number): number => {
      let z = 0;
      for (let b = i; b >= 0; b = model.bodies[b].parent) z += model.bodies[b].pos[2];
      return z;
    };
    feet = model.bodies
      .map((b) => b.index)
      .filter(isLeaf)
      .sort((a, b) => depth(a) - depth(b))
      .slice(0, 2);
  }
  return feet;
}

/** Lowest world z over a body's contact points (sphere radius subtracted), given its world pose. */
export function lowestZ(pts: number[][], pos: ArrayLike<number>, quat: ArrayLike<number>): number {
  let m = Infinity;
  for (const p of pts) m = Math.min(m, pos[2] + qRotate(quat, p)[2] - p[3]);
  return m;
}
