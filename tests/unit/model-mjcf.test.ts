// MJCF features (defaults, childclass, angle units, eulerseq, orientations, fromto, fullinertia,
// inertia from geoms, slide joints, several joints per body, actuators) checked against MuJoCo WASM.
import load from 'mujoco-js';
import { describe, expect, it } from 'vitest';
import { forwardKinematics, loadMjcf, mjcfKeyframes } from '../../src/core/model/index';
import { fromPrincipal } from '../../src/core/model/inertia';
import { qNormalize, rng } from '../../src/core/math';

const FEATURES = `<mujoco model="features">
  <compiler angle="degree" eulerseq="zyx" autolimits="true"/>
  <default>
    <joint damping="0.5" armature="0.01"/>
    <geom rgba="0.5 0.5 0.5 1" density="500"/>
    <default class="limb">
      <joint axis="0 1 0" range="-90 90"/>
      <geom type="capsule" size="0.04"/>
      <default class="thin">
        <geom size="0.02" contype="0" conaffinity="0"/>
      </default>
    </default>
  </default>
  <worldbody>
    <light pos="0 0 3"/>
    <geom name="floor" type="plane" size="5 5 0.1"/>
    <body name="base" pos="0 0 1" euler="10 20 30">
      <freejoint name="root"/>
      <geom type="box" size="0.1 0.15 0.05"/>
      <body name="arm" pos="0.1 0 0" axisangle="0 0 1 45" childclass="limb">
        <joint name="shoulder_y"/>
        <joint name="shoulder_x" axis="1 0 0" pos="0.01 0.02 0"/>
        <geom fromto="0 0 0 0.3 0 0"/>
        <body name="forearm" pos="0.3 0 0" xyaxes="0 1 0 -1 0 0">
          <joint name="elbow" range="0 120" armature="0.02"/>
          <geom class="thin" fromto="0 0 0 0.25 0.05 0"/>
          <body name="slider" pos="0.25 0 0" quat="0.9 0.1 0.2 0.3">
            <inertial pos="0.01 0.02 0.03" mass="0.3" fullinertia="0.002 0.003 0.004 0.0001 -0.0002 0.0003"/>
            <joint name="slide" type="slide" axis="1 1 0" range="-0.1 0.1"/>
          </body>
        </body>
      </body>
      <body name="leg" pos="0 0 -0.1" zaxis="0 1 1">
        <inertial pos="0 0 -0.1" euler="0 0 30" mass="2" diaginertia="0.01 0.02 0.03"/>
        <joint name="hip" type="hinge" axis="0 0 1" range="-45 45" actuatorfrcrange="-40 40"/>
        <geom type="cylinder" size="0.05 0.1" group="1"/>
        <geom type="sphere" size="0.05" pos="0 0 -0.2" friction="0.8"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="hip" gear="2" ctrlrange="-1 1"/>
    <position name="elbow_pd" joint="elbow" kp="50" kv="2" forcerange="-20 20"/>
    <motor joint="shoulder_x" gear="3" ctrlrange="-5 5"/>
    <motor joint="shoulder_y" gear="2" ctrlrange="-10 10" forcerange="-4 4"/>
    <position joint="slide" kp="10" ctrlrange="-0.1 0.1"/>
  </actuator>
  <keyframe><key name="k" qpos="0 0 1 1 0 0 0 0.1 0.2 0.3 0.04 0.5"/></keyframe>
</mujoco>`;

describe('MJCF features', () => {
  const m = loadMjcf(FEATURES, 'features.xml');

  it('reads defaults, childclass, units and actuators', () => {
    expect(m.joints.map((j) => j.name)).toEqual(['shoulder_y', 'shoulder_x', 'elbow', 'slide', 'hip']);
    expect(m.floating).toBe(true);
    const [sy, sx, el, sl, hip] = m.joints;
    expect(sy.axis).toEqual([0, 1, 0]);
    expect(sy.range![1]).toBeCloseTo(Math.PI / 2, 12);
    expect(sx.pos).toEqual([0.01, 0.02, 0]);
    expect(el.armature).toBe(0.02);
    expect(sy.armature).toBe(0.01);
    expect(sy.damping).toBe(0.5);
    expect(sl.type).toBe('slide');
    expect(sl.range).toEqual([-0.1, 0.1]); // slide ranges are lengths, not converted
    expect(hip.effortLimit).toBe(40);
    expect(el.effortLimit).toBe(20); // from the actuator's forcerange
    expect(sx.effortLimit).toBe(15); // a motor's control range × gear (force = gear × ctrl)
    expect(sy.effortLimit).toBe(8); // the smaller of force range × gear and control range × gear
    expect(sl.effortLimit).toBe(Infinity); // a position actuator's control range is a position
    expect(m.actuators.map((a) => [a.name, a.type, a.gear, a.kp, a.kv])).toEqual([
      ['hip', 'motor', 2, 0, 0],
      ['elbow_pd', 'position', 1, 50, 2],
      ['shoulder_x', 'motor', 3, 0, 0],
      ['shoulder_y', 'motor', 2, 0, 0],
      ['slide', 'position', 1, 10, 0],
    ]);
    const arm = m.bodies[m.bodyIndex.get('arm')!];
    expect(arm.collision[0].type).toBe('capsule');
    expect(arm.collision[0].size[0]).toBe(0.04);
    expect(arm.collision[0].size[1]).toBeCloseTo(0.15, 12);
    const fore = m.bodies[m.bodyIndex.get('forearm')!];
    expect(fore.collision).toHaveLength(0); // class "thin": contype = conaffinity = 0 → visual only
    expect(fore.visual[0].size[0]).toBe(0.02);
    const leg = m.bodies[m.bodyIndex.get('leg')!];
    expect(leg.visual.map((s) => s.type)).toEqual(['cylinder', 'sphere']); // group 1 cylinder; drawn sphere
    expect(leg.collision.map((s) => [s.type, s.friction])).toEqual([['sphere', 0.8]]);
    expect(mjcfKeyframes(FEATURES, 'features.xml')[0].qpos).toHaveLength(12);
  });

  it('agrees with MuJoCo WASM on masses, inertias and forward kinematics', async () => {
    const mj = await load();
    (mj.FS as unknown as { writeFile(p: string, d: string): void }).writeFile('/features.xml', FEATURES);
    const mjm = mj.MjModel.loadFromXML('/features.xml');
    const mjd = new mj.MjData(mjm);
    const nb = m.bodies.length;
    const bodyId = m.bodies.map((b) => mj.mj_name2id(mjm, mj.mjtObj.mjOBJ_BODY.value, b.name));
    for (let b = 0; b < nb; b++) {
      const id = bodyId[b],
        body = m.bodies[b];
      expect(body.mass).toBeCloseTo(mjm.body_mass[id], 9);
      // compare full inertia tensors about the com (principal values may come in another order)
      const ours = fromPrincipal(body.inertia, body.inertiaQuat);
      const theirs = fromPrincipal(
        [0, 1, 2].map((k) => mjm.body_inertia[id * 3 + k]),
        [0, 1, 2, 3].map((k) => mjm.body_iquat[id * 4 + k]),
      );
      for (let k = 0; k < 9; k++) expect(Math.abs(ours[k] - theirs[k])).toBeLessThan(1e-9);
      for (let k = 0; k < 3; k++) expect(body.com[k]).toBeCloseTo(mjm.body_ipos[id * 3 + k], 9);
    }
    const adr = m.joints.map((j) => mjm.jnt_qposadr[mj.mj_name2id(mjm, mj.mjtObj.mjOBJ_JOINT.value, j.name)]);
    m.joints.forEach((j, i) => {
      const id = mj.mj_name2id(mjm, mj.mjtObj.mjOBJ_JOINT.value, j.name);
      expect(j.range![0]).toBeCloseTo(mjm.jnt_range[id * 2], 12);
      expect(j.armature).toBeCloseTo(mjm.dof_armature[mjm.jnt_dofadr[id]], 12);
      expect(adr[i]).toBe(7 + i);
    });
    const rand = rng(3);
    const pos = new Float64Array(nb * 3),
      quat = new Float64Array(nb * 4);
    let worst = 0;
    for (let t = 0; t < 30; t++) {
      const root = [rand(), rand(), rand() + 0.5];
      const rq = qNormalize([rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5]);
      const q = m.joints.map((j) => j.range![0] + rand() * (j.range![1] - j.range![0]));
      const qpos = mjd.qpos as Float64Array;
      qpos.set([...root, ...rq, ...q]);
      mj.mj_kinematics(mjm, mjd);
      forwardKinematics(m, root, rq, q, pos, quat);
      for (let b = 0; b < nb; b++) {
        const id = bodyId[b];
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(pos[b * 3 + k] - mjd.xpos[id * 3 + k]));
        const dot = [0, 1, 2, 3].reduce((s, k) => s + quat[b * 4 + k] * mjd.xquat[id * 4 + k], 0);
        expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-10);
      }
    }
    expect(worst).toBeLessThan(1e-9);
    mjd.delete();
    mjm.delete();
  });
});
