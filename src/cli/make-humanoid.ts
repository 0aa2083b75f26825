/**
 * Generates public/robots/humanoid29.xml, the app's built-in humanoid: the G1's 29-DoF kinematic tree
 * (joint/body names, axes, positions, limits, effort limits, masses and inertias — public figures read
 * from the G1 MJCF in ../shared/assets) drawn with primitives only, armatures from the G1 motor
 * classes, position actuators with BeyondMimic's gains and a standing keyframe.
 *
 *   npx tsx src/cli/make-humanoid.ts [path/to/g1.xml] [out.xml]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { forwardKinematics, loadMjcf, type Body, type RobotModel } from '../core/model/index';

const G1 = process.argv[2] ?? '../shared/assets/g1/g1_29dof_rev_1_0.xml';
const OUT = process.argv[3] ?? 'public/robots/humanoid29.xml';
const INERTIA_FLOOR = 1e-5; // kg·m², for the tiny G1 links (waist roll, ankle pitch)
const OMEGA = 2 * Math.PI * 10; // natural frequency 10 Hz
const ZETA = 2; // damping ratio (BeyondMimic)

/** Motor classes of the G1 (reflected rotor inertia, kg·m²). */
const MOTORS: { cls: string; armature: number; match: RegExp }[] = [
  { cls: 'm7520_14', armature: 0.01017752, match: /hip_pitch|hip_yaw|waist_yaw/ },
  { cls: 'm7520_22', armature: 0.025101925, match: /hip_roll|knee/ },
  { cls: 'm5020x2', armature: 2 * 0.003609725, match: /ankle|waist_roll|waist_pitch/ },
  { cls: 'm4010', armature: 0.00425, match: /wrist_pitch|wrist_yaw/ },
  { cls: 'm5020', armature: 0.003609725, match: /shoulder|elbow|wrist_roll/ },
];

/** The standing pose (slightly bent knees, like the G1's default). */
const STAND: Record<string, number> = {
  left_hip_pitch_joint: -0.312,
  right_hip_pitch_joint: -0.312,
  left_knee_joint: 0.669,
  right_knee_joint: 0.669,
  left_ankle_pitch_joint: -0.363,
  right_ankle_pitch_joint: -0.363,
  left_elbow_joint: 0.6,
  right_elbow_joint: 0.6,
  left_shoulder_roll_joint: 0.2,
  right_shoulder_roll_joint: -0.2,
  left_shoulder_pitch_joint: 0.2,
  right_shoulder_pitch_joint: 0.2,
};

const FOOT_SPHERES = [
  [-0.05, 0.025, -0.03],
  [-0.05, -0.025, -0.03],
  [0.12, 0.03, -0.03],
  [0.12, -0.03, -0.03],
];
const FOOT_RADIUS = 0.005;

const f = (x: number, digits = 7): string => {
  const s = Number(x.toPrecision(digits));
  return Object.is(s, -0) || Math.abs(s) < 1e-12 ? '0' : String(s);
};
const v = (a: ArrayLike<number>): string => Array.from(a, (x) => f(x)).join(' ');
const motorOf = (joint: string) => {
  const m = MOTORS.find((k) => k.match.test(joint));
  if (!m) throw new Error(`no motor class for ${joint}`);
  return m;
};

/** Capsule radius for a limb segment by body name. */
const limbRadius = (body: string): number =>
  /hip_roll|hip_yaw/.test(body)
    ? 0.05
    : /knee/.test(body)
      ? 0.042
      : /hip_pitch/.test(body)
        ? 0.045
        : /shoulder/.test(body)
          ? 0.034
          : /elbow/.test(body)
            ? 0.03
            : /wrist/.test(body)
              ? 0.026
              : 0.03;

const COLORS = { shell: '0.86 0.87 0.9 1', dark: '0.18 0.19 0.22 1', accent: '0.95 0.55 0.15 1', foot: '0.85 0.2 0.2 1' };

function shapes(g1: RobotModel, b: Body): string[] {
  const out: string[] = [];
  const kids = g1.bodies.filter((c) => c.parent === b.index);
  if (b.name === 'pelvis') out.push(`<geom type="box" size="0.055 0.1 0.05" pos="0 0 -0.07" rgba="${COLORS.dark}"/>`);
  else if (b.name === 'torso_link') {
    out.push(`<geom type="box" size="0.07 0.1 0.12" pos="0 0 0.18" rgba="${COLORS.shell}"/>`);
    out.push(`<geom type="capsule" fromto="0 0 0.3 0 0 0.36" size="0.03" rgba="${COLORS.dark}"/>`);
    out.push(`<geom type="sphere" size="0.075" pos="0.01 0 0.42" rgba="${COLORS.dark}"/>`);
    out.push(`<geom type="capsule" fromto="0 0.1 0.25 0 -0.1 0.25" size="0.035" rgba="${COLORS.shell}"/>`);
  } else if (/ankle_roll/.test(b.name)) {
    out.push(`<geom type="box" size="0.095 0.035 0.014" pos="0.035 0 -0.016" rgba="${COLORS.dark}"/>`);
    for (const p of FOOT_SPHERES) out.push(`<geom class="foot" pos="${v(p)}"/>`);
  } else if (/wrist_yaw/.test(b.name)) {
    out.push(`<geom type="capsule" fromto="0.01 0 0 0.1 0 0" size="0.028" rgba="${COLORS.dark}"/>`);
  } else if (/ankle_pitch|waist_roll/.test(b.name)) {
    out.push(`<geom type="sphere" size="${/ankle/.test(b.name) ? 0.03 : 0.035}" rgba="${COLORS.accent}"/>`);
  } else if (/waist_yaw/.test(b.name)) {
    out.push(`<geom type="cylinder" size="0.05 0.025" pos="0 0 0.02" rgba="${COLORS.accent}"/>`);
  }
  if (!/pelvis|torso|waist/.test(b.name))
    for (const c of kids)
      if (Math.hypot(...c.pos) > 0.02)
        out.push(`<geom type="capsule" fromto="0 0 0 ${v(c.pos)}" size="${limbRadius(b.name)}" rgba="${COLORS.shell}"/>`);
  return out;
}

function bodyXml(g1: RobotModel, b: Body, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const quat = b.quat[0] === 1 && b.quat[1] === 0 && b.quat[2] === 0 && b.quat[3] === 0 ? '' : ` quat="${v(b.quat)}"`;
  const lines = [`${pad}<body name="${b.name}" pos="${v(b.pos)}"${quat}>`];
  const inertia = b.inertia.map((x) => Math.max(x, INERTIA_FLOOR));
  lines.push(`${pad}  <inertial pos="${v(b.com)}" quat="${v(b.inertiaQuat)}" mass="${f(b.mass)}" diaginertia="${v(inertia)}"/>`);
  if (b.parent < 0) lines.push(`${pad}  <freejoint name="floating_base_joint"/>`);
  for (const ji of b.joints) {
    const j = g1.joints[ji];
    lines.push(
      `${pad}  <joint name="${j.name}" class="${motorOf(j.name).cls}" axis="${v(j.axis)}" range="${v(j.range!)}" actuatorfrcrange="${f(-j.effortLimit)} ${f(j.effortLimit)}"/>`,
    );
  }
  for (const s of shapes(g1, b)) lines.push(`${pad}  ${s}`);
  for (const c of g1.bodies) if (c.parent === b.index) lines.push(...bodyXml(g1, c, depth + 1));
  lines.push(`${pad}</body>`);
  return lines;
}

function standHeight(xml: string): number {
  const m = loadMjcf(xml, 'humanoid29.xml');
  const q = m.joints.map((j) => STAND[j.name] ?? 0);
  const pos = new Float64Array(m.bodies.length * 3),
    quat = new Float64Array(m.bodies.length * 4);
  forwardKinematics(m, [0, 0, 0], [1, 0, 0, 0], q, pos, quat);
  let low = Infinity;
  for (const b of m.bodies)
    for (const s of b.collision) {
      const i = b.index;
      const [w, x, y, z] = Array.from(quat.subarray(i * 4, i * 4 + 4));
      const p = s.pos;
      // world z of the shape centre: row 3 of the rotation matrix
      const wz = pos[i * 3 + 2] + 2 * (x * z - w * y) * p[0] + 2 * (y * z + w * x) * p[1] + (1 - 2 * (x * x + y * y)) * p[2];
      low = Math.min(low, wz - s.size[0]);
    }
  return -low;
}

function main(): void {
  const g1 = loadMjcf(readFileSync(G1, 'utf8'), 'g1_29dof_rev_1_0.xml');
  const kp = (a: number): string => f(a * OMEGA * OMEGA, 10);
  const kv = (a: number): string => f(2 * ZETA * a * OMEGA, 10);
  const defaults = MOTORS.map(
    (m) =>
      `    <default class="${m.cls}">\n      <joint armature="${f(m.armature, 10)}"/>\n      <position kp="${kp(m.armature)}" kv="${kv(m.armature)}"/>\n    </default>`,
  );
  const body = bodyXml(g1, g1.bodies[0], 2);
  const actuators = g1.joints.map(
    (j) =>
      `    <position name="${j.name}" joint="${j.name}" class="${motorOf(j.name).cls}" forcerange="${f(-j.effortLimit)} ${f(j.effortLimit)}"/>`,
  );
  const head = (h: number): string => `<!--
  humanoid29: the built-in humanoid of this project (generated by src/cli/make-humanoid.ts; do not edit by hand).
  Kinematics, limits, effort limits, masses and inertias follow the public figures of the Unitree G1 29-DoF
  (principal inertias floored at ${INERTIA_FLOOR} kg m^2); shapes are primitives (capsule limbs, box pelvis / torso / feet,
  sphere head). Joint and body names equal the G1's, so G1 motions and policies address it by name.

  Contacts: only the four 5 mm spheres under each foot collide (class "foot": contype = conaffinity = 1, like a
  default floor). Every other geom is visual only (contype = conaffinity = 0, group 1): the body neither touches
  the ground nor itself.

  Armature (reflected rotor inertia) per G1 motor class: 7520-14 ${MOTORS[0].armature}, 7520-22 ${MOTORS[1].armature},
  5020 ${MOTORS[4].armature}, 4010 ${MOTORS[3].armature}; ankles and waist roll/pitch use two 5020s (2x).
  Default PD gains (BeyondMimic's rule): kp = a * w^2, kd = 2 * zeta * a * w with w = 2 pi * 10 Hz, zeta = ${ZETA},
  written as the position actuators' kp / kv (e.g. 7520-14: kp ${kp(MOTORS[0].armature)}, kd ${kv(MOTORS[0].armature)}).
  Keyframe "stand": knees slightly bent; root height ${f(h)} m puts the lowest foot sphere on z = 0.
-->
<mujoco model="humanoid29">
  <compiler angle="radian" autolimits="true"/>
  <option timestep="0.005"/>
  <default>
    <geom contype="0" conaffinity="0" group="1" density="0"/>
    <default class="foot">
      <geom type="sphere" size="${FOOT_RADIUS}" contype="1" conaffinity="1" group="0" friction="1" rgba="${COLORS.foot}"/>
    </default>
${defaults.join('\n')}
  </default>
  <worldbody>
    <light pos="1 0 3.5" dir="0 0 -1" directional="true"/>
    <geom name="floor" type="plane" size="0 0 0.05" contype="1" conaffinity="1" group="0" rgba="0.3 0.35 0.4 1"/>
${body.join('\n')}
  </worldbody>
  <actuator>
${actuators.join('\n')}
  </actuator>
  <keyframe>
    <key name="stand" qpos="0 0 ${f(h)} 1 0 0 0 ${g1.joints.map((j) => f(STAND[j.name] ?? 0)).join(' ')}"/>
  </keyframe>
</mujoco>
`;
  const h = standHeight(head(0));
  writeFileSync(OUT, head(h));
  console.log(`wrote ${OUT}: ${g1.joints.length} joints, ${g1.bodies.length} bodies, stand height ${f(h)} m`);
}

main();
