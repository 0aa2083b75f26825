/**
 * Heading hold for velocity-command policies: a world heading target turned into a yaw-rate command, closed
 * loop. mjlab / Isaac Lab's UniformVelocityCommand with `heading_command` sets wz = stiffness × wrap(heading −
 * yaw) clipped to the ang_vel_z range (stiffness 1 by default); here the track's own wz is added as a
 * feed-forward term, so a heading that turns at the commanded rate is followed without lag.
 */

/** Default stiffness (rad/s per rad of heading error), as mjlab / Isaac Lab. */
export const HEADING_STIFFNESS = 1.0;

/** An angle wrapped to [-π, π). */
export function wrapAngle(a: number): number {
  const t = (a + Math.PI) % (2 * Math.PI);
  return (t < 0 ? t + 2 * Math.PI : t) - Math.PI;
}

/** Yaw (rad, about world z) of the quaternion at offset o: math.ts qYaw under the name this module's callers use. */
export { qYaw as yawOf } from '../math';

/**
 * The yaw-rate command that holds `heading` (world, rad) from `yaw`: feedForward + stiffness × wrapped error,
 * clipped to `range` (the policy's wz range; none: unclipped).
 */
export function headingYawRate(
  heading: number,
  yaw: number,
  feedForward = 0,
  stiffness = HEADING_STIFFNESS,
  range: [number, number] | null = null,
): number {
  const wz = feedForward + stiffness * wrapAngle(heading - yaw);
  return range ? Math.min(Math.max(wz, range[0]), range[1]) : wz;
}
