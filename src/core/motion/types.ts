/**
 * One clip type for every format (CSV, NPZ, BVH after retargeting, built-in skills).
 * Root pose + joint angles BY JOINT NAME per frame. Quaternions [w,x,y,z], z up, metres.
 */
export interface MotionClip {
  name: string;
  fps: number;
  nFrames: number;
  /** joint names of the columns of jointPos (any order; map by name to a RobotModel) */
  jointNames: string[];
  rootPos: Float32Array; // nFrames*3
  rootQuat: Float32Array; // nFrames*4
  jointPos: Float32Array; // nFrames*nj (nj = jointNames.length)
  /**
   * Optional extras carried by NPZ (BeyondMimic): velocities and body poses by body name.
   * When absent they are derived (finite differences, forward kinematics).
   */
  jointVel?: Float32Array;
  bodyNames?: string[];
  bodyPos?: Float32Array; // nFrames*nbody*3
  bodyQuat?: Float32Array; // nFrames*nbody*4
  bodyLinVel?: Float32Array;
  bodyAngVel?: Float32Array;
  /** objects: trajectories of objects the motion interacts with (human–object interaction clips; formats/hoi.ts) */
  objects?: ObjectTrack[];
}

/** objects: one object's trajectory in a clip, per frame; `contact` = the clip's contact label (0/1) when it has one. */
export interface ObjectTrack {
  name: string;
  pos: Float32Array; // nFrames*3
  quat: Float32Array; // nFrames*4, w,x,y,z
  contact?: Float32Array; // nFrames
}

export const clipDuration = (c: MotionClip): number => (c.nFrames - 1) / c.fps;

/**
 * The reference at one instant for one robot, in the robot's joint order (RobotModel.joints) and body order
 * (RobotModel.bodies). Produced by motion sampling + forward kinematics, or by a policy that embeds its
 * reference. This is what the observation terms and metrics read.
 */
export interface ReferenceFrame {
  rootPos: Float32Array; // 3
  rootQuat: Float32Array; // 4
  rootLinVel: Float32Array; // 3 world
  rootAngVel: Float32Array; // 3 world
  jointPos: Float32Array; // nj
  jointVel: Float32Array; // nj
  bodyPos: Float32Array; // nb*3
  bodyQuat: Float32Array; // nb*4
  bodyLinVel: Float32Array; // nb*3
  bodyAngVel: Float32Array; // nb*3
}

/** A reference frame of nj joints and nb bodies, each array from `make(key, its length)` (new arrays, or views). */
export function referenceFrame(nj: number, nb: number, make: (key: keyof ReferenceFrame, count: number) => Float32Array): ReferenceFrame {
  const counts: Record<keyof ReferenceFrame, number> = {
    rootPos: 3,
    rootQuat: 4,
    rootLinVel: 3,
    rootAngVel: 3,
    jointPos: nj,
    jointVel: nj,
    bodyPos: nb * 3,
    bodyQuat: nb * 4,
    bodyLinVel: nb * 3,
    bodyAngVel: nb * 3,
  };
  const out = {} as ReferenceFrame;
  for (const key of Object.keys(counts) as (keyof ReferenceFrame)[]) out[key] = make(key, counts[key]);
  return out;
}
