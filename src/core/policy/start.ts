/**
 * How an episode starts (also after a fall):
 * - 'reference': the robot on the reference's first frame, as given (as training does);
 * - 'ground' (default): the same, with robot and reference shifted vertically so that the robot's lowest
 *   collision point rests on the floor (references whose feet sit below or above it). Within GROUND_TOLERANCE
 *   the reference is taken as is: contact resolves a few millimetres, and clean clips keep their results;
 * - 'default-pose': the robot stands in the policy's default pose where it is (horizontal position and yaw
 *   kept, lowest point on the floor) and the reference is aligned to it by yaw and position (as hardware
 *   deployments start).
 * 'reset' and 'align' are accepted as the old names of 'reference' and 'default-pose'.
 */
import { fail } from '../errors';
import { qFromAxisAngle, qYaw } from '../math';
import { forwardKinematics } from '../model/fk';
import type { RobotModel } from '../model/types';
import { contactPoints, lowestZ } from '../model/feet';
import type { BatchState, PhysicsEngine } from '../physics/types';
import { lowestAbove } from '../physics/terrain'; // terrain (issue 16)
import { groundFor } from '../physics/terrain-engines';

/** Ground height under (x, y) (terrain, issue 16); absent = the flat floor z = 0. */
export type Ground = (x: number, y: number) => number;

export type StartMode = 'reference' | 'ground' | 'default-pose';
/** a start mode, or one of its old names */
export type StartModeInput = StartMode | 'reset' | 'align';
export const START_MODES: readonly StartMode[] = ['reference', 'ground', 'default-pose'];
export const DEFAULT_START: StartMode = 'ground';
/** |gap| of the lowest collision point to the floor below which 'ground' leaves the reference as is, m */
export const GROUND_TOLERANCE = 0.02;

/** The start mode for an option value (undefined → the default); anything else is a named error. */
export function startModeOf(v: string | undefined, where = 'start'): StartMode {
  if (v === undefined) return DEFAULT_START;
  if (v === 'reset') return 'reference';
  if (v === 'align') return 'default-pose';
  if ((START_MODES as readonly string[]).includes(v)) return v as StartMode;
  return fail('PolicyError', '<options>', where, `unknown start "${v}" (reference, ground or default-pose)`);
}

const pointsCache = new WeakMap<RobotModel, (number[][] | null)[]>();
function bodyPoints(model: RobotModel): (number[][] | null)[] {
  let p = pointsCache.get(model);
  if (!p) pointsCache.set(model, (p = model.bodies.map((b) => (b.collision.length ? contactPoints(model, b.index) : null))));
  return p;
}

/** The lowest collision point of env e of a state (body poses), and its body. */
export function lowestPoint(
  model: RobotModel,
  s: Pick<BatchState, 'nb' | 'bodyPos' | 'bodyQuat'>,
  e: number,
  ground?: Ground,
): { z: number; body: number } {
  const pts = bodyPoints(model);
  let z = Infinity,
    body = 0;
  for (let b = 0; b < s.nb; b++) {
    const p = pts[b];
    if (!p) continue;
    const i = e * s.nb + b;
    const pos = s.bodyPos.subarray(i * 3, i * 3 + 3),
      quat = s.bodyQuat.subarray(i * 4, i * 4 + 4);
    const zb = ground ? lowestAbove(p, pos, quat, ground) : lowestZ(p, pos, quat); // above the terrain: issue 16
    if (zb < z) {
      z = zb;
      body = b;
    }
  }
  return Number.isFinite(z) ? { z, body } : { z: 0, body: 0 };
}

/** The vertical shift that puts env e's lowest collision point on the floor (0 within the tolerance). */
export function groundShift(
  model: RobotModel,
  s: Pick<BatchState, 'nb' | 'bodyPos' | 'bodyQuat'>,
  e: number,
  ground?: Ground,
): { dz: number; body: string } {
  const low = lowestPoint(model, s, e, ground);
  return { dz: Math.abs(low.z) > GROUND_TOLERANCE ? -low.z : 0, body: model.bodies[low.body].name };
}

/**
 * Env e stands still in the default pose (`jointPos`, model order) at its current horizontal position and yaw,
 * its lowest collision point on the floor.
 */
export function standInPose(engine: PhysicsEngine, e: number, jointPos: ArrayLike<number>): void {
  const m = engine.model,
    s = engine.state,
    nb = m.bodies.length;
  const rootQuat = qFromAxisAngle([0, 0, 1], qYaw(s.rootQuat.subarray(e * 4, e * 4 + 4)));
  const pos = new Float32Array(nb * 3),
    quat = new Float32Array(nb * 4);
  const x = s.rootPos[e * 3],
    y = s.rootPos[e * 3 + 1];
  forwardKinematics(m, [x, y, 0], rootQuat, jointPos, pos, quat);
  const low = lowestPoint(m, { nb, bodyPos: pos, bodyQuat: quat }, 0, groundFor(engine.options.terrain)); // terrain: issue 16
  engine.reset(e, { rootPos: [x, y, -low.z], rootQuat, jointPos });
}

/** The policy's default pose in model joint order (other joints: held positions, else 0). */
export function defaultPose(
  model: RobotModel,
  config: { jointNames: string[]; defaultJointPos: number[]; heldJoints?: { names: string[]; positions: number[] } },
): number[] {
  const q = model.joints.map(() => 0);
  config.heldJoints?.names.forEach((n, i) => {
    const j = model.jointIndex.get(n);
    if (j !== undefined) q[j] = config.heldJoints!.positions[i];
  });
  config.jointNames.forEach((n, i) => {
    q[model.jointIndex.get(n)!] = config.defaultJointPos[i];
  });
  return q;
}

/** Root height at which a pose (root upright at the origin) has its lowest collision point on the floor. */
export function standingHeight(model: RobotModel, jointPos: ArrayLike<number>): number {
  const nb = model.bodies.length,
    pos = new Float32Array(nb * 3),
    quat = new Float32Array(nb * 4);
  forwardKinematics(model, [0, 0, 0], [1, 0, 0, 0], jointPos, pos, quat);
  return -lowestPoint(model, { nb, bodyPos: pos, bodyQuat: quat }, 0).z;
}
