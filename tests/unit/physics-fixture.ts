// Shared test/bench fixture for the physics backends: the G1 from ../shared/assets and the dance policy's gains.
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { loadRobot } from '../../src/core/model/index';
import type { RobotModel } from '../../src/core/model/types';
import { bodyMotion } from '../../src/core/physics/kinematics';

export const G1_DIR = '../shared/assets/g1/';
export const G1_XML = 'g1_29dof_rev_1_0.xml';
const DEPLOY = '../shared/assets/policies/g1-dance-102/deploy.yaml';

const resolve = (p: string): Uint8Array | undefined => {
  try { return new Uint8Array(readFileSync(G1_DIR + p)); } catch { return undefined; }
};

export function loadG1(): RobotModel {
  return loadRobot(G1_XML, readFileSync(G1_DIR + G1_XML, 'utf8'), resolve);
}

/** The G1 MJCF + its meshes, for the MuJoCo backend's `source` argument. */
export function g1Source(): { xml: string; files: Record<string, Uint8Array> } {
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(G1_DIR + 'meshes')) files['meshes/' + f] = new Uint8Array(readFileSync(G1_DIR + 'meshes/' + f));
  return { xml: readFileSync(G1_DIR + G1_XML, 'utf8'), files };
}

export interface G1Gains { kp: number[]; kd: number[]; armature: number[]; defaultPos: number[] }

/**
 * deploy.yaml gains in MODEL joint order (stiffness/damping are listed in MJCF order, mapped by name through the
 * MJCF joint list), armature = kp/(2π·10)², default pose from POLICY order (policy joint i = MJCF joint joint_ids_map[i]).
 */
export function g1Gains(model: RobotModel): G1Gains {
  const y = parse(readFileSync(DEPLOY, 'utf8')) as { joint_ids_map: number[]; stiffness: number[]; damping: number[]; default_joint_pos: number[] };
  const xml = readFileSync(G1_DIR + G1_XML, 'utf8');
  const mjcfJoints = [...xml.matchAll(/<joint name="([^"]+)"[^>]*\/>/g)].map((m) => m[1]).filter((n) => n !== 'floating_base_joint');
  const nj = model.joints.length;
  const kp = new Array(nj).fill(0), kd = new Array(nj).fill(0), defaultPos = new Array(nj).fill(0);
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
  for (const body of model.bodies) for (const s of body.collision) {
    if (s.type !== 'sphere') continue;
    // sphere centre z in world = body origin + R * s.pos
    const [qw, qx, qy, qz] = b.quat[body.index], v = s.pos;
    const tx = 2 * (qy * v[2] - qz * v[1]), ty = 2 * (qz * v[0] - qx * v[2]), tz = 2 * (qx * v[1] - qy * v[0]);
    low = Math.min(low, b.pos[body.index][2] + v[2] + qw * tz + (qx * ty - qy * tx) - s.size[0]);
  }
  return -low + 0.001;
}
