// Mesh proxies (meshCollision: 'proxy'): a bounding capsule or box per collision mesh, used by the app so that a
// fallen mesh robot lies on the floor without the cost of convex hulls.
import { describe, expect, it } from 'vitest';
import { qConj, qRotate, vSub } from '../../src/core/math';
import type { Shape } from '../../src/core/model/types';
import { createRapierEngine, initRapier } from '../../src/core/physics';
import { meshProxy } from '../../src/core/physics/proxy';
import { loadG1 } from './physics-fixture';

/** distance by which a body-frame point lies outside the primitive (≤ 0: inside) */
function outside(p: Shape, x: number[]): number {
  const l = qRotate(qConj(p.quat), vSub(x, p.pos));
  if (p.type === 'box') return Math.max(...l.map((v, k) => Math.abs(v) - p.size[k]));
  const z = Math.max(-p.size[1], Math.min(p.size[1], l[2]));
  return Math.hypot(l[0], l[1], l[2] - z) - p.size[0];
}

describe('mesh proxies', () => {
  const g1 = loadG1();
  const meshes = g1.bodies.flatMap((b) =>
    b.collision.filter((s) => s.type === 'mesh' && (s.contype | s.conaffinity) !== 0).map((s) => ({ b, s })),
  );

  it('every collision mesh of the G1 gets a capsule or box that holds all its vertices, not much larger than its bounds', () => {
    expect(meshes.length).toBeGreaterThan(20);
    const kinds: Record<string, number> = {};
    for (const { b, s } of meshes) {
      const p = meshProxy(s)!;
      expect(p, b.name).not.toBeNull();
      expect(['capsule', 'box']).toContain(p.type);
      kinds[p.type] = (kinds[p.type] ?? 0) + 1;
      const v = s.mesh!.vertices;
      let worst = -Infinity;
      const lo = [Infinity, Infinity, Infinity],
        hi = [-Infinity, -Infinity, -Infinity];
      for (let i = 0; i < v.length; i += 3) {
        const x = vSub(qRotate(s.quat, [v[i], v[i + 1], v[i + 2]]), [-s.pos[0], -s.pos[1], -s.pos[2]]);
        worst = Math.max(worst, outside(p, x));
        for (let k = 0; k < 3; k++) {
          lo[k] = Math.min(lo[k], x[k]);
          hi[k] = Math.max(hi[k], x[k]);
        }
      }
      expect(worst, `${b.name}: a vertex ${worst} m outside its ${p.type}`).toBeLessThan(1e-5);
      // the proxy's volume stays within a few times the mesh's axis-aligned bounding box
      const aabb = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
      const vol =
        p.type === 'box' ? 8 * p.size[0] * p.size[1] * p.size[2] : Math.PI * p.size[0] ** 2 * (2 * p.size[1] + (4 / 3) * p.size[0]);
      expect(vol / aabb, `${b.name} ${p.type}`).toBeLessThan(3);
    }
    console.log(`G1 collision meshes → ${JSON.stringify(kinds)}`);
  });

  it('a limp G1 dropped with proxies lies on the floor (no body below it); with foot contact only it sinks through', async () => {
    await initRapier();
    const rest = async (opts: { groundContact: 'feet' | 'all'; meshCollision?: 'hull' | 'proxy' }) => {
      const e = await createRapierEngine(g1, { ...opts, n: 1 });
      try {
        e.setGains(
          g1.joints.map(() => 0),
          g1.joints.map(() => 1),
        );
        e.reset(0, { rootPos: [0, 0, 0.8], rootQuat: [1, 0, 0, 0], jointPos: g1.joints.map(() => 0) });
        e.setTargets(g1.joints.map(() => 0));
        for (let i = 0; i < 600; i++) e.step();
        let lowest = Infinity;
        for (let b = 0; b < g1.bodies.length; b++) lowest = Math.min(lowest, e.state.bodyPos[b * 3 + 2]);
        return { root: e.state.rootPos[2], lowest, adjustments: e.adjustments.join('\n') };
      } finally {
        e.free();
      }
    };
    const proxy = await rest({ groundContact: 'all', meshCollision: 'proxy' });
    const feet = await rest({ groundContact: 'feet' });
    console.log(
      `after 3 s limp: proxies root z ${proxy.root.toFixed(3)} m, lowest body origin ${proxy.lowest.toFixed(3)} m; feet only root z ${feet.root.toFixed(3)} m`,
    );
    expect(proxy.root).toBeGreaterThan(0.03);
    expect(proxy.root).toBeLessThan(0.4); // it did fall
    expect(proxy.lowest).toBeGreaterThan(-0.01);
    expect(feet.root).toBeLessThan(0);
    expect(proxy.adjustments).toMatch(/meshes as primitive proxies \(\d+ (capsule|box)/);
  });
});
