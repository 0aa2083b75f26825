/**
 * What ends an env's episode in the loop (loop.ts), per driver: BeyondMimic's tracking terms (a policy or the
 * built-in controller on a reference) or a fall (locomotion, composed and blended skills: no reference a
 * tracking term could compare with). And the command metrics of locomotion runs: the planar velocity and
 * yaw-rate errors against the command that drove each control step.
 */
import { qYaw } from '../math';
import type { BatchState } from '../physics/types';
import { checkTermination } from '../policy/termination';

/** A reason to end env e's episode: the measured value that crossed the threshold (and the body, if any). */
export interface EndCheck {
  reason: string;
  value: number;
  body?: number;
}

/** An end rule: `begin` sees the start state of every env, `check` one env at a scored step. */
export interface EndRule {
  begin(state: BatchState): void;
  /** `ground` (terrain): the ground height under (x, y) relative to env e's start; heights are taken above it */
  check(state: BatchState, ref: BatchState, e: number, ground?: (x: number, y: number) => number): EndCheck | null;
}

/** Fall thresholds: anchor below `heightFrac` of its start height, or tilted past `tiltRad`. */
export const FALL = { heightFrac: 0.6, tiltRad: 1.0 };

export interface Fall {
  t: number;
  reason: 'anchor_height' | 'tilt';
  value: number;
}

/** A fall of env e: its anchor's height against the start height, its tilt from upright. */
export function fallCheck(
  s: BatchState,
  e: number,
  anchor: number,
  startZ: number,
  t: number,
  ground?: (x: number, y: number) => number,
): Fall | null {
  const i = e * s.nb + anchor,
    z = s.bodyPos[i * 3 + 2] - (ground ? ground(s.bodyPos[i * 3], s.bodyPos[i * 3 + 1]) : 0);
  if (z < FALL.heightFrac * startZ) return { t, reason: 'anchor_height', value: z };
  const x = s.bodyQuat[i * 4 + 1],
    y = s.bodyQuat[i * 4 + 2];
  const tilt = Math.acos(Math.min(1, Math.max(-1, 1 - 2 * (x * x + y * y))));
  return tilt > FALL.tiltRad ? { t, reason: 'tilt', value: tilt } : null;
}

/** BeyondMimic's terms against the reference. */
export function trackingEnds(anchor: number, endEffectors: number[]): EndRule {
  return { begin: () => {}, check: (s, ref, e, ground) => checkTermination(s, ref, e, anchor, endEffectors, undefined, ground) };
}

/** A fall of the anchor body, against each env's start height. */
export function fallEnds(anchor: number): EndRule {
  let startZ = new Float64Array(0);
  return {
    begin: (s) => {
      startZ = Float64Array.from({ length: s.n }, (_, e) => s.bodyPos[(e * s.nb + anchor) * 3 + 2]);
    },
    check: (s, _ref, e, ground) => fallCheck(s, e, anchor, startZ[e], 0, ground),
  };
}

/** Yaw of env e's root, rad. */
export function rootYaw(s: BatchState, e: number): number {
  return qYaw(s.rootQuat, e * 4);
}

/** Root velocity of env e in its yaw frame: [forward, left, yaw rate]. */
export function baseVelocity(s: BatchState, e: number): [number, number, number] {
  const v = s.rootLinVel.subarray(e * 3, e * 3 + 3),
    yaw = rootYaw(s, e);
  const c = Math.cos(yaw),
    sn = Math.sin(yaw);
  return [c * v[0] + sn * v[1], -sn * v[0] + c * v[1], s.rootAngVel[e * 3 + 2]];
}

/** Velocity-error accumulator (after `after` seconds). */
export class VelocityError {
  private sv = 0;
  private sw = 0;
  private k = 0;
  constructor(readonly after = 1) {}
  add(t: number, cmd: ArrayLike<number>, v: [number, number, number]): void {
    if (t < this.after) return;
    this.sv += Math.hypot(v[0] - cmd[0], v[1] - cmd[1]);
    this.sw += Math.abs(v[2] - cmd[2]);
    this.k++;
  }
  get vel(): number | null {
    return this.k ? this.sv / this.k : null;
  }
  get yaw(): number | null {
    return this.k ? this.sw / this.k : null;
  }
}

/** Per env: the command errors and where the root ended (x, y, yaw). */
export interface CommandOutcome {
  vel: (number | null)[];
  yaw: (number | null)[];
  end: { x: number; y: number; yaw: number }[];
}

/** Command metrics of n envs: fed each scored step with the state and the command that drove the step before. */
export class CommandMetrics {
  private readonly errs: VelocityError[];
  private readonly end: CommandOutcome['end'];
  constructor(n: number) {
    this.errs = Array.from({ length: n }, () => new VelocityError());
    this.end = Array.from({ length: n }, () => ({ x: 0, y: 0, yaw: 0 }));
  }
  add(t: number, s: BatchState, command: Float32Array, alive: Uint8Array): void {
    for (let e = 0; e < this.errs.length; e++) {
      if (!alive[e]) continue;
      this.errs[e].add(t, command.subarray(e * 3, e * 3 + 3), baseVelocity(s, e));
      this.end[e] = { x: s.rootPos[e * 3], y: s.rootPos[e * 3 + 1], yaw: rootYaw(s, e) };
    }
  }
  result(): CommandOutcome {
    return { vel: this.errs.map((x) => x.vel), yaw: this.errs.map((x) => x.yaw), end: this.end };
  }
}
