// Shared test/bench fixture for the physics backends: the G1 from ../shared/assets and the dance policy's gains.
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { loadRobot } from '../../src/core/model/index';
import type { RobotModel } from '../../src/core/model/types';
import { bodyMotion } from '../../src/core/physics/kinematics';

export const G1_DIR = '../shared/assets/g1/';
export const G1_XML = 'g1_29dof_rev_1_0.xml';
const DEPLOY = '../shared/assets/policies/g1-dance-102/deploy.yaml';

/** A file of the G1 folder by relative path (meshes), undefined when there is none. */
export const g1File = (p: string): Uint8Array | undefined => {
  try {
    return new Uint8Array(readFileSync(G1_DIR + p));
  } catch {
    return undefined;
  }
};

export function loadG1(): RobotModel {
  return loadRobot(G1_XML, readFileSync(G1_DIR + G1_XML, 'utf8'), g1File);
}

/** The G1 MJCF + its meshes, for the MuJoCo backend's `source` argument. */
export function g1Source(): { xml: string; files: Record<string, Uint8Array> } {
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(G1_DIR + 'meshes')) files['meshes/' + f] = new Uint8Array(readFileSync(G1_DIR + 'meshes/' + f));
  return { xml: readFileSync(G1_DIR + G1_XML, 'utf8'), files };
}

export interface G1Gains {
  kp: number[];
  kd: number[];
  armature: number[];
  defaultPos: number[];
}

/**
 * deploy.yaml gains in MODEL joint order (stiffness/damping are listed in MJCF order, mapped by name through the
 * MJCF joint list), armature = kp/(2π·10)², default pose from POLICY order (policy joint i = MJCF joint joint_ids_map[i]).
 */
export function g1Gains(model: RobotModel): G1Gains {
  const y = parse(readFileSync(DEPLOY, 'utf8')) as {
    joint_ids_map: number[];
    stiffness: number[];
    damping: number[];
    default_joint_pos: number[];
  };
  const xml = readFileSync(G1_DIR + G1_XML, 'utf8');
  const mjcfJoints = [...xml.matchAll(/<joint name="([^"]+)"[^>]*\/>/g)].map((m) => m[1]).filter((n) => n !== 'floating_base_joint');
  const nj = model.joints.length;
  const kp = new Array(nj).fill(0),
    kd = new Array(nj).fill(0),
    defaultPos = new Array(nj).fill(0);
  mjcfJoints.forEach((name, i) => {
    const j = model.jointIndex.get(name)!;
    kp[j] = y.stiffness[i];
    kd[j] = y.damping[i];
  });
  y.joint_ids_map.forEach((mj, i) => {
    defaultPos[model.jointIndex.get(mjcfJoints[mj])!] = y.default_joint_pos[i];
  });
  const w = 2 * Math.PI * 10;
  return { kp, kd, armature: kp.map((k) => k / (w * w)), defaultPos };
}

/** Standing gains: the deploy gains ×10 on legs and waist (kd ×√10), the arms as deployed. */
export function standingGains(model: RobotModel, g: G1Gains): { kp: number[]; kd: number[] } {
  const legsAndWaist = (j: number) => /hip|knee|ankle|waist/.test(model.joints[j].name);
  return { kp: g.kp.map((k, j) => (legsAndWaist(j) ? k * 10 : k)), kd: g.kd.map((k, j) => (legsAndWaist(j) ? k * Math.sqrt(10) : k)) };
}

/** Root height that puts the lowest collision sphere on z = 0 (plus 1 mm) in `pose` with an upright root. */
export function standingHeight(model: RobotModel, pose: number[]): number {
  const b = bodyMotion(model, { rootPos: [0, 0, 0], rootQuat: [1, 0, 0, 0], jointPos: pose });
  let low = Infinity;
  for (const body of model.bodies)
    for (const s of body.collision) {
      if (s.type !== 'sphere') continue;
      // sphere centre z in world = body origin + R * s.pos
      const [qw, qx, qy, qz] = b.quat[body.index],
        v = s.pos;
      const tx = 2 * (qy * v[2] - qz * v[1]),
        ty = 2 * (qz * v[0] - qx * v[2]),
        tz = 2 * (qx * v[1] - qy * v[0]);
      low = Math.min(low, b.pos[body.index][2] + v[2] + qw * tz + (qx * ty - qy * tx) - s.size[0]);
    }
  return -low + 0.001;
}

/**
 * Step per joint. Default: +0.3 rad (at most a quarter of the range), backwards when that would run into the upper
 * limit. The waist roll/pitch servos (kp 28.5) hold a torso whose gravity stiffness is nearly as large
 * (m·g·h ≈ 24 N·m/rad): the static stiffness left is ≈ 4.5 N·m/rad, so a step is amplified ~5–7× and a 0.26 rad
 * step ends on the ±0.52 stop in both engines (a limit comparison, not a PD one). Measured off-limit steps:
 * roll +0.02 (ends ≈ 0.11–0.13), pitch −0.06 (backwards: the torso's centre of mass sits ahead of the pitch axis,
 * so a forward step falls onto the front stop; ends ≈ −0.10).
 * The roll step is the largest remaining gap (0.128 vs 0.114 at 1 s): at rest Rapier's 8×4 PGS leaves ~6% of the roll
 * servo's torque unconverged on the 0.086 kg waist_roll_link, which the ~5× amplification turns into +25%
 * deflection (4 s: 0.120 vs 0.095; 16 PGS iterations or a 0.01 kg·m² inertia floor give 0.095).
 */
const WAIST_STEP: Record<string, number> = { waist_roll_joint: 0.02, waist_pitch_joint: -0.06 };

/** PD step target of joint j (physics-compare test and the physics bench's solver table). */
export function stepTarget(model: RobotModel, g: G1Gains, j: number): number {
  const jm = model.joints[j];
  if (WAIST_STEP[jm.name] !== undefined) return g.defaultPos[j] + WAIST_STEP[jm.name];
  const [lo, hi] = jm.range!;
  const size = Math.min(0.3, 0.25 * (hi - lo));
  return g.defaultPos[j] + size <= hi - 0.05 ? g.defaultPos[j] + size : g.defaultPos[j] - size;
}
