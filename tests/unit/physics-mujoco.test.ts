// MuJoCo backend: the G1 file as is (meshes in MEMFS) and the MJCF generated from RobotModels (MJCF and URDF),
// plus the per-env perturbations both backends offer (friction, mass scale).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { loadRobot } from '../../src/core/model/index';
import { bodyMotion, createEngine, toMjcf, type PhysicsEngine } from '../../src/core/physics/index';
import { G1_DIR, g1File, g1Gains, g1Source, loadG1 } from './physics-fixture';

const model = loadG1();
const g = g1Gains(model);
const legsAndWaist = (name: string) => /hip|knee|ankle|waist/.test(name);
const standKp = g.kp.map((k, j) => (legsAndWaist(model.joints[j].name) ? k * 10 : k));
const standKd = g.kd.map((k, j) => (legsAndWaist(model.joints[j].name) ? k * Math.sqrt(10) : k));
const H = 0.7581; // root height that puts the G1's lowest foot sphere on the ground in the default pose
const stand = (e: PhysicsEngine, env: number) => e.reset(env, { rootPos: [0, 0, H], rootQuat: [1, 0, 0, 0], jointPos: g.defaultPos });
const mass = model.bodies.reduce((s, b) => s + b.mass, 0);
const totalFz = (e: PhysicsEngine, env: number) => {
  let f = 0;
  for (let b = 0; b < e.state.nb; b++) f += e.state.contactForce[(env * e.state.nb + b) * 3 + 2];
  return f;
};

describe('MuJoCo backend', () => {
  it('runs the G1 MJCF as is (meshes through MEMFS): stands with standing gains, contact force = weight', async () => {
    const e = await createEngine('mujoco', model, { armature: g.armature }, g1Source());
    e.setGains(standKp, standKd);
    stand(e, 0);
    e.setTargets(g.defaultPos);
    let fz = 0;
    for (let i = 0; i < 400; i++) {
      e.step();
      if (i >= 300) fz += totalFz(e, 0) / 100;
    }
    expect(Math.abs(e.state.rootPos[2] - H)).toBeLessThan(0.03);
    expect(Math.abs(fz - mass * 9.81) / (mass * 9.81)).toBeLessThan(0.05);
    // PD torque is the servo force, clipped to the effort limit
    const knee = model.jointIndex.get('left_knee_joint')!;
    expect(Math.abs(e.state.jointTorque[knee])).toBeGreaterThan(1);
    expect(e.adjustments.join(' ')).toMatch(/as is/);
    e.free();
  });

  it('generated MJCF (toMjcf) has the same kinematics as the original file', async () => {
    const xml = toMjcf(model, {});
    expect(xml).toContain('<freejoint');
    expect((xml.match(/<joint /g) ?? []).length).toBe(29);
    const a = await createEngine('mujoco', model, {}, g1Source());
    const b = await createEngine('mujoco', model, {});
    const s = { rootPos: [0.1, 0.2, 0.9], rootQuat: [0.9, 0.1, 0.3, 0.2], jointPos: g.defaultPos.map((q) => q + 0.1) };
    a.reset(0, s);
    b.reset(0, s);
    const m = bodyMotion(model, s);
    for (let i = 0; i < a.state.bodyPos.length; i++) expect(Math.abs(a.state.bodyPos[i] - b.state.bodyPos[i])).toBeLessThan(1e-6);
    for (const body of model.bodies)
      for (let c = 0; c < 3; c++) expect(Math.abs(a.state.bodyPos[body.index * 3 + c] - m.pos[body.index][c])).toBeLessThan(1e-6);
    a.free();
    b.free();
  });

  it('a broken MJCF source becomes a ModelError naming the file', async () => {
    const err = await createEngine(
      'mujoco',
      model,
      {},
      { xml: '<mujoco><worldbody><body name="pelvis"><geom type="mesh" mesh="nope"/></body></worldbody></mujoco>' },
    ).then(
      () => null,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(MimicError);
    expect((err as MimicError).kind).toBe('ModelError');
    expect((err as MimicError).message).toContain('g1_29dof_rev_1_0.xml');
  });

  it('runs a URDF robot through the generated MJCF', async () => {
    const file = 'g1_29dof_rev_1_0.urdf';
    const urdf = loadRobot(file, readFileSync(G1_DIR + file, 'utf8'), g1File);
    const e = await createEngine('mujoco', urdf, { fixedRoot: true, armature: g.armature });
    const kp = urdf.joints.map((j) => g.kp[model.jointIndex.get(j.name)!]);
    const kd = urdf.joints.map((j) => g.kd[model.jointIndex.get(j.name)!]);
    const pose = urdf.joints.map((j) => g.defaultPos[model.jointIndex.get(j.name)!]);
    e.setGains(kp, kd);
    e.reset(0, { rootPos: urdf.bodies[0].pos, rootQuat: urdf.bodies[0].quat, jointPos: pose });
    const elbow = urdf.jointIndex.get('left_elbow_joint')!;
    const t = [...pose];
    t[elbow] += 0.3;
    e.setTargets(t);
    for (let i = 0; i < 200; i++) e.step();
    expect(Math.abs(e.state.jointPos[elbow] - t[elbow])).toBeLessThan(0.1);
    e.free();
  });

  for (const kind of ['rapier', 'mujoco'] as const) {
    it(`${kind}: per-env friction and mass scale`, async () => {
      const e = await createEngine(kind, model, { n: 3, armature: g.armature });
      e.setGains(standKp, standKd);
      for (let k = 0; k < 3; k++) stand(e, k);
      e.setTargets([...g.defaultPos, ...g.defaultPos, ...g.defaultPos]);
      e.setFriction!(1, 0.02);
      const torso = model.bodyIndex.get('torso_link')!;
      e.setBodyMassScale!(2, torso, 2);
      for (let i = 0; i < 100; i++) e.step();
      // heavier torso: the ground carries the extra weight
      const extra = totalFz(e, 2) - totalFz(e, 0);
      expect(Math.abs(extra - model.bodies[torso].mass * 9.81)).toBeLessThan(0.15 * model.bodies[torso].mass * 9.81);
      // slippery ground: the same sideways push slides env 1 much further than env 0
      for (const k of [0, 1]) e.applyForce(k, 0, [0, 60, 0]);
      for (let i = 0; i < 100; i++) e.step();
      const y = (k: number) => e.state.bodyPos[(k * e.state.nb + model.bodyIndex.get('left_ankle_roll_link')!) * 3 + 1];
      expect(Math.abs(y(1))).toBeGreaterThan(Math.abs(y(0)) + 0.02);
      e.free();
    });
  }
});
