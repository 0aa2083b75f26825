// Rapier backend on the real G1: standing, read-back after reset, batches, explosions, contact forces.
import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { rng } from '../../src/core/math';
import { bodyMotion, controlStep, createEngine, type PhysicsEngine } from '../../src/core/physics/index';
import { ENV_SPACING } from '../../src/core/physics/rapier-world';
import { g1Gains, loadG1, standingGains, standingHeight } from './physics-fixture';

const model = loadG1();
const g = g1Gains(model);
const nj = model.joints.length;

const { kp: standKp, kd: standKd } = standingGains(model, g);

const stand = (e: PhysicsEngine, env: number, x = 0) =>
  e.reset(env, { rootPos: [x, 0, standingHeight(model, g.defaultPos)], rootQuat: [1, 0, 0, 0], jointPos: g.defaultPos });

describe('Rapier backend (G1)', () => {
  it('with the deploy gains the G1 cannot stand on PD alone: Rapier and MuJoCo both tip forward', async () => {
    // ankle kp 28.5 N·m/rad per leg is far below the body's gravity stiffness about the ankles (m·g·h ≈ 220).
    // "Forward" is read as the pelvis drops through 0.5 m (t ≈ 1.35 s: x ≈ 0.63 m in both engines): afterwards only the
    // feet collide, the body sinks through the floor and tumbles there (x at 2.5 s: MuJoCo 0.19, Rapier 0.07–0.28
    // depending on the solver settings)
    for (const kind of ['rapier', 'mujoco'] as const) {
      const e = await createEngine(kind, model, { armature: g.armature });
      e.setGains(g.kp, g.kd);
      stand(e, 0);
      e.setTargets(g.defaultPos);
      let xFalling = NaN;
      for (let i = 0; i < 500; i++) {
        e.step();
        if (Number.isNaN(xFalling) && e.state.rootPos[2] < 0.5) xFalling = e.state.rootPos[0];
      }
      expect(e.state.rootPos[2], kind).toBeLessThan(0.5);
      expect(xFalling, kind).toBeGreaterThan(0.1); // forward
      e.free();
    }
  });

  it('holds the default pose for 10 s on flat ground with standing gains (pelvis within 3 cm), as MuJoCo does', async () => {
    const mass = model.bodies.reduce((s, b) => s + b.mass, 0);
    const heights: Record<string, number> = {};
    for (const kind of ['rapier', 'mujoco'] as const) {
      const e = await createEngine(kind, model, { armature: g.armature });
      e.setGains(standKp, standKd);
      stand(e, 0);
      e.setTargets(g.defaultPos);
      const z0 = e.state.rootPos[2];
      let fz = 0,
        worst = 0;
      for (let i = 0; i < 2000; i++) {
        e.step();
        worst = Math.max(worst, Math.abs(e.state.rootPos[2] - z0));
        if (i >= 1800) for (const b of model.bodies) fz += e.state.contactForce[b.index * 3 + 2] / 200;
      }
      expect(worst, kind).toBeLessThan(0.03);
      const [, x, y] = Array.from(e.state.rootQuat);
      expect(1 - 2 * (x * x + y * y), kind).toBeGreaterThan(0.98); // upright
      // the ground carries the robot: total vertical contact force ≈ m·g
      expect(Math.abs(fz - mass * 9.81) / (mass * 9.81), kind).toBeLessThan(0.05);
      heights[kind] = e.state.rootPos[2];
      if (kind === 'rapier') {
        for (const b of model.bodies) if (!/ankle_roll/.test(b.name)) expect(e.state.contactForce[b.index * 3 + 2]).toBe(0);
        expect(e.adjustments.some((a) => a.includes('floored'))).toBe(true);
      }
      e.free();
    }
    expect(Math.abs(heights.rapier - heights.mujoco)).toBeLessThan(0.01);
  });

  it('reads back the joint angles set by reset to 1e-5 rad (random seeded states, both backends)', async () => {
    const r = rng(7);
    for (const kind of ['rapier', 'mujoco'] as const) {
      const e = await createEngine(kind, model, { n: 3 });
      for (let trial = 0; trial < 20; trial++) {
        const env = trial % 3;
        const jointPos = model.joints.map((j) => j.range![0] + r() * (j.range![1] - j.range![0]));
        const jointVel = model.joints.map(() => (r() - 0.5) * 4);
        const axis = [r() - 0.5, r() - 0.5, r() - 0.5],
          ang = r() * 6;
        const n = Math.hypot(axis[0], axis[1], axis[2]);
        const rootQuat = [Math.cos(ang / 2), ...axis.map((a) => (a / n) * Math.sin(ang / 2))];
        const rootPos = [r() * 2 - 1, r() * 2 - 1, 0.5 + r()];
        const rootAngVel = [r() - 0.5, r() - 0.5, r() - 0.5];
        e.reset(env, { rootPos, rootQuat, jointPos, jointVel, rootLinVel: [0.1, -0.2, 0.3], rootAngVel });
        const s = e.state;
        for (let j = 0; j < nj; j++) {
          expect(Math.abs(s.jointPos[env * nj + j] - jointPos[j]), `${kind} ${model.joints[j].name}`).toBeLessThan(1e-5);
          expect(Math.abs(s.jointVel[env * nj + j] - jointVel[j]), `${kind} ${model.joints[j].name} velocity`).toBeLessThan(1e-4);
        }
        for (let c = 0; c < 3; c++) {
          expect(Math.abs(s.rootPos[env * 3 + c] - rootPos[c])).toBeLessThan(1e-5);
          expect(Math.abs(s.rootAngVel[env * 3 + c] - rootAngVel[c])).toBeLessThan(1e-4);
        }
        expect(Math.abs(s.rootLinVel[env * 3 + 2] - 0.3)).toBeLessThan(1e-4);
        // every body's pose agrees with our kinematics
        const m = bodyMotion(model, { rootPos, rootQuat, jointPos, jointVel, rootLinVel: [0.1, -0.2, 0.3], rootAngVel });
        for (const b of model.bodies) {
          for (let c = 0; c < 3; c++) {
            expect(Math.abs(s.bodyPos[(env * s.nb + b.index) * 3 + c] - m.pos[b.index][c])).toBeLessThan(1e-5);
            expect(Math.abs(s.bodyLinVel[(env * s.nb + b.index) * 3 + c] - m.linVel[b.index][c]), `${kind} ${b.name}`).toBeLessThan(1e-3);
          }
        }
      }
      e.free();
    }
  });

  it('keeps a batch of 4 independent: different targets, overlapping robots never touch each other', async () => {
    const n = 4;
    const e = await createEngine('rapier', model, { n, armature: g.armature, groundContact: 'all' });
    e.setGains(standKp, standKd);
    // envs 0 and 1 stand on the very same spot of the world (env 1 shifted back by the grid spacing)
    stand(e, 0);
    stand(e, 1, -ENV_SPACING);
    stand(e, 2);
    stand(e, 3);
    const targets = new Float64Array(n * nj);
    const elbow = model.jointIndex.get('left_elbow_joint')!;
    for (let k = 0; k < n; k++) for (let j = 0; j < nj; j++) targets[k * nj + j] = g.defaultPos[j] + (j === elbow ? 0.3 * k : 0);
    e.setTargets(targets);
    for (let i = 0; i < 100; i++) controlStep(e, 4); // 2 s at 50 Hz control, decimation 4
    const s = e.state;
    for (let k = 0; k < n; k++) {
      expect(Math.abs(s.jointPos[k * nj + elbow] - targets[k * nj + elbow]), `env ${k}`).toBeLessThan(0.1);
      expect(s.rootPos[k * 3 + 2]).toBeGreaterThan(0.7);
    }
    // a reference single env with env 3's targets reaches the same elbow angle
    const single = await createEngine('rapier', model, { n: 1, armature: g.armature, groundContact: 'all' });
    single.setGains(standKp, standKd);
    stand(single, 0);
    single.setTargets(targets.subarray(3 * nj, 4 * nj));
    for (let i = 0; i < 400; i++) single.step();
    expect(Math.abs(single.state.jointPos[elbow] - s.jointPos[3 * nj + elbow])).toBeLessThan(0.01);
    // env 0 and env 1 share the space but not their contacts: both stand like env 2
    expect(Math.abs(s.rootPos[2] - s.rootPos[2 * 3 + 2])).toBeLessThan(0.01);
    expect(Math.abs(s.rootPos[1 * 3 + 2] - s.rootPos[2 * 3 + 2])).toBeLessThan(0.01);
    expect(Math.abs(s.rootPos[1 * 3] - -ENV_SPACING)).toBeLessThan(0.05);
    e.free();
    single.free();
  });

  it('throws SimulationError naming env and body instead of returning NaN state', async () => {
    for (const kind of ['rapier', 'mujoco'] as const) {
      const e = await createEngine(kind, model, { n: 2 });
      stand(e, 0);
      stand(e, 1);
      e.applyForce(1, model.bodyIndex.get('left_wrist_yaw_link')!, [1e9, 0, 0]);
      let err: unknown = null;
      try {
        for (let i = 0; i < 50; i++) e.step();
      } catch (x) {
        err = x;
      }
      expect(err, kind).toBeInstanceOf(MimicError);
      expect((err as MimicError).kind).toBe('SimulationError');
      expect((err as MimicError).where).toMatch(/^env 1 body /);
      e.free();
    }
  });

  it('applies gains, effort limits and external forces; clearForces stops a push', async () => {
    const e = await createEngine('rapier', model, { fixedRoot: true, armature: g.armature });
    const elbow = model.jointIndex.get('left_elbow_joint')!;
    const effort = model.joints.map((j) => j.effortLimit);
    effort[elbow] = 0.5;
    e.setGains(g.kp, g.kd, effort);
    e.reset(0, { rootPos: model.bodies[0].pos, rootQuat: model.bodies[0].quat, jointPos: g.defaultPos });
    const t = [...g.defaultPos];
    t[elbow] += 1;
    e.setTargets(t);
    e.step();
    expect(e.state.jointTorque[elbow]).toBeCloseTo(0.5, 6); // clipped PD torque
    for (let i = 0; i < 10; i++) e.step();
    e.clearForces(0);
    expect(e.state.jointPos[elbow]).toBeLessThan(t[elbow]);
    e.free();
  });
});
