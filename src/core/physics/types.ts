import type { RobotModel } from '../model/types';
import type { ObjectSpec } from '../model/objects';
import type { ObjectPose, ObjectState } from './objects';
import type { TerrainSpec } from './terrain'; // terrain (issue 16)

/**
 * Per-step state of a batch of N humanoids: structure of arrays, env-major inside each array
 * (env e, joint j → jointPos[e*nj + j]). Float32 so the same bytes feed CPU code, WGSL and ONNX.
 * Quaternions are [w,x,y,z]. Velocities are in the WORLD frame. Joint order = RobotModel.joints.
 */
export interface BatchState {
  n: number;
  nj: number;
  nb: number;
  rootPos: Float32Array; // n*3
  rootQuat: Float32Array; // n*4
  rootLinVel: Float32Array; // n*3 (world)
  rootAngVel: Float32Array; // n*3 (world)
  jointPos: Float32Array; // n*nj
  jointVel: Float32Array; // n*nj
  jointTorque: Float32Array; // n*nj, PD torque applied in the last physics step (after effort clip)
  bodyPos: Float32Array; // n*nb*3 (body frame origin, world)
  bodyQuat: Float32Array; // n*nb*4
  bodyLinVel: Float32Array; // n*nb*3 (velocity of the body frame origin, world)
  bodyAngVel: Float32Array; // n*nb*3 (world)
  contactForce: Float32Array; // n*nb*3, total ground contact force on each body (world, N)
}

export function createBatchState(n: number, nj: number, nb: number): BatchState {
  const f = (k: number) => new Float32Array(n * k);
  return {
    n,
    nj,
    nb,
    rootPos: f(3),
    rootQuat: f(4),
    rootLinVel: f(3),
    rootAngVel: f(3),
    jointPos: f(nj),
    jointVel: f(nj),
    jointTorque: f(nj),
    bodyPos: f(nb * 3),
    bodyQuat: f(nb * 4),
    bodyLinVel: f(nb * 3),
    bodyAngVel: f(nb * 3),
    contactForce: f(nb * 3),
  };
}

/** A full initial state for one env (reset). Arrays in model joint order. */
export interface EnvState {
  rootPos: ArrayLike<number>; // 3
  rootQuat: ArrayLike<number>; // 4 wxyz
  rootLinVel?: ArrayLike<number>; // 3 world
  rootAngVel?: ArrayLike<number>; // 3 world
  jointPos: ArrayLike<number>; // nj
  jointVel?: ArrayLike<number>; // nj
}

/** Env e of a batch (views, no copy): the state a reset to it takes (e.g. the reference batch). */
export function envState(s: BatchState, e: number): EnvState {
  const nj = s.nj;
  return {
    rootPos: s.rootPos.subarray(e * 3, e * 3 + 3),
    rootQuat: s.rootQuat.subarray(e * 4, e * 4 + 4),
    rootLinVel: s.rootLinVel.subarray(e * 3, e * 3 + 3),
    rootAngVel: s.rootAngVel.subarray(e * 3, e * 3 + 3),
    jointPos: s.jointPos.subarray(e * nj, (e + 1) * nj),
    jointVel: s.jointVel.subarray(e * nj, (e + 1) * nj),
  };
}

export interface PhysicsOptions {
  /** physics time step, s (default 0.005 = 200 Hz) */
  dt: number;
  /** number of humanoids in the batch (they never collide with each other) */
  n: number;
  /**
   * Rapier: solver iterations = substeps per step while some joint's PD is a motor (default 3; 8 before the cost
   * round, see the settings table in README; with no motor: explicitSolverIterations)
   */
  solverIterations: number;
  /** Rapier: internal PGS iterations per substep while some joint's PD is a motor (default 7; was 4) */
  pgsIterations: number;
  /**
   * Rapier: substeps and PGS iterations used instead while no joint has a motor, i.e. every joint's PD is an
   * explicit torque (pd 'mixed' does that where the gains allow, e.g. the dance policy's; cost round 4): the solver
   * then only holds the joints and contacts together, which takes far fewer iterations than servoing through the
   * motors (default 1 × 10; README "Solver settings"). Optional: absent = `solverIterations` × `pgsIterations`.
   */
  explicitSolverIterations?: number;
  explicitPgsIterations?: number;
  /**
   * Rapier: floor on every link's principal inertias, kg·m² (default 0.005, was 0.001); 0 = off. The light links
   * (waist roll 0.086 kg, ankle pitch, wrists) are what the PGS solver converges slowest on: at 0.005 the 3 × 7 solver
   * tracks MuJoCo as closely as 8 × 4 did at 0.001, at about half the cost (README).
   */
  inertiaFloor: number;
  /**
   * Rapier: floor on the principal inertias of the ground-contact (foot) links, kg·m² (default 0.01; optional,
   * added in round 2; 0 = only `inertiaFloor`). Rapier's soft contacts are softer on light bodies: the G1's 0.6 kg
   * foot (0.0016 kg·m² about its pitch axis) on four 5 mm spheres rocks onto its toes under the standing ankle
   * torque (toe spheres 5 mm deep, foot pitch 0.027 rad vs MuJoCo 0.002) and a 25 N side push topples it; at 0.01
   * it stays flat (0.002) and survives the same steady pushes as MuJoCo forward/backward (see README). Reported in
   * `adjustments`.
   */
  footInertiaFloor?: number;
  /** add joint armature to the child link's inertia about the joint axis (Rapier; default true) */
  armatureEmulation: boolean;
  /** which shapes collide with the ground: 'feet' (ankle-roll links / bodies with foot spheres) or 'all' */
  groundContact: 'feet' | 'all';
  /**
   * Rapier: collision meshes as convex hulls ('hull', default) or as primitive proxies ('proxy': per mesh the
   * smaller of a bounding capsule on its principal axis and a bounding box on its principal axes; much cheaper
   * for a robot lying on the floor). Optional (added later); MuJoCo always collides meshes natively.
   */
  meshCollision?: 'hull' | 'proxy';
  /**
   * Rapier: a foot's contact spheres ('spheres', default) or one convex hull through their lowest and centre
   * points ('hull': one contact manifold of up to four points per foot instead of four one-point manifolds).
   * Optional (cost round 4, issue 12); MuJoCo always collides the spheres.
   */
  footContact?: 'spheres' | 'hull';
  /** Rapier: the flat floor as a half-space ('halfspace') or a large box ('box', before cost round 4). Optional. */
  floorShape?: 'halfspace' | 'box';
  selfCollision: boolean;
  /** pin the root body in place (tests / "on a stand") */
  fixedRoot: boolean;
  /** ground friction coefficient (default 1.0) */
  friction: number;
  gravity: number; // default -9.81 along z
  /**
   * per-joint armature (model joint order) overriding the model's own, e.g. derived from a policy's gains
   * (BeyondMimic: kp = a·ω², ω = 2π·10 Hz) when the robot file has none. null = use the model's.
   */
  armature: ArrayLike<number> | null;
  /** objects: free bodies in every env (model/objects.ts); optional, none by default */
  objects?: ObjectSpec[];
  /** terrain (issue 16): slopes, stairs, rough heightfield, boxes on the floor (terrain.ts); absent = flat floor */
  terrain?: TerrainSpec | null;
}

export const defaultPhysicsOptions: PhysicsOptions = {
  dt: 0.005,
  n: 1,
  solverIterations: 3,
  pgsIterations: 7,
  explicitSolverIterations: 1,
  explicitPgsIterations: 10,
  inertiaFloor: 0.005,
  footInertiaFloor: 0.01,
  armatureEmulation: true,
  groundContact: 'feet',
  selfCollision: false,
  fixedRoot: false,
  friction: 1.0,
  gravity: -9.81,
  armature: null,
};

/**
 * A physics backend: Rapier (ours) or MuJoCo-WASM (oracle / second engine), same interface.
 * PD: tau_j = clip(kp_j (target_j - q_j) - kd_j qd_j, ±effort_j), applied every physics step.
 */
export interface PhysicsEngine {
  readonly name: 'rapier' | 'mujoco';
  readonly model: RobotModel;
  readonly options: PhysicsOptions;
  readonly state: BatchState;
  /** human-readable list of every model adjustment this engine made (inertia floor, armature emulation...) */
  readonly adjustments: string[];
  /** per-joint gains in model joint order; length nj (same for all envs) or n*nj */
  setGains(kp: ArrayLike<number>, kd: ArrayLike<number>, effortLimit?: ArrayLike<number>): void;
  /** PD targets, n*nj in model joint order */
  setTargets(targets: ArrayLike<number>): void;
  /** advance every env by one physics dt, then refresh `state`; `more`: another step follows before `state` is read (a control step's decimation), so an engine may leave contactForce unread (default false) */
  step(more?: boolean): void;
  reset(env: number, s: EnvState): void;
  /** persistent external force (N, world) at the body's origin (or world point) until clearForces */
  applyForce(env: number, body: number, force: ArrayLike<number>, point?: ArrayLike<number>): void;
  /** persistent external torque (N·m, world) on a body until clearForces */
  applyTorque(env: number, body: number, torque: ArrayLike<number>): void;
  clearForces(env: number): void;
  /** scale the ground friction / a body's mass for one env (evaluation perturbations); optional */
  setFriction?(env: number, mu: number): void;
  setBodyMassScale?(env: number, body: number, scale: number): void;
  /** objects: their state (present when options.objects is not empty); reset(env) puts them at their start */
  readonly objects?: ObjectState;
  /** objects: put object k of env e at a pose (env-relative world frame) */
  resetObject?(env: number, k: number, pose: ObjectPose): void;
  free(): void;
}
