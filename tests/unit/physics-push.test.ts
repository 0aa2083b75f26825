// Steady pushes on the standing G1 (standing gains: deploy ×10 on legs and waist): Rapier with its default
// foot-inertia floor survives what MuJoCo survives. Measured thresholds (1 s settle, 3 s push at the pelvis, 1 s
// release; fall = pelvis below 0.55 m or tilted past 37°): forward MuJoCo 13 N / Rapier 13 N, backward 14 / 14,
// sideways 36 / 32 (without the foot floor Rapier: 10, 13, 20). The test pushes with about half to three quarters
// of MuJoCo's largest surviving force in each direction.
import { describe, expect, it } from 'vitest';
import { createEngine, type PhysicsEngine, type PhysicsOptions } from '../../src/core/physics/index';
import { g1Gains, loadG1, standingGains, standingHeight } from './physics-fixture';

const model = loadG1();
const g = g1Gains(model);
const { kp, kd } = standingGains(model, g);
const pushes: [string, number[]][] = [
  ['forward 10 N', [10, 0, 0]],
  ['backward 10 N', [-10, 0, 0]],
  ['sideways 25 N', [0, 25, 0]],
];

interface Outcome {
  fell: boolean;
  footTilt: number;
  tilt: number;
}

/** One env per push; returns per env whether it fell and the largest foot pitch / pelvis tilt while pushed. */
async function push(
  kind: 'rapier' | 'mujoco',
  forces: number[][],
  options: Partial<PhysicsOptions> = {},
): Promise<{ out: Outcome[]; engine: PhysicsEngine }> {
  const n = forces.length,
    nb = model.bodies.length;
  const e = await createEngine(kind, model, { n, armature: g.armature, ...options });
  e.setGains(kp, kd);
  const h = standingHeight(model, g.defaultPos);
  const targets: number[] = [];
  for (let k = 0; k < n; k++) {
    e.reset(k, { rootPos: [0, 0, h], rootQuat: [1, 0, 0, 0], jointPos: g.defaultPos });
    targets.push(...g.defaultPos);
  }
  e.setTargets(targets);
  const feet = ['left_ankle_roll_link', 'right_ankle_roll_link'].map((b) => model.bodyIndex.get(b)!);
  const out: Outcome[] = forces.map(() => ({ fell: false, footTilt: 0, tilt: 0 }));
  for (let i = 0; i < 1000; i++) {
    // 5 s at 200 Hz
    if (i === 200) forces.forEach((f, k) => e.applyForce(k, 0, f));
    if (i === 800) forces.forEach((_, k) => e.clearForces(k));
    e.step();
    const s = e.state;
    for (let k = 0; k < n; k++) {
      const [, x, y] = s.rootQuat.subarray(k * 4, k * 4 + 4);
      const up = 1 - 2 * (x * x + y * y);
      if (s.rootPos[k * 3 + 2] < 0.55 || up < 0.8) out[k].fell = true;
      if (i < 200 || i >= 800) continue;
      out[k].tilt = Math.max(out[k].tilt, Math.acos(Math.min(1, up)));
      for (const f of feet) {
        // foot tilt from the ground plane: angle between the foot's z axis and world z
        const [, qx, qy] = s.bodyQuat.subarray((k * nb + f) * 4, (k * nb + f) * 4 + 4);
        out[k].footTilt = Math.max(out[k].footTilt, Math.acos(Math.min(1, 1 - 2 * (qx * qx + qy * qy))));
      }
    }
  }
  return { out, engine: e };
}

describe('steady pushes on the standing G1', () => {
  it('Rapier survives 3 s pushes of 10 N forward/backward and 25 N sideways, feet as flat as in MuJoCo', async () => {
    const forces = pushes.map((p) => p[1]);
    const res: Record<string, Outcome[]> = {};
    for (const kind of ['mujoco', 'rapier'] as const) {
      const { out, engine } = await push(kind, forces);
      res[kind] = out;
      if (kind === 'rapier')
        expect(engine.adjustments.join('\n')).toMatch(/foot \(ground-contact\) links' principal inertias floored at 0\.01/);
      engine.free();
    }
    console.table(
      pushes.map(([name], k) => ({
        push: name,
        'mujoco fell': res.mujoco[k].fell,
        'rapier fell': res.rapier[k].fell,
        'mujoco foot tilt': +res.mujoco[k].footTilt.toFixed(4),
        'rapier foot tilt': +res.rapier[k].footTilt.toFixed(4),
        'mujoco pelvis tilt': +res.mujoco[k].tilt.toFixed(3),
        'rapier pelvis tilt': +res.rapier[k].tilt.toFixed(3),
      })),
    );
    pushes.forEach(([name], k) => {
      expect(res.mujoco[k].fell, `mujoco ${name}`).toBe(false);
      expect(res.rapier[k].fell, `rapier ${name}`).toBe(false);
      // feet stay as flat as MuJoCo's (the side push rolls both engines' feet ~0.02 rad; the rocking Rapier foot of
      // round 1 pitched 0.027 rad with no push at all)
      expect(res.rapier[k].footTilt, `rapier ${name}: feet stay flat`).toBeLessThan(res.mujoco[k].footTilt + 0.01);
      expect(res.rapier[k].tilt, `rapier ${name}`).toBeLessThan(0.25);
    });
  });

  it('the foot-inertia floor is what keeps Rapier up: without it (feet at the 0.001 floor of the other links) the 25 N side push topples it', async () => {
    // the default inertiaFloor (0.005 since the solver was cut to 3 × 7) also stiffens the feet, so "without the foot
    // floor" means both floors back at round 1's 0.001
    const { out, engine } = await push('rapier', [[0, 25, 0]], { footInertiaFloor: 0, inertiaFloor: 0.001 });
    expect(engine.adjustments.join('\n')).not.toMatch(/foot \(ground-contact\)/);
    engine.free();
    expect(out[0].fell).toBe(true);
  });
});
