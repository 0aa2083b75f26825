// The lowest-point search keeps, per collision mesh, its extreme vertices along 26 directions. They are now found
// in one pass (src/core/motion/mesh-extremes.ts); this checks that pass against a plain scan per direction on
// every mesh of the real G1 and T1 files: the same vertices in the same order, so the same numbers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRobot } from '../../src/core/model/index';
import type { RobotModel } from '../../src/core/model/types';
import { extremeVertices } from '../../src/core/motion/mesh-extremes';
import { dirResolver } from './model-helpers';

/** One scan per direction (dx outer, dz inner, over -1, 0, 1): the first vertex of greatest projection. */
function scanPerDirection(v: ArrayLike<number>): number[] {
  const n = v.length / 3,
    out: number[] = [];
  for (const dx of [-1, 0, 1])
    for (const dy of [-1, 0, 1])
      for (const dz of [-1, 0, 1]) {
        if (!dx && !dy && !dz) continue;
        let best = -Infinity,
          at = 0;
        for (let i = 0; i < n; i++) {
          const d = dx * v[i * 3] + dy * v[i * 3 + 1] + dz * v[i * 3 + 2];
          if (d > best) {
            best = d;
            at = i;
          }
        }
        if (!out.includes(at)) out.push(at);
      }
  return out;
}

const robot = (dir: string, file: string): RobotModel => loadRobot(file, readFileSync(dir + file, 'utf8'), dirResolver(dir));

/** Every mesh of the robot, collision ones first (the lowest-point search uses those; the T1 has none: its
 * collisions are primitives, so its drawn meshes are the cases there). */
const meshesOf = (m: RobotModel) => {
  const collision = m.bodies.flatMap((b) => b.collision.flatMap((s) => (s.mesh ? [s.mesh] : [])));
  const visual = m.bodies.flatMap((b) => b.visual.flatMap((s) => (s.mesh && !collision.includes(s.mesh) ? [s.mesh] : [])));
  return { collision, all: [...collision, ...visual] };
};

describe('extreme vertices of collision meshes in one pass', () => {
  for (const [name, dir, file] of [
    ['G1', '../shared/assets/g1/', 'g1_29dof_rev_1_0.xml'],
    ['T1', '../shared/assets/t1/', 't1_29dof.xml'],
  ] as const) {
    it(`${name}: the same vertices, in the same order, as one scan per direction`, () => {
      const { collision, all } = meshesOf(robot(dir, file));
      expect([collision.length, all.length]).toEqual(name === 'G1' ? [24, 35] : [0, 30]);
      for (const m of all) expect(extremeVertices(m.vertices)).toEqual(scanPerDirection(m.vertices));
    });
  }

  it('ties go to the first vertex, on every direction', () => {
    // a unit cube listed twice, then a vertex on the cube's face: every extreme is a first-listed corner
    const cube = [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1];
    const v = [...cube, ...cube, 0.5, 0.5, 1];
    const got = extremeVertices(v);
    expect(got).toEqual(scanPerDirection(v));
    expect(Math.max(...got)).toBeLessThan(8);
  });
});
