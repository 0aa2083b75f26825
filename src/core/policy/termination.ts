/**
 * BeyondMimic's termination terms, evaluated on a simulated state against the reference (same BatchState
 * layout): anchor height error > 0.25 m; anchor orientation error, measured as the difference of the z
 * component of gravity projected into the anchor frame, > 0.8; any end effector's height error > 0.25 m.
 * Only heights are compared (BeyondMimic's "z only" variants), so an aligned or drifting reference does not
 * end an episode by itself. Reported; the caller decides whether the episode stops.
 */
import type { BatchState } from '../physics/types';

export type TerminationReason = 'anchor_height' | 'anchor_orientation' | 'end_effector_height';

export interface TerminationThresholds {
  anchorHeight: number;
  anchorOrientation: number;
  endEffectorHeight: number;
}

export const beyondMimicThresholds: TerminationThresholds = { anchorHeight: 0.25, anchorOrientation: 0.8, endEffectorHeight: 0.25 };

export interface TerminationCheck {
  reason: TerminationReason;
  /** the measured error that crossed the threshold */
  value: number;
  /** the end-effector body index for end_effector_height */
  body?: number;
}

/** z component of gravity (0,0,-1) expressed in the frame of quaternion q = [w,x,y,z] at offset o. */
function gravityZ(q: ArrayLike<number>, o: number): number {
  const x = q[o + 1],
    y = q[o + 2];
  // R^T (0,0,-1) z-component = -(1 - 2(x² + y²)) for a unit quaternion
  return -(1 - 2 * (x * x + y * y));
}

/** First termination reason for env e, or null. anchor and endEffectors are body indices. */
export function checkTermination(
  state: BatchState,
  ref: BatchState,
  e: number,
  anchor: number,
  endEffectors: ArrayLike<number>,
  th: TerminationThresholds = beyondMimicThresholds,
  /** terrain (issue 16): ground height under (x, y) relative to the start; state heights are taken above it */
  ground?: (x: number, y: number) => number,
): TerminationCheck | null {
  const nb = state.nb;
  const ia = e * nb + anchor;
  const above = (i: number) => state.bodyPos[i * 3 + 2] - (ground ? ground(state.bodyPos[i * 3], state.bodyPos[i * 3 + 1]) : 0);
  const dz = Math.abs(ref.bodyPos[ia * 3 + 2] - above(ia));
  if (dz > th.anchorHeight) return { reason: 'anchor_height', value: dz };
  const dg = Math.abs(gravityZ(ref.bodyQuat, ia * 4) - gravityZ(state.bodyQuat, ia * 4));
  if (dg > th.anchorOrientation) return { reason: 'anchor_orientation', value: dg };
  for (let k = 0; k < endEffectors.length; k++) {
    const i = e * nb + endEffectors[k];
    const d = Math.abs(ref.bodyPos[i * 3 + 2] - above(i));
    if (d > th.endEffectorHeight) return { reason: 'end_effector_height', value: d, body: endEffectors[k] };
  }
  return null;
}
