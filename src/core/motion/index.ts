/** Motion clips: formats (CSV, NPZ, BVH), sampling and editing, reference tracks, retargeting. */
export * from './types';
export { parseMotionCsv, writeMotionCsv, fpsFromFileName, QUAT_TOLERANCE } from './csv';
export { parseMotionNpz, writeMotionNpz, type NpzWriteOptions } from './npz';
export { parseNpy, writeNpy, type NpyArray } from './npy';
export { parseBvh, bvhWorldPoses, type BvhData, type BvhBone } from './bvh';
export {
  sampleClip, newSample, resampleClip, trimClip, timeScaleClip, loopClip, mirrorClip, mirrorPairs, clipVelocities,
  type ClipSample, type ClipVelocities,
} from './sample';
export { ReferenceTrack } from './reference';
export { retargetBvh, retargetBvhDetailed, robotTpose, checkRetargetConfig, type RetargetConfig, type RetargetResult } from './retarget';
export { contactPoints, footBodies, lowestZ } from './feet';
export { solveIk, type IkTarget } from './ik';
