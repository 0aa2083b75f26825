// URDF specifics: fixed-joint merging (exact mass properties, shapes carried along), world link,
// joint kinds, limits, dynamics, materials.
import { describe, expect, it } from 'vitest';
import { forwardKinematics, loadUrdf } from '../../src/core/model/index';
import { fromPrincipal } from '../../src/core/model/inertia';
import { qFromEulerXYZ, qMul, qRotate, qToMat } from '../../src/core/math';

const ROBOT = `<robot name="r">
  <material name="blue"><color rgba="0 0 1 1"/></material>
  <link name="base">
    <inertial><origin xyz="0 0 0.1"/><mass value="1"/><inertia ixx="0.01" iyy="0.02" izz="0.03" ixy="0" ixz="0" iyz="0"/></inertial>
    <visual><geometry><box size="0.2 0.4 0.6"/></geometry><material name="blue"/></visual>
  </link>
  <link name="plate">
    <inertial><origin xyz="0.05 0 0" rpy="0 0 0.5"/><mass value="2"/><inertia ixx="0.004" iyy="0.005" izz="0.006" ixy="0.001" ixz="0" iyz="0"/></inertial>
    <collision><origin xyz="0 0.1 0"/><geometry><cylinder radius="0.05" length="0.2"/></geometry></collision>
  </link>
  <joint name="weld" type="fixed"><origin xyz="0.1 0 0" rpy="0.3 0 0"/><parent link="base"/><child link="plate"/></joint>
  <link name="wheel"><inertial><mass value="0.5"/><inertia ixx="0.001" iyy="0.001" izz="0.001"/></inertial></link>
  <joint name="spin" type="continuous"><origin xyz="0 0.2 0"/><parent link="plate"/><child link="wheel"/><axis xyz="0 2 0"/>
    <dynamics damping="0.3" friction="0.1"/><limit effort="7" velocity="9"/></joint>
  <link name="rail"><inertial><mass value="0.2"/><inertia ixx="0.001" iyy="0.001" izz="0.001"/></inertial></link>
  <joint name="push" type="prismatic"><parent link="base"/><child link="rail"/><axis xyz="1 0 0"/><limit lower="-0.1" upper="0.2" effort="50" velocity="1"/></joint>
</robot>`;

describe('URDF loader', () => {
  const m = loadUrdf(ROBOT, 'r.urdf');

  it('merges a fixed child into its parent with exact mass, com and inertia', () => {
    expect(m.bodies.map((b) => b.name)).toEqual(['base', 'wheel', 'rail']);
    const base = m.bodies[0];
    expect(base.mass).toBeCloseTo(3, 12);
    // plate frame in base: p = (0.1,0,0), R = rx(0.3); plate com in base = p + R·(0.05,0,0)
    const qPlate = qFromEulerXYZ(0.3, 0, 0);
    const cPlate = [0.1 + 0.05, 0, 0];
    const com = [(0 + 2 * cPlate[0]) / 3, (0 + 2 * cPlate[1]) / 3, (0.1 + 2 * cPlate[2]) / 3];
    for (let k = 0; k < 3; k++) expect(base.com[k]).toBeCloseTo(com[k], 12);
    // expected tensor: Σ R I Rᵀ + m (|d|² E − d dᵀ)
    const rot = (I: number[], q: number[]): number[] => {
      const R = qToMat(q);
      const out = new Array<number>(9).fill(0);
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 3; c++)
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) out[r * 3 + c] += R[r * 3 + a] * I[a * 3 + b] * R[c * 3 + b];
      return out;
    };
    const pa = (mass: number, d: number[]): number[] => {
      const dd = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
      return [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => mass * ((k % 4 === 0 ? dd : 0) - d[Math.floor(k / 3)] * d[k % 3]));
    };
    const Ia = [0.01, 0, 0, 0, 0.02, 0, 0, 0, 0.03];
    const Ib = rot([0.004, 0.001, 0, 0.001, 0.005, 0, 0, 0, 0.006], qMul(qPlate, qFromEulerXYZ(0, 0, 0.5)));
    const da = [0 - com[0], 0 - com[1], 0.1 - com[2]],
      db = [cPlate[0] - com[0], cPlate[1] - com[1], cPlate[2] - com[2]];
    const expected = Ia.map((x, k) => x + Ib[k] + pa(1, da)[k] + pa(2, db)[k]);
    const ours = fromPrincipal(base.inertia, base.inertiaQuat);
    for (let k = 0; k < 9; k++) expect(ours[k]).toBeCloseTo(expected[k], 12);
  });

  it("moves the merged link's shapes and child joints with the fixed transform", () => {
    const base = m.bodies[0];
    expect(base.visual[0].size).toEqual([0.1, 0.2, 0.3]);
    expect(base.visual[0].rgba).toEqual([0, 0, 1, 1]);
    const cyl = base.collision[0];
    expect(cyl.type).toBe('cylinder');
    expect(cyl.size).toEqual([0.05, 0.1]);
    const expectPos = [0.1, 0, 0].map((x, k) => x + qRotate(qFromEulerXYZ(0.3, 0, 0), [0, 0.1, 0])[k]);
    for (let k = 0; k < 3; k++) expect(cyl.pos[k]).toBeCloseTo(expectPos[k], 12);
    const wheel = m.bodies[1];
    expect(wheel.parent).toBe(0);
    const wp = [0.1, 0, 0].map((x, k) => x + qRotate(qFromEulerXYZ(0.3, 0, 0), [0, 0.2, 0])[k]);
    for (let k = 0; k < 3; k++) expect(wheel.pos[k]).toBeCloseTo(wp[k], 12);
  });

  it('a <mimic> joint is loaded as a joint of its own, and the coupling it loses is said', () => {
    const mimic = ROBOT.replace(
      '<dynamics damping="0.3" friction="0.1"/>',
      '<dynamics damping="0.3" friction="0.1"/><mimic joint="push" multiplier="-2" offset="0.1"/>',
    );
    const r = loadUrdf(mimic, 'r.urdf');
    expect(r.joints.map((j) => j.name)).toEqual(['spin', 'push']);
    expect(m.warnings.some((w) => w.includes('mimic'))).toBe(false);
    const said = r.warnings.filter((w) => w.includes('<mimic>'));
    expect(said).toEqual([
      `line ${mimic.split('\n').findIndex((l) => l.includes('<mimic')) + 1}: joint "spin" <mimic> (-2 · "push" + 0.1) is not modelled; the joint moves on its own`,
    ]);
  });

  it('a visual mesh in a format not read here (COLLADA) is left out and said; a collision one is a named error', () => {
    const dae = ROBOT.replace(
      '<visual><geometry><box size="0.2 0.4 0.6"/></geometry>',
      '<visual><geometry><mesh filename="package://r/meshes/base.dae"/></geometry></visual><visual><geometry><box size="0.2 0.4 0.6"/></geometry>',
    );
    const r = loadUrdf(dae, 'r.urdf', () => new Uint8Array(0));
    expect(r.bodies[0].visual.map((v) => v.type)).toEqual(['box']);
    expect(r.warnings.filter((w) => w.includes('visual mesh'))).toEqual([
      `1 visual mesh(es) in formats not read here (STL and OBJ are) left out: drawing only, the physics is unchanged (line ${dae.split('\n').findIndex((l) => l.includes('base.dae')) + 1}: "package://r/meshes/base.dae")`,
    ]);
    const hit = dae.replace(
      '<collision><origin xyz="0 0.1 0"/><geometry><cylinder radius="0.05" length="0.2"/>',
      '<collision><origin xyz="0 0.1 0"/><geometry><mesh filename="plate.DAE"/>',
    );
    expect(() => loadUrdf(hit, 'r.urdf', () => new Uint8Array(0))).toThrow(
      /MeshError in r\.urdf at line \d+: collision mesh "plate\.DAE": \.dae meshes \(COLLADA\) are not read here; STL and OBJ are: convert it/,
    );
  });

  it('principal inertias that break the triangle inequality are set to their mean, as MuJoCo balances them, and said', () => {
    const bad = ROBOT.replace(
      '<inertia ixx="0.001" iyy="0.001" izz="0.001"/></inertial></link>\n  <joint name="spin"',
      '<inertia ixx="0.3" iyy="0.01" izz="0.02"/></inertial></link>\n  <joint name="spin"',
    );
    expect(bad).not.toBe(ROBOT);
    const r = loadUrdf(bad, 'r.urdf');
    const wheel = r.bodies[r.bodyIndex.get('wheel')!];
    for (const x of wheel.inertia) expect(x).toBeCloseTo(0.11, 12);
    expect(
      r.warnings.some((w) =>
        /body "wheel": principal inertias .* break the triangle inequality .*: set to their mean 0\.11, as MuJoCo's balanceinertia does/.test(
          w,
        ),
      ),
    ).toBe(true);
    expect(m.warnings.some((w) => w.includes('triangle'))).toBe(false);
  });

  it('reads joint kinds, limits and dynamics; the root link floats', () => {
    expect(m.floating).toBe(true);
    const [spin, push] = m.joints;
    expect(spin.type).toBe('hinge');
    expect(spin.range).toBeNull();
    expect(spin.axis).toEqual([0, 1, 0]);
    expect([spin.damping, spin.frictionloss, spin.effortLimit, spin.velocityLimit]).toEqual([0.3, 0.1, 7, 9]);
    expect(push.type).toBe('slide');
    expect(push.range).toEqual([-0.1, 0.2]);
    expect(m.actuators.map((a) => a.forceRange)).toEqual([
      [-7, 7],
      [-50, 50],
    ]);
    const pos = new Float64Array(9),
      quat = new Float64Array(12);
    forwardKinematics(m, [1, 2, 3], [1, 0, 0, 0], [0.7, 0.15], pos, quat);
    expect(Array.from(pos.slice(6, 9))).toEqual([1.15, 2, 3]);
    // wheel: base · weld roll 0.3 about x · spin 0.7 about y
    const qw = qMul(qFromEulerXYZ(0.3, 0, 0), [Math.cos(0.35), 0, Math.sin(0.35), 0]);
    for (let k = 0; k < 4; k++) expect(quat[4 + k]).toBeCloseTo(qw[k], 12);
  });

  it('a massless "world" root anchors the robot: fixed → fixed base, floating → floating base', () => {
    const body = ROBOT.replace('<robot name="r">', '<robot name="r"><link name="world"/>');
    const fixed = loadUrdf(
      body.replace(
        '</robot>',
        '<joint name="anchor" type="fixed"><origin xyz="0 0 1"/><parent link="world"/><child link="base"/></joint></robot>',
      ),
      'f.urdf',
    );
    expect(fixed.floating).toBe(false);
    expect(fixed.bodies[0].name).toBe('base');
    expect(fixed.bodies[0].pos).toEqual([0, 0, 1]);
    const free = loadUrdf(
      body.replace('</robot>', '<joint name="fb" type="floating"><parent link="world"/><child link="base"/></joint></robot>'),
      'g.urdf',
    );
    expect(free.floating).toBe(true);
    expect(free.joints.map((j) => j.name)).toEqual(['spin', 'push']);
  });
});
