/**
 * The reference on a terrain (issue 16), one definition for the built-in controller, the ghost, the app's
 * metrics and the evaluation's: a clip is recorded on a flat floor; on a terrain each frame is raised by the
 * ground height under its root (root and every body; orientations, joints and velocities unchanged).
 * A reference that its start already placed on the terrain (the policy controller's 'ground' / 'default-pose'
 * starts shift it by the ground under the robot there) is raised only by the change since: ground(root) − base,
 * base = the ground under its root at the start. The policy's observations are not changed (physics/README.md).
 */
import type { ReferenceSource } from '../policy/refio';
import { groundFor } from './terrain-engines';
import type { TerrainSpec } from './terrain';
import { createBatchState, type BatchState } from './types';

export type Ground = (x: number, y: number) => number;

/** The frame fields the lift touches: env e's root position and body positions. */
export interface LiftableFrame {
  rootPos: Float32Array;
  bodyPos: Float32Array;
}

/** Raise env e of a frame (nb bodies) by the ground under its root less `base`; returns the rise, m. */
export function liftFrame(f: LiftableFrame, e: number, nb: number, ground: Ground, base = 0): number {
  const dz = ground(f.rootPos[e * 3], f.rootPos[e * 3 + 1]) - base;
  f.rootPos[e * 3 + 2] += dz;
  for (let b = 0; b < nb; b++) f.bodyPos[(e * nb + b) * 3 + 2] += dz;
  return dz;
}

/** A reference source raised onto the terrain (flat floor or none: the source itself). */
export function onTerrain(track: ReferenceSource, terrain: TerrainSpec | null | undefined): ReferenceSource {
  const ground = groundFor(terrain);
  if (!ground) return track;
  return {
    nSteps: track.nSteps,
    dt: track.dt,
    write(step, ref, e) {
      track.write(step, ref, e);
      liftFrame(ref, e, ref.nb, ground);
    },
  };
}

/** One reference frame (the app's live frame, env 0) raised onto the terrain: a copy (the source is untouched). */
export function frameOnTerrain<F extends LiftableFrame>(f: F, nb: number, terrain: TerrainSpec | null | undefined): F {
  const ground = groundFor(terrain);
  if (!ground) return f;
  const out = { ...f, rootPos: Float32Array.from(f.rootPos), bodyPos: Float32Array.from(f.bodyPos) };
  liftFrame(out, 0, nb, ground);
  return out;
}

/**
 * A driver's batched reference seen on the terrain (the evaluation's scoring): `begin` records each env's base
 * (the ground its start already raised it by, or 0 for a reference that is not placed or already on the terrain),
 * `view` returns a lifted copy. Null on a flat floor.
 */
export class TerrainReference {
  private readonly base: Float64Array;
  private readonly out: BatchState;
  private constructor(
    private readonly ground: Ground,
    ref: BatchState,
  ) {
    this.base = new Float64Array(ref.n);
    this.out = createBatchState(ref.n, ref.nj, ref.nb);
  }

  static of(terrain: TerrainSpec | null | undefined, ref: BatchState): TerrainReference | null {
    const g = groundFor(terrain);
    return g ? new TerrainReference(g, ref) : null;
  }

  /** `placed`: the start shifted the reference onto the ground under it (base = that ground); else base 0. */
  begin(ref: BatchState, placed: boolean): void {
    for (let e = 0; e < ref.n; e++) this.base[e] = placed ? this.ground(ref.rootPos[e * 3], ref.rootPos[e * 3 + 1]) : 0;
  }

  /** The reference raised onto the terrain (a copy; every field of `ref` copied, positions lifted). */
  view(ref: BatchState): BatchState {
    const o = this.out;
    for (const k of ['rootPos', 'rootQuat', 'rootLinVel', 'rootAngVel', 'jointPos', 'jointVel', 'jointTorque'] as const) o[k].set(ref[k]);
    for (const k of ['bodyPos', 'bodyQuat', 'bodyLinVel', 'bodyAngVel', 'contactForce'] as const) o[k].set(ref[k]);
    for (let e = 0; e < ref.n; e++) liftFrame(o, e, ref.nb, this.ground, this.base[e]);
    return o;
  }
}
