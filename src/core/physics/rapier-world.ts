/**
 * Builds the Rapier world for a batch: one dynamic rigid body per link per env, impulse revolute joints with
 * explicit local frames (joint X axis = hinge axis, zero angle = the model's rest pose), a ground cuboid, and
 * collision groups so envs never touch each other.
 */
import RAPIER from '@dimforge/rapier3d-compat';
import { MimicError } from '../errors';
import type { RobotModel, Shape } from '../model/types';
import { matToQuat, qFromAxisAngle, qMul, qRotate, qToMat, symEigen, vAdd, vDot, vSub, type Quat, type Vec3 } from '../math';
import { contactShapes, jointArmature } from './common';
import { footBodies } from '../model/feet';
import { bodyMotion, qBetween } from './kinematics';
import { footHull, meshProxy } from './proxy';
import { terrainOf } from './terrain-engines'; // terrain (issue 16)
import { addTerrainRapier } from './terrain-rapier';
import { ballGroups } from './ball'; // ball joints (issue 16)
import { addBallChain, BALL_LINK_MASS, type BallChain } from './rapier-ball';
import type { PhysicsOptions } from './types';

type ContactShape = ReturnType<typeof contactShapes>[number];

export interface LinkMass {
  mass: number;
  com: Vec3;
  inertia: Vec3;
  frame: Quat;
}

export interface RapierEnv {
  bodies: RAPIER.RigidBody[];
  /** per model joint (null for unsupported types) */
  joints: (RAPIER.RevoluteImpulseJoint | null)[];
  /** colliders that touch the ground, with the body index they belong to */
  ground: { collider: RAPIER.Collider; body: number }[];
  offset: Vec3;
  /** terrain colliders under this env (issue 16; empty on a flat floor) */
  terrain: RAPIER.Collider[];
  /** three-axis joints as revolute chains (issue 16) */
  chains: BallChain[];
}

export interface RapierWorld {
  world: RAPIER.World;
  /** one physics step of the world (stepWorld) */
  step: () => void;
  groundCollider: RAPIER.Collider;
  envs: RapierEnv[];
  links: LinkMass[];
  adjustments: string[];
}

/** Envs are laid out on a grid this far apart so their (non-colliding) shapes do not crowd the broad phase. */
export const ENV_SPACING = 4;

const toR = (q: ArrayLike<number>) => ({ w: q[0], x: q[1], y: q[2], z: q[3] });
const toV = (v: ArrayLike<number>) => ({ x: v[0], y: v[1], z: v[2] });

/** Mass properties of every link after armature emulation and the inertia floor. */
export function linkMasses(model: RobotModel, o: PhysicsOptions, adjustments: string[]): LinkMass[] {
  const arm = jointArmature(model, o);
  const floored: string[] = [];
  const feet: string[] = [];
  const withArmature: string[] = [];
  const out = model.bodies.map((b) => {
    const R = qToMat(b.inertiaQuat);
    const I = new Array(9).fill(0);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        for (let k = 0; k < 3; k++) I[r * 3 + c] += R[r * 3 + k] * b.inertia[k] * R[c * 3 + k];
      }
    if (o.armatureEmulation) {
      for (const j of b.joints) {
        const a = arm[j],
          ax = model.joints[j].axis;
        if (!(a > 0) || model.joints[j].type !== 'hinge') continue;
        for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) I[r * 3 + c] += a * ax[r] * ax[c];
        withArmature.push(`${model.joints[j].name} (${a.toPrecision(3)})`);
      }
    }
    const { values, vectors } = symEigen(I);
    const foot = footBodies(model).has(b.index) && (o.footInertiaFloor ?? 0) > o.inertiaFloor;
    const floor = foot ? o.footInertiaFloor! : o.inertiaFloor;
    const inertia = values.map((v) => Math.max(v, floor, 1e-9)) as Vec3;
    if (foot && values.some((v) => v < floor)) feet.push(b.name);
    else if (o.inertiaFloor > 0 && values.some((v) => v < o.inertiaFloor)) floored.push(b.name);
    const mass = Math.max(b.mass, 1e-3);
    if (!(b.mass >= 1e-3)) adjustments.push(`mass of ${b.name} raised from ${b.mass} to 0.001 kg`);
    return { mass, com: [...b.com] as Vec3, inertia, frame: matToQuat(vectors) };
  });
  if (withArmature.length) adjustments.push(`armature emulated as child-link inertia about the joint axis: ${withArmature.join(', ')}`);
  if (floored.length)
    adjustments.push(`principal inertias floored at ${o.inertiaFloor} kg·m² on ${floored.length} links: ${floored.join(', ')}`);
  if (feet.length)
    adjustments.push(
      `foot (ground-contact) links' principal inertias floored at ${o.footInertiaFloor} kg·m² (stiffer soft contacts, feet stay flat): ${feet.join(', ')}`,
    );
  return out;
}

/**
 * Per model joint: the child link's inertia about the joint axis through the joint anchor, kg·m² (its rotational
 * inertia after armature and floors, plus m·d² of its centre of mass off the axis). The PD of a joint is integrated
 * explicitly only where this inertia makes that stable (rapier.ts, pd 'mixed').
 */
export function jointInertia(model: RobotModel, links: LinkMass[]): number[] {
  return model.joints.map((j) => {
    const L = links[j.body];
    let I = 0;
    for (let k = 0; k < 3; k++) {
      const e: Vec3 = [0, 0, 0];
      e[k] = 1;
      const c = vDot(qRotate(L.frame, e), j.axis);
      I += L.inertia[k] * c * c;
    }
    const d = vSub(L.com, j.pos);
    const along = vDot(d, j.axis);
    return I + L.mass * (vDot(d, d) - along * along);
  });
}

/** A collider descriptor for a shape (null when Rapier cannot build it); exported for objects-rapier. */
export function shapeDesc(s: Shape): RAPIER.ColliderDesc | null {
  let d: RAPIER.ColliderDesc | null;
  let q: Quat = s.quat;
  const yToZ = qFromAxisAngle([1, 0, 0], Math.PI / 2); // Rapier capsules/cylinders run along y, ours along z
  switch (s.type) {
    case 'sphere':
      d = RAPIER.ColliderDesc.ball(s.size[0]);
      break;
    case 'box':
      d = RAPIER.ColliderDesc.cuboid(s.size[0], s.size[1], s.size[2]);
      break;
    case 'capsule':
    case 'cylinder':
      // half length, radius
      d = s.type === 'capsule' ? RAPIER.ColliderDesc.capsule(s.size[1], s.size[0]) : RAPIER.ColliderDesc.cylinder(s.size[1], s.size[0]);
      q = qMul(s.quat, yToZ);
      break;
    case 'mesh':
      d = s.mesh ? RAPIER.ColliderDesc.convexHull(s.mesh.vertices) : null;
      break;
    default:
      d = null;
  }
  if (!d) return null;
  return d.setTranslation(s.pos[0], s.pos[1], s.pos[2]).setRotation(toR(q)).setDensity(0);
}

/**
 * A collider, or null when Rapier cannot build the shape: a convex hull of nearly flat or collinear points fails
 * inside createCollider ("expected instance of …") although ColliderDesc.convexHull returned a descriptor.
 */
function createCollider(world: RAPIER.World, d: RAPIER.ColliderDesc, rb: RAPIER.RigidBody): RAPIER.Collider | null {
  try {
    return world.createCollider(d, rb);
  } catch {
    return null;
  }
}

const groups = (membership: number, filter: number) => ((membership & 0xffff) << 16) | (filter & 0xffff);

export function buildWorld(model: RobotModel, o: PhysicsOptions, spacing = ENV_SPACING): RapierWorld {
  const file = model.source.file;
  const adjustments: string[] = [];
  const balls3 = ballGroups(model); // three-axis joints: chains of revolute joints (issue 16)
  const balls = new Set(balls3.map((g) => g.body));
  for (const b of model.bodies) {
    if (b.parent >= 0 && !balls.has(b.index) && (b.joints.length > 1 || b.joints.some((j) => model.joints[j].type !== 'hinge'))) {
      throw new MimicError(
        'ModelError',
        file,
        `body ${b.name}`,
        'the Rapier backend supports one hinge joint, a ball or three hinges at one anchor per body',
      );
    }
  }
  const links = linkMasses(model, o, adjustments);
  const world = new RAPIER.World({ x: 0, y: 0, z: o.gravity });
  world.timestep = o.dt;
  world.integrationParameters.numSolverIterations = o.solverIterations;
  world.integrationParameters.numInternalPgsIterations = o.pgsIterations;

  const cols = Math.ceil(Math.sqrt(o.n));
  const half = (cols * spacing) / 2 + 200;
  const groundCollider = addFloor(world, o, half);

  let self = o.selfCollision;
  if (self && o.n > 15) {
    self = false;
    adjustments.push('self-collision disabled: collision groups separate at most 15 envs');
  }
  const rest = bodyMotion(model, { rootPos: model.bodies[0].pos, rootQuat: model.bodies[0].quat, jointPos: model.joints.map(() => 0) });
  const envs: RapierEnv[] = [];
  let hullFailures = 0;
  // mesh proxies are fitted once per shape, not per env
  const proxies = new Map<Shape, Shape>();
  const proxyOf = (s: Shape): Shape => {
    if (o.meshCollision !== 'proxy' || s.type !== 'mesh') return s;
    if (!proxies.has(s)) proxies.set(s, meshProxy(s) ?? s);
    return proxies.get(s)!;
  };
  for (let e = 0; e < o.n; e++) {
    const offset: Vec3 = [(e % cols) * spacing, Math.floor(e / cols) * spacing, 0];
    const own = self ? 1 << (1 + e) : 2;
    const bodies: RAPIER.RigidBody[] = [];
    const ground: RapierEnv['ground'] = [];
    for (const b of model.bodies) {
      const L = links[b.index];
      const desc = (b.parent < 0 && o.fixedRoot ? RAPIER.RigidBodyDesc.fixed() : RAPIER.RigidBodyDesc.dynamic())
        .setTranslation(...vAdd(rest.pos[b.index], offset))
        .setRotation(toR(rest.quat[b.index]))
        .setAdditionalMassProperties(L.mass, toV(L.com), toV(L.inertia), toR(L.frame))
        .setCanSleep(false);
      const rb = world.createRigidBody(desc);
      bodies.push(rb);
      const shapes = contactShapes(model, b, { ...o, selfCollision: self }).map((c) => ({ ...c, shape: proxyOf(c.shape) }));
      for (const { shape, touchesGround } of footShapes(shapes, o)) {
        const d = shapeDesc(shape);
        if (!d) {
          hullFailures++;
          continue;
        }
        d.setFriction(o.friction).setCollisionGroups(groups(own, (touchesGround ? 1 : 0) | (self ? own : 0)));
        const c = createCollider(world, d, rb);
        if (!c) {
          hullFailures++;
          continue;
        }
        if (touchesGround) ground.push({ collider: c, body: b.index });
      }
    }
    const joints: RapierEnv['joints'] = model.joints.map(() => null);
    const chains: BallChain[] = [];
    for (const b of model.bodies) {
      if (b.parent < 0) continue;
      const parent = bodies[b.parent],
        child = bodies[b.index];
      if (b.joints.length === 0) {
        const data = RAPIER.JointData.fixed(toV(b.pos), toR(b.quat), { x: 0, y: 0, z: 0 }, { w: 1, x: 0, y: 0, z: 0 });
        world.createImpulseJoint(data, parent, child, true).setContactsEnabled(false);
        continue;
      }
      const jm = model.joints[b.joints[0]];
      if (balls.has(b.index)) {
        // a ball / three hinges: three revolute joints through two small bodies at the anchor (rapier-ball.ts; issue 16)
        const c = addBallChain(
          world,
          model,
          balls3.find((g) => g.body === b.index)!,
          parent,
          child,
          vAdd(rest.pos[b.parent], offset),
          rest.quat[b.parent],
        );
        c.group.joints.forEach((j, k) => {
          const r = model.joints[j].range;
          if (r) c.joints[k].setLimits(r[0], r[1]);
          joints[j] = c.joints[k];
        });
        chains.push(c);
        continue;
      }
      const frame2 = qBetween([1, 0, 0], jm.axis);
      const frame1 = qMul(b.quat, frame2);
      const anchor1 = vAdd(b.pos, qRotate(b.quat, jm.pos));
      const data = RAPIER.JointData.revolute(toV(anchor1), toV(jm.pos), { x: 1, y: 0, z: 0 });
      const joint = world.createImpulseJoint(data, parent, child, true) as RAPIER.RevoluteImpulseJoint;
      joint.setLocalFrame1(toV(anchor1), toR(frame1));
      joint.setLocalFrame2(toV(jm.pos), toR(frame2));
      joint.setContactsEnabled(false);
      if (jm.range) joint.setLimits(jm.range[0], jm.range[1]);
      joint.configureMotorModel(RAPIER.MotorModel.ForceBased);
      joints[jm.index] = joint;
    }
    envs.push({ bodies, joints, ground, offset, terrain: [], chains });
  }
  addTerrain(world, o, envs, model, adjustments, spacing); // terrain (issue 16)
  if (balls3.length)
    adjustments.push(
      `three-axis joints (${balls3.map((g) => g.name).join(', ')}): three revolute joints through two ${BALL_LINK_MASS} kg bodies at the anchor each`,
    );
  if (hullFailures) adjustments.push(`${hullFailures / o.n} collision shapes skipped (convex hull failed or unsupported type)`);
  const kinds = [...proxies.values()].reduce((m, p) => m.set(p.type, (m.get(p.type) ?? 0) + 1), new Map<string, number>());
  const meshes =
    o.meshCollision === 'proxy'
      ? `meshes as primitive proxies (${[...kinds].map(([k, c]) => `${c} ${k}${c > 1 ? (k === 'box' ? 'es' : 's') : ''}`).join(', ') || 'none used'}; bounding capsule or box, whichever is smaller)`
      : 'meshes as convex hulls';
  adjustments.push(
    `ground contact: ${o.groundContact === 'feet' ? `foot shapes only (${feetNames(model)}; their spheres when they have any)` : 'every collision shape'}, ${meshes}`,
  );
  return { world, groundCollider, envs, links, adjustments, step: () => stepWorld(world) };
}

/**
 * The flat floor, top face at z = 0: a half-space, or (`floorShape: 'box'`, before cost round 4) a box `half` m wide
 * around the env grid. Friction rule Min with a huge own value: the contact friction is the robot collider's (per
 * env, setFriction).
 */
function addFloor(world: RAPIER.World, o: PhysicsOptions, half: number): RAPIER.Collider {
  const box = o.floorShape !== 'halfspace';
  const body = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(box ? half - 200 : 0, box ? half - 200 : 0, box ? -1 : 0));
  const shape = box ? RAPIER.ColliderDesc.cuboid(half, half, 1) : new RAPIER.ColliderDesc(new RAPIER.HalfSpace({ x: 0, y: 0, z: 1 }));
  return world.createCollider(
    shape.setFriction(1e6).setFrictionCombineRule(RAPIER.CoefficientCombineRule.Min).setCollisionGroups(groups(1, 0xfffe)),
    body,
  );
}

/** A body's contact shapes with its ground-touching spheres as one hull (`footContact: 'hull'`, proxy.ts footHull). */
function footShapes(shapes: ContactShape[], o: PhysicsOptions): ContactShape[] {
  if (o.footContact !== 'hull') return shapes;
  const spheres = shapes.filter((c) => c.touchesGround && c.shape.type === 'sphere');
  const hull = footHull(spheres.map((c) => c.shape));
  if (!hull) return shapes;
  return [...shapes.filter((c) => !spheres.includes(c)), { shape: hull, touchesGround: true }];
}

/**
 * World.step without its bookkeeping: World.step runs the physics pipeline, then walks every body, collider and
 * joint to map ones the step itself created or removed (soft bodies tearing; ~4 % of a G1 step). Our steps never
 * create or remove any (bodies and colliders are made through the World, which maps them at once), so the
 * pipeline alone gives the same world, bit for bit.
 */
export function stepWorld(w: RAPIER.World): void {
  w.physicsPipeline.step(
    w.gravity,
    w.integrationParameters,
    w.islands,
    w.broadPhase,
    w.narrowPhase,
    w.bodies,
    w.colliders,
    w.softBodies,
    w.impulseJoints,
    w.multibodyJoints,
    w.ccdSolver,
  );
}

/**
 * Terrain colliders per env (issue 16): the options' terrain and the MJCF's own heightfields; with several envs in
 * one world each env's copy of a generated terrain is cut to its grid cell.
 */
function addTerrain(
  world: RAPIER.World,
  o: PhysicsOptions,
  envs: RapierEnv[],
  model: RobotModel,
  adjustments: string[],
  spacing: number,
): void {
  const specs = [o.terrain, ...(model.heightfields ?? [])];
  for (let spec of specs) {
    if (!spec || spec.type === 'flat') continue;
    const extent = spec.params?.extent ?? 3;
    if (envs.length > 1 && extent > spacing / 2 && spec.type !== 'hfield') {
      spec = { ...spec, params: { ...spec.params, extent: spacing / 2 } };
      adjustments.push(`terrain cut to ±${spacing / 2} m around each env (${envs.length} envs share one world on a ${spacing} m grid)`);
    }
    const g = terrainOf(spec, model.source.file);
    if (!g) continue;
    const per = addTerrainRapier(
      world,
      g,
      envs.map((e) => e.offset),
      groups(1, 0xfffe),
    );
    envs.forEach((e, i) => e.terrain.push(...per[i]));
    adjustments.push(
      `terrain ${g.label}: ${g.boxes.length} boxes${g.hfield ? `, heightfield ${g.hfield.nrow}×${g.hfield.ncol} as a trimesh` : ''}`,
    );
  }
}

/** The feet named for the adjustments: "left_ankle_roll_link, right_ankle_roll_link", or "none found". */
const feetNames = (model: RobotModel): string => [...footBodies(model)].map((b) => model.bodies[b].name).join(', ') || 'no feet found';
