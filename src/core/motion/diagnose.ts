/**
 * Reference diagnostics, before running: frame-to-frame jumps (root or joints far beyond the clip's own typical
 * step, or beyond the joints' velocity limits), the robot's lowest collision point below the floor or never
 * reaching it, joint-limit violations, non-unit quaternions, non-finite values and an implausible rate. Each
 * finding is a named warning with frame numbers. Safe repair: an isolated broken first or last frame is dropped
 * (repair: false keeps the data), and the warning says so.
 *
 * Two entry points: `diagnoseClip` (any MotionClip, joints by name) and `diagnoseReference` (per-step arrays in
 * the robot's joint order, e.g. the reference a policy embeds).
 */
import { fail } from '../errors';
import { qDelta } from '../math';
import type { RobotModel } from '../model/types';
import { clipSteps, lowestPoints, sliceSteps, type ReferenceSteps } from './lowest-point';
import type { MotionClip } from './types';

export { clipSteps, groundShift, lowestPoints, sliceSteps, type ReferenceSteps } from './lowest-point';

export type ReferenceWarningCode =
  | 'non_finite'
  | 'non_unit_quaternion'
  | 'implausible_rate'
  | 'implausible_speed'
  | 'root_jump'
  | 'joint_jump'
  | 'below_floor'
  | 'floating'
  | 'joint_limit'
  | 'dropped_frame';

export interface ReferenceWarning {
  code: ReferenceWarningCode;
  /** frame numbers of the data as given (before any repair; jumps: k = the step from frame k to k + 1); cut to the first 20 */
  frames: number[];
  /** how many frames are concerned (frames may be cut) */
  count: number;
  message: string;
}

export interface DiagnoseOptions {
  /** drop an isolated broken first/last frame (default true) */
  repair?: boolean;
  /** floor height (default 0) */
  floorZ?: number;
  /** how far the lowest point may sit below the floor before it is a warning (m, default 0.04: retargeted clips often sink 2–3 cm) */
  belowTolerance?: number;
  /** lowest point over the whole clip above the floor by more than this: floating (m, default 0.05) */
  floatTolerance?: number;
  /** joint range tolerance (rad, default 0.02) */
  limitTolerance?: number;
}

export interface Diagnosis {
  warnings: ReferenceWarning[];
  /** kept frames [start, end) of the data as given */
  start: number;
  end: number;
  /** lowest collision point (world z) per kept frame */
  lowest: Float32Array;
}

const LIST = 20;
const warn = (code: ReferenceWarningCode, frames: number[], message: string): ReferenceWarning => ({
  code,
  frames: frames.slice(0, LIST),
  count: frames.length,
  message,
});

/** "3, 4, 5, 9" → "3–5, 9" */
export function frameRanges(frames: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < frames.length;) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j] + 1) j++;
    out.push(j > i ? `${frames[i]}–${frames[j]}` : `${frames[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}

const median = (a: number[]): number => {
  if (!a.length) return 0;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

// --- the checks -------------------------------------------------------------------------------------------

interface Found {
  warnings: ReferenceWarning[];
  bad: Set<number>;
  jumps: Set<number>;
}

function checkValues(robot: RobotModel, ref: ReferenceSteps, f: Found): void {
  const nj = robot.joints.length,
    nan: number[] = [],
    quat: number[] = [];
  for (let s = 0; s < ref.nSteps; s++) {
    let ok = true;
    for (let k = 0; k < 3; k++) ok &&= Number.isFinite(ref.rootPos[s * 3 + k]);
    for (let k = 0; k < 4; k++) ok &&= Number.isFinite(ref.rootQuat[s * 4 + k]);
    for (let j = 0; j < nj; j++) ok &&= Number.isFinite(ref.jointPos[s * nj + j]);
    if (!ok) {
      nan.push(s);
      f.bad.add(s);
      continue;
    }
    const n = Math.hypot(ref.rootQuat[s * 4], ref.rootQuat[s * 4 + 1], ref.rootQuat[s * 4 + 2], ref.rootQuat[s * 4 + 3]);
    if (Math.abs(n - 1) > 1e-3) {
      quat.push(s);
      f.bad.add(s);
    }
  }
  if (nan.length) f.warnings.push(warn('non_finite', nan, `non-finite root or joint values in frames ${frameRanges(nan)}`));
  if (quat.length)
    f.warnings.push(warn('non_unit_quaternion', quat, `root quaternion not unit (|q| off by > 0.001) in frames ${frameRanges(quat)}`));
}

function checkRate(ref: ReferenceSteps, f: Found): void {
  const fps = 1 / ref.dt;
  if (!(fps >= 10 && fps <= 1000)) {
    f.warnings.push(warn('implausible_rate', [], `rate ${+fps.toFixed(3)} Hz is outside 10–1000 Hz: is the frame rate right?`));
  }
}

/** Per step k (between frames k and k+1): root speed, root angular speed, each joint's speed. */
function checkJumps(robot: RobotModel, ref: ReferenceSteps, f: Found): void {
  const n = ref.nSteps,
    nj = robot.joints.length,
    inv = 1 / ref.dt;
  if (n < 3) return;
  const lin: number[] = [],
    ang: number[] = [];
  const jv: number[][] = robot.joints.map(() => []);
  const ok = (s: number) => !f.bad.has(s) && !f.bad.has(s + 1);
  for (let s = 0; s + 1 < n; s++) {
    if (!ok(s)) {
      lin.push(0);
      ang.push(0);
      jv.forEach((a) => a.push(0));
      continue;
    }
    lin.push(
      Math.hypot(
        ref.rootPos[s * 3 + 3] - ref.rootPos[s * 3],
        ref.rootPos[s * 3 + 4] - ref.rootPos[s * 3 + 1],
        ref.rootPos[s * 3 + 5] - ref.rootPos[s * 3 + 2],
      ) * inv,
    );
    const qa = Array.from({ length: 4 }, (_, k) => ref.rootQuat[s * 4 + k]),
      qb = Array.from({ length: 4 }, (_, k) => ref.rootQuat[s * 4 + 4 + k]);
    const w = qDelta(qb, qa);
    ang.push(Math.hypot(w[0], w[1], w[2]) * inv);
    for (let j = 0; j < nj; j++) jv[j].push(Math.abs(ref.jointPos[(s + 1) * nj + j] - ref.jointPos[s * nj + j]) * inv);
  }
  const missing = new Set(ref.missingJoints ?? []);
  if (median(lin) > 6) {
    f.warnings.push(
      warn(
        'implausible_speed',
        [],
        `the root moves at ${median(lin).toFixed(1)} m/s in a typical frame at ${+(1 / ref.dt).toFixed(3)} Hz: is the frame rate right?`,
      ),
    );
  }
  const linLim = Math.max(10 * median(lin), 3),
    angLim = Math.max(10 * median(ang), 12);
  const rootSteps = lin.map((v, s) => (v > linLim || ang[s] > angLim ? s : -1)).filter((s) => s >= 0);
  if (rootSteps.length) {
    const worst = Math.max(...rootSteps.map((s) => lin[s]));
    rootSteps.forEach((s) => f.jumps.add(s));
    f.warnings.push(
      warn(
        'root_jump',
        rootSteps,
        `root jumps between frames ${rootSteps.map((s) => `${s}→${s + 1}`).join(', ')} (up to ${worst.toFixed(2)} m/s; typical ${median(lin).toFixed(2)} m/s, ${median(ang).toFixed(2)} rad/s)`,
      ),
    );
  }
  const jointSteps = new Map<number, string[]>();
  robot.joints.forEach((jt, j) => {
    if (missing.has(jt.name)) return;
    const lim = Math.max(10 * median(jv[j]), 15);
    const vlim = Number.isFinite(jt.velocityLimit) && jt.velocityLimit > 0 ? 2 * jt.velocityLimit : Infinity;
    jv[j].forEach((v, s) => {
      if (v > lim || v > vlim) jointSteps.set(s, [...(jointSteps.get(s) ?? []), `${jt.name} ${v.toFixed(1)} rad/s`]);
    });
  });
  const steps = [...jointSteps.keys()].sort((a, b) => a - b);
  steps.forEach((s) => f.jumps.add(s));
  if (steps.length) {
    const first = steps
      .slice(0, 3)
      .map((s) => `${s}→${s + 1}: ${jointSteps.get(s)!.slice(0, 3).join(', ')}`)
      .join('; ');
    f.warnings.push(
      warn(
        'joint_jump',
        steps,
        `joint jumps far beyond the clip's typical step or 2× the velocity limit at ${steps.length} steps (${first})`,
      ),
    );
  }
}

function checkLimits(robot: RobotModel, ref: ReferenceSteps, tol: number, f: Found): void {
  const nj = robot.joints.length,
    frames: number[] = [],
    worst = new Map<string, number>();
  const missing = new Set(ref.missingJoints ?? []);
  for (let s = 0; s < ref.nSteps; s++) {
    let hit = false;
    robot.joints.forEach((jt, j) => {
      if (!jt.range || missing.has(jt.name)) return;
      const q = ref.jointPos[s * nj + j],
        over = Math.max(jt.range[0] - q, q - jt.range[1]);
      if (over > tol) {
        hit = true;
        worst.set(jt.name, Math.max(worst.get(jt.name) ?? 0, over));
      }
    });
    if (hit) frames.push(s);
  }
  if (frames.length) {
    const list = [...worst]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([n, o]) => `${n} by ${o.toFixed(3)} rad`)
      .join(', ');
    f.warnings.push(warn('joint_limit', frames, `joints outside their range in frames ${frameRanges(frames.slice(0, 200))} (${list})`));
  }
}

function checkFloor(lowest: Float32Array, o: Required<Omit<DiagnoseOptions, 'repair'>>, f: Found): void {
  const below: number[] = [];
  let min = Infinity,
    deepest = 0;
  lowest.forEach((z, s) => {
    if (!Number.isFinite(z)) return;
    min = Math.min(min, z);
    if (z < o.floorZ - o.belowTolerance) {
      below.push(s);
      deepest = Math.max(deepest, o.floorZ - z);
    }
  });
  if (below.length) {
    f.warnings.push(
      warn(
        'below_floor',
        below,
        `lowest collision point ${deepest.toFixed(3)} m below the floor in frames ${frameRanges(below.slice(0, 200))}`,
      ),
    );
  }
  if (Number.isFinite(min) && min > o.floorZ + o.floatTolerance) {
    f.warnings.push(
      warn(
        'floating',
        [],
        `the robot never reaches the floor: its lowest point is at least ${(min - o.floorZ).toFixed(3)} m above it in every frame`,
      ),
    );
  }
}

function findings(robot: RobotModel, ref: ReferenceSteps, o: Required<Omit<DiagnoseOptions, 'repair'>>): Found & { lowest: Float32Array } {
  const f: Found = { warnings: [], bad: new Set(), jumps: new Set() };
  checkValues(robot, ref, f);
  checkRate(ref, f);
  checkJumps(robot, ref, f);
  checkLimits(robot, ref, o.limitTolerance, f);
  const lowest = f.bad.size ? new Float32Array(ref.nSteps).fill(NaN) : lowestPoints(robot, ref);
  for (let s = 0; f.bad.size && s < ref.nSteps; s++) if (!f.bad.has(s)) lowest[s] = lowestPoints(robot, sliceSteps(ref, s, s + 1))[0];
  checkFloor(lowest, o, f);
  return { ...f, lowest };
}

/** Frames a warning blames: jumps name the step k (frames k and k+1), the rest their frames. */
function blamed(w: ReferenceWarning, all: number[]): Set<number> {
  const out = new Set<number>();
  for (const s of all) {
    out.add(s);
    if (w.code === 'root_jump' || w.code === 'joint_jump') out.add(s + 1);
  }
  return out;
}

/** Which end frame to drop: the first (or last) frame is broken and its neighbour is not. */
function brokenEnds(f: Found, n: number): { first: boolean; last: boolean } {
  const ends = { first: false, last: false };
  const jumpAt = f.jumps,
    badAt = f.bad;
  if (n >= 4) {
    ends.first = (jumpAt.has(0) && !jumpAt.has(1)) || (badAt.has(0) && !badAt.has(1));
    ends.last = (jumpAt.has(n - 2) && !jumpAt.has(n - 3)) || (badAt.has(n - 1) && !badAt.has(n - 2));
  }
  return ends;
}

const defaults = (o: DiagnoseOptions) => ({
  floorZ: o.floorZ ?? 0,
  belowTolerance: o.belowTolerance ?? 0.04,
  floatTolerance: o.floatTolerance ?? 0.05,
  limitTolerance: o.limitTolerance ?? 0.02,
});

/** Diagnose per-step reference arrays (robot joint order); with repair, an isolated broken end frame is left out. */
export function diagnoseReference(robot: RobotModel, ref: ReferenceSteps, opts: DiagnoseOptions = {}): Diagnosis {
  if (ref.nSteps < 1) fail('MotionError', 'reference', 'frames', 'no frames');
  if (ref.jointPos.length !== ref.nSteps * robot.joints.length) {
    fail(
      'MotionError',
      'reference',
      'jointPos',
      `${ref.jointPos.length} values, expected ${ref.nSteps} steps × ${robot.joints.length} joints`,
    );
  }
  const o = defaults(opts);
  const first = findings(robot, ref, o);
  const ends = brokenEnds(first, ref.nSteps);
  if (opts.repair === false || (!ends.first && !ends.last)) {
    return { warnings: first.warnings, start: 0, end: ref.nSteps, lowest: first.lowest };
  }
  const start = ends.first ? 1 : 0,
    end = ref.nSteps - (ends.last ? 1 : 0);
  const again = findings(robot, sliceSteps(ref, start, end), o);
  const shift = (w: ReferenceWarning): ReferenceWarning => ({ ...w, frames: w.frames.map((s) => s + start) });
  const dropped: ReferenceWarning[] = [];
  for (const [on, at] of [
    [ends.first, 0],
    [ends.last, ref.nSteps - 1],
  ] as const) {
    if (!on) continue;
    const why = first.warnings
      .filter((w) => blamed(w, w.frames).has(at))
      .map((w) => w.code)
      .join(', ');
    dropped.push(
      warn('dropped_frame', [at], `frame ${at} (${at ? 'last' : 'first'}) is broken (${why}) and was dropped; repair: false keeps it`),
    );
  }
  return { warnings: [...dropped, ...again.warnings.map(shift)], start, end, lowest: again.lowest };
}

/** Cut a clip to frames [a, b) (every per-frame array, extras included). */
export function sliceClip(clip: MotionClip, a: number, b: number): MotionClip {
  if (a === 0 && b === clip.nFrames) return clip;
  const n = clip.nFrames,
    per = (x: Float32Array | undefined) => (x ? x.slice((x.length / n) * a, (x.length / n) * b) : undefined);
  return {
    ...clip,
    nFrames: b - a,
    rootPos: per(clip.rootPos)!,
    rootQuat: per(clip.rootQuat)!,
    jointPos: per(clip.jointPos)!,
    jointVel: per(clip.jointVel),
    bodyPos: per(clip.bodyPos),
    bodyQuat: per(clip.bodyQuat),
    bodyLinVel: per(clip.bodyLinVel),
    bodyAngVel: per(clip.bodyAngVel),
  };
}

/** Diagnose a clip on a robot; the returned clip is the repaired one (the same object when nothing was dropped). */
export function diagnoseClip(clip: MotionClip, robot: RobotModel, opts: DiagnoseOptions = {}): Diagnosis & { clip: MotionClip } {
  const d = diagnoseReference(robot, clipSteps(clip, robot), opts);
  return { ...d, clip: sliceClip(clip, d.start, d.end) };
}
