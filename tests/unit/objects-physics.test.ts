// Objects in both engines: a dropped ball bounces and comes to rest at matching heights; the robot file's own
// ball is an object; contact flags name the robot body that touches an object.
import { describe, expect, test } from 'vitest';
import { primitiveObject } from '../../src/core/model/objects';
import { createMujocoEngine } from '../../src/core/physics/mujoco';
import { createRapierEngine } from '../../src/core/physics/rapier';
import type { RobotModel } from '../../src/core/model/types';
import type { MujocoSource } from '../../src/core/physics/mujoco';
import type { PhysicsEngine, PhysicsOptions } from '../../src/core/physics/types';
import { loadScene, SCENE_XML } from './objects-fixture';

const engines = {
  rapier: (m: RobotModel, o: Partial<PhysicsOptions>) => createRapierEngine(m, o),
  mujoco: (m: RobotModel, o: Partial<PhysicsOptions>, src?: MujocoSource) => createMujocoEngine(m, o, src),
};

/** Heights of the ball's centre at each apex above its radius + 5 mm, and the final height and speed. */
function drop(engine: PhysicsEngine, steps: number) {
  const z: number[] = [];
  for (let i = 0; i < steps; i++) {
    engine.step();
    z.push(engine.objects!.pos[2]);
  }
  const apex: number[] = [];
  for (let i = 1; i < z.length - 1; i++) if (z[i] > z[i - 1] && z[i] >= z[i + 1] && z[i] > 0.105) apex.push(z[i]);
  const v = engine.objects!.linVel;
  return { apex, rest: z[z.length - 1], speed: Math.hypot(v[0], v[1], v[2]) };
}

describe('a dropped ball (r 0.1 m, 0.45 kg, restitution 0.5, from 1 m)', () => {
  const { model } = loadScene();
  const ball = primitiveObject({ shape: 'sphere', size: [0.1], mass: 0.45, restitution: 0.5, pos: [0, 0, 1] }, 'ball.json', []);
  test('bounces and comes to rest in both engines; apex heights within 0.05 m of each other', async () => {
    const out: Record<string, ReturnType<typeof drop>> = {};
    for (const [name, make] of Object.entries(engines)) {
      const e = await make(model, { fixedRoot: true, objects: [ball] });
      out[name] = drop(e, 600);
      e.free();
    }
    const { rapier, mujoco } = out;
    // ideal first apex: 0.1 + e²·0.9 = 0.325 m; measured Rapier 0.320, MuJoCo 0.362 (README)
    expect(rapier.apex[0]).toBeGreaterThan(0.28);
    expect(rapier.apex[0]).toBeLessThan(0.37);
    expect(Math.abs(rapier.apex[0] - mujoco.apex[0])).toBeLessThan(0.05);
    expect(Math.abs(rapier.apex[1] - mujoco.apex[1])).toBeLessThan(0.05);
    for (const r of [rapier, mujoco]) {
      expect(r.apex.length).toBeGreaterThanOrEqual(2);
      expect(Math.abs(r.rest - 0.1)).toBeLessThan(0.002);
      expect(r.speed).toBeLessThan(0.01);
    }
  }, 60000);
});

describe('objects from the robot file', () => {
  test('the free ball is not part of the robot; it falls in both engines (MuJoCo loading the file as is)', async () => {
    const { model, objects, warnings } = loadScene();
    expect(model.bodies.map((b) => b.name)).toEqual(['base', 'arm']);
    expect(objects.map((o) => o.name)).toEqual(['ball']);
    expect(model.warnings.some((w) => w.includes('"ball" is loaded as a scene object'))).toBe(true);
    // the ball's mass came from its geom (density 1000): 4/3 π 0.1³ · 1000 = 4.19 kg
    expect(objects[0].mass).toBeCloseTo(4.18879, 4);
    expect(warnings).toEqual([]);
    for (const [name, make] of Object.entries(engines)) {
      const e = await make(model, { objects, groundContact: 'all' }, { xml: SCENE_XML });
      for (let i = 0; i < 100; i++) e.step();
      // free fall for 0.5 s from 1 m: z = 1 − g t²/2 = −0.23 → on the floor by then
      expect(e.objects!.pos[2], name).toBeLessThan(0.5);
      e.reset(0, { rootPos: [3, 0, 0.3], rootQuat: [1, 0, 0, 0], jointPos: [0] });
      expect(e.objects!.pos[2], name).toBeCloseTo(1, 5);
      e.free();
    }
  }, 60000);

  test('contact flags: the ball resting on the arm flags the arm only', async () => {
    const { model } = loadScene();
    // arm tip at x = 3, z ≈ 0.3 + 0.35 + 0.2 + 0.03; a small ball dropped right on top of it
    const ball = primitiveObject({ shape: 'sphere', size: [0.04], mass: 0.05, pos: [3, 0, 1.0] }, 'ball.json', []);
    for (const [name, make] of Object.entries(engines)) {
      const e = await make(model, { fixedRoot: true, objects: [ball], selfCollision: true, groundContact: 'all' });
      e.setGains([50], [2]);
      e.setTargets([0]);
      let touched = -1;
      for (let i = 0; i < 120 && touched < 0; i++) {
        e.step();
        const c = e.objects!.contact;
        if (c[1]) touched = i;
        expect(c[0], name).toBe(0);
      }
      expect(touched, name).toBeGreaterThan(0);
      e.free();
    }
  }, 60000);
});
