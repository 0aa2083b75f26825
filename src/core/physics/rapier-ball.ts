/**
 * Rapier three-axis joints (issue 16): a ball / three hinges at one anchor as a chain of three revolute joints
 * through two small intermediate bodies at the anchor (the Euler coordinates are then the revolute angles, driven
 * by the same ForceBased position motors as every hinge). Measured first: one spherical impulse joint with the
 * Euler PD as explicit torques held a single link, but on a 2-link chain the twist about the links' axis locked
 * up (Rapier reported 157 rad/s on both links while their poses did not move), so the chain is used instead.
 */
import RAPIER from '@dimforge/rapier3d-compat';
import { qMul, qRotate, vAdd, vCross, vSub, type Quat, type Vec3 } from '../math';
import type { RobotModel } from '../model/types';
import type { BallGroup } from './ball';
import { hingeAngle, qBetween } from './kinematics';

/** mass (kg) and principal inertia (kg·m²) of each intermediate body */
export const BALL_LINK_MASS = 0.1;
export const BALL_LINK_INERTIA = 2e-3;

export interface BallChain {
  group: BallGroup;
  /** the two intermediate bodies (after the first and second axis) */
  links: [RAPIER.RigidBody, RAPIER.RigidBody];
  joints: [RAPIER.RevoluteImpulseJoint, RAPIER.RevoluteImpulseJoint, RAPIER.RevoluteImpulseJoint];
}

const toR = (q: ArrayLike<number>) => ({ w: q[0], x: q[1], y: q[2], z: q[3] });
const toV = (v: ArrayLike<number>) => ({ x: v[0], y: v[1], z: v[2] });

function revolute(
  world: RAPIER.World,
  a: RAPIER.RigidBody,
  b: RAPIER.RigidBody,
  anchorA: Vec3,
  anchorB: Vec3,
  relRest: Quat,
  axis: Vec3,
): RAPIER.RevoluteImpulseJoint {
  const frame2 = qBetween([1, 0, 0], axis);
  const j = world.createImpulseJoint(
    RAPIER.JointData.revolute(toV(anchorA), toV(anchorB), { x: 1, y: 0, z: 0 }),
    a,
    b,
    true,
  ) as RAPIER.RevoluteImpulseJoint;
  j.setLocalFrame1(toV(anchorA), toR(qMul(relRest, frame2)));
  j.setLocalFrame2(toV(anchorB), toR(frame2));
  j.setContactsEnabled(false);
  j.configureMotorModel(RAPIER.MotorModel.ForceBased);
  return j;
}

/** World orientation of the frames after the first and second axis, and the anchor, for a parent pose and angles. */
function stages(model: RobotModel, g: BallGroup, pPos: Vec3, pQuat: Quat, th: ArrayLike<number>): { q1: Quat; q2: Quat; anchor: Vec3 } {
  const b = model.bodies[g.body],
    jm = model.joints[g.joints[0]];
  const rest = qMul(pQuat, b.quat);
  const anchor = vAdd(vAdd(pPos, qRotate(pQuat, b.pos)), qRotate(rest, jm.pos));
  const axis = (k: number) => model.joints[g.joints[k]].axis;
  const half = (k: number): Quat => {
    const s = Math.sin(th[k] / 2);
    return [Math.cos(th[k] / 2), axis(k)[0] * s, axis(k)[1] * s, axis(k)[2] * s];
  };
  const q1 = qMul(rest, half(0));
  return { q1, q2: qMul(q1, half(1)), anchor };
}

/** The chain of one group between its parent and child rigid bodies (rest pose = zero angles). */
export function addBallChain(
  world: RAPIER.World,
  model: RobotModel,
  g: BallGroup,
  parent: RAPIER.RigidBody,
  child: RAPIER.RigidBody,
  pPos: Vec3,
  pQuat: Quat,
): BallChain {
  const { q1, q2, anchor } = stages(model, g, pPos, pQuat, [0, 0, 0]);
  const I = BALL_LINK_INERTIA;
  const link = (q: Quat) =>
    world.createRigidBody(
      RAPIER.RigidBodyDesc.dynamic()
        .setTranslation(anchor[0], anchor[1], anchor[2])
        .setRotation(toR(q))
        .setAdditionalMassProperties(BALL_LINK_MASS, { x: 0, y: 0, z: 0 }, { x: I, y: I, z: I }, { w: 1, x: 0, y: 0, z: 0 })
        .setCanSleep(false),
    );
  const l1 = link(q1),
    l2 = link(q2);
  const b = model.bodies[g.body],
    jm = model.joints[g.joints[0]];
  const axis = (k: number) => model.joints[g.joints[k]].axis;
  const parentAnchor = vAdd(b.pos, qRotate(b.quat, jm.pos));
  const joints: BallChain['joints'] = [
    revolute(world, parent, l1, parentAnchor, [0, 0, 0], b.quat, axis(0)),
    revolute(world, l1, l2, [0, 0, 0], [0, 0, 0], [1, 0, 0, 0], axis(1)),
    revolute(world, l2, child, [0, 0, 0], jm.pos, [1, 0, 0, 0], axis(2)),
  ];
  return { group: g, links: [l1, l2], joints };
}

/** Put a chain's intermediate bodies where a reset put its parent (pose, velocity) and at angles θ, rates θ̇. */
export function resetBallChain(
  model: RobotModel,
  c: BallChain,
  offset: Vec3,
  p: { pos: Vec3; quat: Quat; linVel: Vec3; angVel: Vec3 },
  th: ArrayLike<number>,
  rate: ArrayLike<number>,
): void {
  const { q1, q2, anchor } = stages(model, c.group, p.pos, p.quat, th);
  const v = vAdd(p.linVel, vCross(p.angVel, vSub(anchor, p.pos)));
  const a0 = qRotate(qMul(p.quat, model.bodies[c.group.body].quat), model.joints[c.group.joints[0]].axis);
  const a1 = qRotate(q1, model.joints[c.group.joints[1]].axis);
  const w1 = vAdd(p.angVel, [a0[0] * rate[0], a0[1] * rate[0], a0[2] * rate[0]]);
  const w2 = vAdd(w1, [a1[0] * rate[1], a1[1] * rate[1], a1[2] * rate[1]]);
  [q1, q2].forEach((q, k) => {
    const rb = c.links[k];
    rb.setTranslation({ x: anchor[0] + offset[0], y: anchor[1] + offset[1], z: anchor[2] + offset[2] }, false);
    rb.setRotation(toR(q), false);
    rb.setLinvel(toV(v), false);
    rb.setAngvel(toV(k ? w2 : w1), false);
  });
}

const wrapNear = (x: number, near: number): number => x + 2 * Math.PI * Math.round((near - x) / (2 * Math.PI));

/**
 * Env e's coordinates and rates of each chain, read from the revolute joints themselves (parent → link 1 → link 2
 * → child): the angles the motors act on. Reading them back from the parent and child poses alone is ambiguous
 * near the middle angle ±π/2 (gimbal lock: there only a ± c is defined), where the read-back jumped to the other
 * Euler branch (a + π, π - b, c + π) while the chain itself stayed on the reference's: the smpl24 knee bends past
 * 90° about its middle axis in CMU 09_01. Each angle is moved by whole turns towards `prev` (continuous past ±π).
 * `quats` / `angs`: world rotation and angular velocity per model body, already read for this env.
 */
export function readBallChains(
  model: RobotModel,
  chains: BallChain[],
  quats: number[][],
  angs: number[][],
  jointPos: Float32Array,
  jointVel: Float32Array,
  base: number,
  prev: Float64Array,
): void {
  const id: Quat = [1, 0, 0, 0];
  for (const c of chains) {
    const g = c.group;
    const frames = [quats[g.parent], ...c.links.map((l) => rq(l.rotation())), quats[g.body]];
    const spins = [angs[g.parent], ...c.links.map((l) => rv(l.angvel())), angs[g.body]];
    for (let k = 0; k < 3; k++) {
      const jm = model.joints[g.joints[k]];
      const i = base + g.joints[k];
      const th = wrapNear(hingeAngle(frames[k], frames[k + 1], k ? id : model.bodies[g.body].quat, jm.axis), prev[i]);
      const a = qRotate(frames[k + 1], jm.axis);
      const wp = spins[k],
        wc = spins[k + 1];
      jointPos[i] = th;
      jointVel[i] = a[0] * (wc[0] - wp[0]) + a[1] * (wc[1] - wp[1]) + a[2] * (wc[2] - wp[2]);
      prev[i] = th;
    }
  }
}

const rq = (r: { w: number; x: number; y: number; z: number }): Quat => [r.w, r.x, r.y, r.z];
const rv = (v: { x: number; y: number; z: number }): Vec3 => [v.x, v.y, v.z];
