// Robot files as mujoco_menagerie and others ship them: feet named in their own way (an H1's `left_ankle_link` with
// sphere knee pads, an OP3's `l_ank_roll_link`), geoms that collide only through <contact><pair> (Apollo), a static
// body beside the robot, no floor (robot files without their scene.xml) or a floor off z = 0 (Talos), joints no
// actuator drives, a file's own <option>. Our own small biped, "stilts": box soles named neither ankle-roll nor foot,
// sphere pads on its knees, no actuators. Both engines must stand it on its soles, and say what they changed.
import { describe, expect, it } from 'vitest';
import { footBodies } from '../../src/core/model/feet';
import { loadMjcf } from '../../src/core/model/index';
import type { RobotModel } from '../../src/core/model/types';
import { createEngine } from '../../src/core/physics/index';
import { asIsForRun } from '../../src/core/physics/mujoco-asis';
import { defaultPhysicsOptions } from '../../src/core/physics/types';
import { readFileSync } from 'node:fs';
import { AssetRegistry } from '../../src/app/assets';

const leg = (s: string, y: number) => `
      <body name="${s}_thigh" pos="0 ${y} -0.05">
        <joint name="${s}_hip" axis="0 1 0" range="-1 1"/>
        <inertial pos="0 0 -0.12" mass="2" diaginertia="0.02 0.02 0.005"/>
        <geom type="capsule" fromto="0 0 0 0 0 -0.25" size="0.03"/>
        <geom name="${s}_knee_pad" type="sphere" pos="0.04 0 -0.25" size="0.03"/>
        <body name="${s}_shank" pos="0 0 -0.25">
          <joint name="${s}_knee" axis="0 1 0" range="-0.1 2"/>
          <inertial pos="0 0 -0.12" mass="1.5" diaginertia="0.01 0.01 0.003"/>
          <geom type="capsule" fromto="0 0 0 0 0 -0.24" size="0.025"/>
          <body name="${s}_sole" pos="0 0 -0.29">
            <joint name="${s}_ankle" axis="0 1 0" range="-1 1"/>
            <inertial pos="0 0 0" mass="0.5" diaginertia="0.002 0.002 0.002"/>
            <geom name="${s}_sole_box" type="box" size="0.12 0.06 0.02" pos="0.03 0 0"/>
          </body>
        </body>
      </body>`;

/** The biped; `pairs`: every geom contype/conaffinity 0, the soles colliding with the file's floor through <pair>s. */
const stilts = (o: { pairs?: boolean; staticBody?: boolean; scene?: string } = {}) => `<mujoco model="stilts">
  <compiler angle="radian"/>${o.scene ?? ''}
  <default><joint armature="0.02"/>${o.pairs ? '<geom contype="0" conaffinity="0"/>' : ''}</default>
  <worldbody>
    ${o.pairs ? '<geom name="floor" type="plane" size="0 0 0.05"/>' : ''}
    ${o.staticBody ? '<body name="world_link" pos="0 0 0"/>' : ''}
    <body name="hips" pos="0 0 0.61">
      <freejoint/>
      <inertial pos="0 0 0" mass="8" diaginertia="0.1 0.1 0.1"/>
      <geom type="box" size="0.1 0.15 0.05"/>${leg('l', 0.1)}${leg('r', -0.1)}
    </body>
  </worldbody>
  ${o.pairs ? '<contact><pair geom1="l_sole_box" geom2="floor"/><pair geom1="floor" geom2="r_sole_box"/><exclude body1="l_thigh" body2="r_thigh"/></contact>' : ''}
</mujoco>`;

const names = (m: RobotModel, set: Iterable<number>) => [...set].map((b) => m.bodies[b].name);
/** The 1-based line of the text's first line holding `what`. */
const lineOf = (xml: string, what: string) => xml.split('\n').findIndex((l) => l.includes(what)) + 1;

/** Root height after 1 s holding every joint at 0 (PD), from the file's pose; and the engine's notes. */
async function stand(kind: 'rapier' | 'mujoco', xml: string): Promise<{ z0: number; z: number; notes: string[] }> {
  const m = loadMjcf(xml, 'stilts.xml');
  const e = await createEngine(kind, m, { n: 1 }, kind === 'mujoco' ? { xml, files: {} } : undefined);
  const q = m.joints.map(() => 0);
  e.setGains(
    q.map(() => 200),
    q.map(() => 4),
  );
  e.reset(0, { rootPos: [0, 0, 0.61], rootQuat: [1, 0, 0, 0], jointPos: q });
  e.setTargets(q);
  const z0 = e.state.rootPos[2];
  for (let k = 0; k < 200; k++) e.step();
  const out = { z0, z: e.state.rootPos[2], notes: [...e.adjustments] };
  e.free();
  return out;
}

describe('feet, contact pairs, static bodies and a missing floor', () => {
  it('feet are the soles (the lowest colliding bodies), not the bodies with sphere knee pads', () => {
    const m = loadMjcf(stilts(), 'stilts.xml');
    expect(names(m, footBodies(m))).toEqual(['l_sole', 'r_sole']);
    // named feet win when there are two: the G1's ankle-roll links
    const named = loadMjcf(stilts().replaceAll('_sole"', '_foot"'), 'stilts.xml');
    expect(names(named, footBodies(named))).toEqual(['l_foot', 'r_foot']);
  });

  it('both engines stand it on its soles; MuJoCo gets the floor the robot file lacks, and says so', async () => {
    for (const kind of ['rapier', 'mujoco'] as const) {
      const r = await stand(kind, stilts());
      expect(r.z, kind).toBeGreaterThan(r.z0 - 0.02); // before: Rapier let the soles through onto the knee pads (z ≈ 0.35)
      expect(r.z, kind).toBeLessThan(r.z0 + 0.01);
      if (kind === 'mujoco') expect(r.notes.join('\n')).toMatch(/the MJCF has no floor .*a plane at z = 0 added, friction 1/);
      else expect(r.notes.join('\n')).toMatch(/ground contact: foot shapes only \(l_sole, r_sole;/);
    }
  }, 60_000);

  it('geoms that collide only through <contact><pair> with the floor touch the ground in both engines', async () => {
    const xml = stilts({ pairs: true });
    const m = loadMjcf(xml, 'stilts.xml');
    expect(names(m, footBodies(m))).toEqual(['l_sole', 'r_sole']);
    const at = lineOf(xml, '<contact>');
    expect(m.warnings).toContain(`line ${at}: <contact>: 2 <pair>(s) of a robot geom with a world geom: those geoms touch the ground`);
    expect(m.warnings.some((w) => /0 robot–robot <pair>\(s\) and 1 <exclude>\(s\) shape self-collision: MuJoCo honours them/.test(w))).toBe(
      true,
    );
    for (const kind of ['rapier', 'mujoco'] as const) {
      const r = await stand(kind, xml);
      expect(r.z, kind).toBeGreaterThan(r.z0 - 0.02); // before: no shape collided in Rapier, it fell through the floor
      expect(r.notes.join('\n'), kind).not.toMatch(/has no floor/);
    }
  }, 60_000);

  it('a body with no joint fixed to the world beside the robot is scene, not robot', () => {
    const xml = stilts({ staticBody: true });
    const m = loadMjcf(xml, 'stilts.xml');
    expect(m.bodies.map((b) => b.name)).not.toContain('world_link');
    expect(m.bodies[0].name).toBe('hips');
    const at = lineOf(xml, 'world_link');
    expect(m.warnings).toContain(`line ${at}: body "world_link" has no joint and is fixed to the world: scene, not robot; left out`);
  });

  it("MuJoCo: a floor plane off z = 0 is moved there, undriven joints get servos, the file's <option> is said", async () => {
    // Talos's scene puts its floor at z = −1.01 m and drives no joint (explicit torques blew up its gripper fingers)
    const scene = `<option timestep="0.001" gravity="0 0 0.0001"/><worldbody><geom name="floor" type="plane" size="0 0 0.05" pos="0 0 -1"/></worldbody>`;
    const xml = stilts({ scene });
    const r = await stand('mujoco', xml);
    expect(r.z).toBeGreaterThan(r.z0 - 0.02); // before: it fell a metre onto the file's floor
    const said = r.notes.join('\n');
    expect(said).toMatch(/the MJCF's floor plane "floor" at z = -1 m moved to z = 0/);
    expect(said).toMatch(/get a motor, so their PD is a servo like the others: l_hip, l_knee, l_ankle, r_hip, r_knee, r_ankle/);
    expect(said).toMatch(/<option timestep="0.001"> replaced by the run's 0.005 s/);
    expect(said).toMatch(/<option gravity="0 0 0.0001"> replaced by 0 0 -9.81/);
    expect(said).not.toMatch(/explicit qfrc_applied PD/);
  }, 60_000);

  it("the G1's MJCF (floor, a motor per joint, no <option>) runs exactly as written", () => {
    const file = '../shared/assets/g1/g1_29dof_rev_1_0.xml';
    const xml = readFileSync(file, 'utf8');
    const out = asIsForRun(xml, file, loadMjcf(xml, file), defaultPhysicsOptions);
    expect(out.notes).toEqual([]);
    expect(out.xml).toBe(xml);
  });

  it('MuJoCo compiles inertias that break the triangle inequality as the robot model repaired them (balanceinertia)', async () => {
    const xml = stilts().replace('diaginertia="0.02 0.02 0.005"', 'diaginertia="0.3 0.02 0.005"'); // the left thigh
    const m = loadMjcf(xml, 'stilts.xml');
    expect(m.warnings.some((w) => /body "l_thigh": principal inertias .* break the triangle inequality/.test(w))).toBe(true);
    const r = await stand('mujoco', xml); // before: "MuJoCo could not compile the MJCF (mjCError)"
    expect(r.notes.join('\n')).toMatch(/MuJoCo compiles with balanceinertia="true"/);
    expect(r.z).toBeGreaterThan(r.z0 - 0.02);
  }, 60_000);

  it("dropped in the app: the pair-only biped stands on its soles' pairs; a URDF's COLLADA visual is left out, said", () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    const urdf = `<robot name="leg"><link name="base"><inertial><mass value="1"/><inertia ixx="0.01" iyy="0.01" izz="0.01"/></inertial>
      <visual><geometry><mesh filename="package://leg/meshes/base.dae"/></geometry></visual>
      <collision><geometry><box size="0.2 0.2 0.1"/></geometry></collision></link></robot>`;
    const assets = new AssetRegistry();
    const { added, errors } = assets.addFiles(
      [
        { path: 'stilts.xml', bytes: enc(stilts({ pairs: true })) },
        { path: 'leg/urdf/leg.urdf', bytes: enc(urdf) },
        { path: 'leg/meshes/base.dae', bytes: enc('<COLLADA/>') },
      ],
      null,
    );
    expect(errors).toEqual([]);
    expect(added.filter((r) => r.kind === 'robot').map((r) => r.files[0].path)).toEqual(['stilts.xml', 'leg/urdf/leg.urdf']);
    const [biped, leg] = added.filter((r) => r.kind === 'robot').map((r) => assets.robotOf(r.id));
    expect(names(biped, footBodies(biped))).toEqual(['l_sole', 'r_sole']);
    expect(biped.bodies.flatMap((b) => b.collision.filter((c) => c.groundPair).map((c) => c.name))).toEqual(['l_sole_box', 'r_sole_box']);
    expect(leg.warnings.some((w) => /1 visual mesh\(es\) in formats not read here .*base\.dae/.test(w))).toBe(true);
    expect(leg.bodies[0].visual).toEqual([]);
  });
});
