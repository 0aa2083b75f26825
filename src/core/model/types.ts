import type { Quat, Vec3 } from '../math';
import type { TerrainSpec } from '../physics/terrain'; // terrain (issue 16)

/**
 * RobotModel: static and immutable (like MuJoCo's mjModel). Per-step state lives in physics/BatchState.
 * Both the MJCF and the URDF loader produce this. Frames: z up, metres, radians, quaternions [w,x,y,z].
 */
export type ShapeType = 'sphere' | 'capsule' | 'box' | 'cylinder' | 'plane' | 'mesh';

export interface MeshData {
  name: string;
  /** vertex positions, already scaled, in the mesh's own frame (x,y,z triples) */
  vertices: Float32Array;
  /** triangle indices */
  indices: Uint32Array;
}

export interface Shape {
  type: ShapeType;
  /**
   * sphere: [radius]; capsule/cylinder: [radius, halfLength] along local z; box: [hx, hy, hz];
   * plane: [hx, hy] (0 = infinite); mesh: [] (see `mesh`)
   */
  size: number[];
  /** pose in the owning body's frame */
  pos: Vec3;
  quat: Quat;
  mesh?: MeshData;
  contype: number;
  conaffinity: number;
  friction: number;
  rgba?: [number, number, number, number];
  name?: string;
  /**
   * MJCF `<contact><pair>` with a world geom (the floor): the shape touches the ground although its contype and
   * conaffinity are 0 (model/mjcf-contact.ts). Optional.
   */
  groundPair?: boolean;
}

/** A rigid body's mass: centre of mass, principal moments about it and their axes, in the body frame. */
export interface MassProps {
  mass: number;
  /** centre of mass in the body frame */
  com: Vec3;
  /** principal moments of inertia about the centre of mass */
  inertia: Vec3;
  /** orientation of the principal axes in the body frame */
  inertiaQuat: Quat;
}

export interface Body extends MassProps {
  name: string;
  index: number;
  /** index of the parent body, -1 for a root (child of the world) */
  parent: number;
  /** pose of this body's frame in the parent's frame (in the world frame for a root) */
  pos: Vec3;
  quat: Quat;
  /** indices into RobotModel.joints of joints that move this body relative to its parent */
  joints: number[];
  collision: Shape[];
  visual: Shape[];
  /** its principal inertias broke the triangle inequality and were set to their mean (model/common.ts). Optional. */
  inertiaBalanced?: boolean;
}

export type JointType = 'hinge' | 'slide' | 'ball' | 'free';

export interface Joint {
  name: string;
  index: number;
  type: JointType;
  /** the child body this joint moves */
  body: number;
  /** anchor in the child body's frame */
  pos: Vec3;
  /** unit axis in the child body's frame (hinge/slide) */
  axis: Vec3;
  /** [lower, upper] or null when unlimited */
  range: [number, number] | null;
  armature: number;
  damping: number;
  frictionloss: number;
  /** N·m (hinge) or N (slide); Infinity when unknown */
  effortLimit: number;
  /** rad/s or m/s; Infinity when unknown */
  velocityLimit: number;
  /**
   * Ball joints (issue 16): a ball joint is 3 entries of type 'ball' (axes x, y, z of the child frame), one
   * coordinate each = intrinsic Euler angles; qpos 3 / qvel 3 here, 4 / 3 in MuJoCo (physics/ball.ts, jointLayout).
   */
  ball?: { name: string; axis: 0 | 1 | 2 };
}

export interface Actuator {
  name: string;
  joint: number;
  type: 'motor' | 'position';
  gear: number;
  ctrlRange: [number, number] | null;
  forceRange: [number, number] | null;
  kp: number;
  kv: number;
}

export interface RobotModel {
  name: string;
  /** depth-first order, parents before children; bodies[0] is the root (pelvis for the G1) */
  bodies: Body[];
  /**
   * The movable 1-DoF joints (hinge/slide) in the robot description's order (MJCF document order,
   * depth-first). The free root joint is NOT in this list (see `floating`). "nj" everywhere = joints.length.
   * A ball joint counts 3 (see Joint.ball).
   */
  joints: Joint[];
  /** true when the root body has a free joint (floating base) */
  floating: boolean;
  actuators: Actuator[];
  jointIndex: ReadonlyMap<string, number>;
  bodyIndex: ReadonlyMap<string, number>;
  /** non-fatal findings, e.g. unknown MJCF elements (reported, not thrown) */
  warnings: string[];
  source: { file: string; format: 'mjcf' | 'urdf' };
  /** MJCF `<geom type="hfield">` on the worldbody, as terrain specs (model/mjcf-hfield.ts; issue 16) */
  heightfields?: TerrainSpec[];
}
