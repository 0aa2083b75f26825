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
import { qLog, qMul, qConj, qRotate } from '../math';
import { forwardKinematics } from '../model/fk';
import type { RobotModel, Shape } from '../model/types';
import type { MotionClip } from './types';

export type ReferenceWarningCode =
  | 'non_finite' | 'non_unit_quaternion' | 'implausible_rate' | 'implausible_speed' | 'root_jump' | 'joint_jump'
  | 'below_floor' | 'floating' | 'joint_limit' | 'dropped_frame';

export interface ReferenceWarning {
  code: ReferenceWarningCode;
  /** frame numbers of the data as given (before any repair); a long list is cut to its first 20 */
  frames: number[];
  /** how many frames are concerned (frames may be cut) */
  count: number;
  message: string;
}

/** Per-step reference arrays in the robot's joint order. */
export interface ReferenceSteps {
  nSteps: number;
  /** seconds between steps */
  dt: number;
  rootPos: ArrayLike<number>; // nSteps*3
  rootQuat: ArrayLike<number>; // nSteps*4, w,x,y,z
  jointPos: ArrayLike<number>; // nSteps*nj (robot.joints order)
  /** robot joints the data does not drive (not checked); default none */
  missingJoints?: string[];
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
const warn = (code: ReferenceWarningCode, frames: number[], message: string): ReferenceWarning =>
  ({ code, frames: frames.slice(0, LIST), count: frames.length, message });

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

// --- lowest collision point ---------------------------------------------------------------------------------

const points = new WeakMap<RobotModel, { body: number; p: number[]; r: number }[]>();

/** Points of a shape that can be lowest: exact for primitives; for a mesh its extreme vertices along 26 directions. */
function shapePoints(s: Shape): { p: number[]; r: number }[] {
  const [a = 0, b = 0, c = 0] = s.size;
  const local: { p: number[]; r: number }[] = [];
  if (s.type === 'sphere') local.push({ p: [0, 0, 0], r: a });
  else if (s.type === 'capsule') local.push({ p: [0, 0, -b], r: a }, { p: [0, 0, b], r: a });
  else if (s.type === 'box') for (const x of [-a, a]) for (const y of [-b, b]) for (const z of [-c, c]) local.push({ p: [x, y, z], r: 0 });
  else if (s.type === 'cylinder') {
    for (let k = 0; k < 16; k++) for (const z of [-b, b]) local.push({ p: [a * Math.cos(k * Math.PI / 8), a * Math.sin(k * Math.PI / 8), z], r: 0 });
  } else if (s.type === 'mesh' && s.mesh) {
    const v = s.mesh.vertices, n = v.length / 3, seen = new Set<number>();
    for (const dx of [-1, 0, 1]) for (const dy of [-1, 0, 1]) for (const dz of [-1, 0, 1]) {
      if (!dx && !dy && !dz) continue;
      let best = -Infinity, at = 0;
      for (let i = 0; i < n; i++) {
        const d = dx * v[i * 3] + dy * v[i * 3 + 1] + dz * v[i * 3 + 2];
        if (d > best) { best = d; at = i; }
      }
      if (!seen.has(at)) { seen.add(at); local.push({ p: [v[at * 3], v[at * 3 + 1], v[at * 3 + 2]], r: 0 }); }
    }
  }
  return local.map(({ p, r }) => {
    const q = qRotate(s.quat, p);
    return { p: [s.pos[0] + q[0], s.pos[1] + q[1], s.pos[2] + q[2]], r };
  });
}

function collisionPoints(robot: RobotModel): { body: number; p: number[]; r: number }[] {
  let pts = points.get(robot);
  if (!pts) {
    pts = robot.bodies.flatMap((b) => b.collision.filter((s) => s.type !== 'plane').flatMap((s) => shapePoints(s).map((x) => ({ body: b.index, ...x }))));
    if (!pts.length) pts = robot.bodies.map((b) => ({ body: b.index, p: [0, 0, 0], r: 0 }));
    points.set(robot, pts);
  }
  return pts;
}

/** Lowest world z of the robot's collision shapes at each step (forward kinematics). */
export function lowestPoints(robot: RobotModel, ref: ReferenceSteps): Float32Array {
  const nb = robot.bodies.length, nj = robot.joints.length;
  const bp = new Float64Array(nb * 3), bq = new Float64Array(nb * 4);
  const pts = collisionPoints(robot);
  const out = new Float32Array(ref.nSteps);
  const jp = new Float64Array(nj);
  for (let s = 0; s < ref.nSteps; s++) {
    for (let j = 0; j < nj; j++) jp[j] = ref.jointPos[s * nj + j];
    const rq = [ref.rootQuat[s * 4], ref.rootQuat[s * 4 + 1], ref.rootQuat[s * 4 + 2], ref.rootQuat[s * 4 + 3]];
    forwardKinematics(robot, [ref.rootPos[s * 3], ref.rootPos[s * 3 + 1], ref.rootPos[s * 3 + 2]], rq, jp, bp, bq);
    let m = Infinity;
    for (const { body, p, r } of pts) {
      const w = bq[body * 4], x = bq[body * 4 + 1], y = bq[body * 4 + 2], z = bq[body * 4 + 3];
      // z component of q·p
      const zz = p[2] + 2 * (w * (x * p[1] - y * p[0]) + x * (z * p[0] - x * p[2]) - y * (y * p[2] - z * p[1]));
      m = Math.min(m, bp[body * 3 + 2] + zz - r);
    }
    out[s] = m;
  }
  return out;
}

/**
 * Vertical shift that puts the robot's lowest collision point at step `step` on the floor (positive: raise the
 * reference). For a start on the reference pose: add it to the root height and report it.
 */
export function groundShift(robot: RobotModel, ref: ReferenceSteps, step = 0, floorZ = 0): number {
  const s = Math.min(Math.max(Math.floor(step), 0), ref.nSteps - 1);
  return floorZ - lowestPoints(robot, sliceSteps(ref, s, s + 1))[0];
}

// --- the checks -------------------------------------------------------------------------------------------

interface Found { warnings: ReferenceWarning[]; bad: Set<number>; jumps: Set<number> }

function checkValues(robot: RobotModel, ref: ReferenceSteps, f: Found): void {
  const nj = robot.joints.length, nan: number[] = [], quat: number[] = [];
  for (let s = 0; s < ref.nSteps; s++) {
    let ok = true;
    for (let k = 0; k < 3; k++) ok &&= Number.isFinite(ref.rootPos[s * 3 + k]);
    for (let k = 0; k < 4; k++) ok &&= Number.isFinite(ref.rootQuat[s * 4 + k]);
    for (let j = 0; j < nj; j++) ok &&= Number.isFinite(ref.jointPos[s * nj + j]);
    if (!ok) { nan.push(s); f.bad.add(s); continue; }
    const n = Math.hypot(ref.rootQuat[s * 4], ref.rootQuat[s * 4 + 1], ref.rootQuat[s * 4 + 2], ref.rootQuat[s * 4 + 3]);
    if (Math.abs(n - 1) > 1e-3) { quat.push(s); f.bad.add(s); }
  }
  if (nan.length) f.warnings.push(warn('non_finite', nan, `non-finite root or joint values in frames ${frameRanges(nan)}`));
  if (quat.length) f.warnings.push(warn('non_unit_quaternion', quat, `root quaternion not unit (|q| off by > 0.001) in frames ${frameRanges(quat)}`));
}

function checkRate(ref: ReferenceSteps, f: Found): void {
  const fps = 1 / ref.dt;
  if (!(fps >= 10 && fps <= 1000)) {
    f.warnings.push(warn('implausible_rate', [], `rate ${+fps.toFixed(3)} Hz is outside 10–1000 Hz: is the frame rate right?`));
  }
}

/** Per step k (between frames k and k+1): root speed, root angular speed, each joint's speed. */
function checkJumps(robot: RobotModel, ref: ReferenceSteps, f: Found): void {
  const n = ref.nSteps, nj = robot.joints.length, inv = 1 / ref.dt;
  if (n < 3) return;
  const lin: number[] = [], ang: number[] = [];
  const jv: number[][] = robot.joints.map(() => []);
  const ok = (s: number) => !f.bad.has(s) && !f.bad.has(s + 1);
  for (let s = 0; s + 1 < n; s++) {
    if (!ok(s)) { lin.push(0); ang.push(0); jv.forEach((a) => a.push(0)); continue; }
    lin.push(Math.hypot(ref.rootPos[s * 3 + 3] - ref.rootPos[s * 3], ref.rootPos[s * 3 + 4] - ref.rootPos[s * 3 + 1], ref.rootPos[s * 3 + 5] - ref.rootPos[s * 3 + 2]) * inv);
    const qa = Array.from({ length: 4 }, (_, k) => ref.rootQuat[s * 4 + k]), qb = Array.from({ length: 4 }, (_, k) => ref.rootQuat[s * 4 + 4 + k]);
    const w = qLog(qMul(qb, qConj(qa)));
    ang.push(Math.hypot(w[0], w[1], w[2]) * inv);
    for (let j = 0; j < nj; j++) jv[j].push(Math.abs(ref.jointPos[(s + 1) * nj + j] - ref.jointPos[s * nj + j]) * inv);
  }
  const missing = new Set(ref.missingJoints ?? []);
  if (median(lin) > 6) {
    f.warnings.push(warn('implausible_speed', [], `the root moves at ${median(lin).toFixed(1)} m/s in a typical frame at ${+(1 / ref.dt).toFixed(3)} Hz: is the frame rate right?`));
  }
  const linLim = Math.max(10 * median(lin), 3), angLim = Math.max(10 * median(ang), 12);
  const rootSteps = lin.map((v, s) => (v > linLim || ang[s] > angLim ? s : -1)).filter((s) => s >= 0);
  if (rootSteps.length) {
    const worst = Math.max(...rootSteps.map((s) => lin[s]));
    rootSteps.forEach((s) => f.jumps.add(s));
    f.warnings.push(warn('root_jump', rootSteps, `root jumps between frames ${rootSteps.map((s) => `${s}→${s + 1}`).join(', ')} (up to ${worst.toFixed(2)} m/s; typical ${median(lin).toFixed(2)} m/s, ${median(ang).toFixed(2)} rad/s)`));
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
    const first = steps.slice(0, 3).map((s) => `${s}→${s + 1}: ${jointSteps.get(s)!.slice(0, 3).join(', ')}`).join('; ');
    f.warnings.push(warn('joint_jump', steps, `joint jumps far beyond the clip's typical step or 2× the velocity limit at ${steps.length} steps (${first})`));
  }
}

function checkLimits(robot: RobotModel, ref: ReferenceSteps, tol: number, f: Found): void {
  const nj = robot.joints.length, frames: number[] = [], worst = new Map<string, number>();
  const missing = new Set(ref.missingJoints ?? []);
  for (let s = 0; s < ref.nSteps; s++) {
    let hit = false;
    robot.joints.forEach((jt, j) => {
      if (!jt.range || missing.has(jt.name)) return;
      const q = ref.jointPos[s * nj + j], over = Math.max(jt.range[0] - q, q - jt.range[1]);
      if (over > tol) { hit = true; worst.set(jt.name, Math.max(worst.get(jt.name) ?? 0, over)); }
    });
    if (hit) frames.push(s);
  }
  if (frames.length) {
    const list = [...worst].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, o]) => `${n} by ${o.toFixed(3)} rad`).join(', ');
    f.warnings.push(warn('joint_limit', frames, `joints outside their range in frames ${frameRanges(frames.slice(0, 200))} (${list})`));
  }
}

function checkFloor(lowest: Float32Array, o: Required<Omit<DiagnoseOptions, 'repair'>>, f: Found): void {
  const below: number[] = [];
  let min = Infinity, deepest = 0;
  lowest.forEach((z, s) => {
    if (!Number.isFinite(z)) return;
    min = Math.min(min, z);
    if (z < o.floorZ - o.belowTolerance) { below.push(s); deepest = Math.max(deepest, o.floorZ - z); }
  });
  if (below.length) {
    f.warnings.push(warn('below_floor', below, `lowest collision point ${deepest.toFixed(3)} m below the floor in frames ${frameRanges(below.slice(0, 200))}`));
  }
  if (Number.isFinite(min) && min > o.floorZ + o.floatTolerance) {
    f.warnings.push(warn('floating', [], `the robot never reaches the floor: its lowest point is at least ${(min - o.floorZ).toFixed(3)} m above it in every frame`));
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

function sliceSteps(ref: ReferenceSteps, a: number, b: number): ReferenceSteps {
  const nj = ref.jointPos.length / ref.nSteps;
  const cut = (x: ArrayLike<number>, k: number) => Float64Array.from(Array.prototype.slice.call(x, a * k, b * k) as number[]);
  return { ...ref, nSteps: b - a, rootPos: cut(ref.rootPos, 3), rootQuat: cut(ref.rootQuat, 4), jointPos: cut(ref.jointPos, nj) };
}

/** Frames a warning blames: jumps name the step k (frames k and k+1), the rest their frames. */
function blamed(w: ReferenceWarning, all: number[]): Set<number> {
  const out = new Set<number>();
  for (const s of all) { out.add(s); if (w.code === 'root_jump' || w.code === 'joint_jump') out.add(s + 1); }
  return out;
}

/** Which end frame to drop: the first (or last) frame is broken and its neighbour is not. */
function brokenEnds(f: Found, n: number): { first: boolean; last: boolean } {
  const ends = { first: false, last: false };
  const jumpAt = f.jumps, badAt = f.bad;
  if (n >= 4) {
    ends.first = (jumpAt.has(0) && !jumpAt.has(1)) || (badAt.has(0) && !badAt.has(1));
    ends.last = (jumpAt.has(n - 2) && !jumpAt.has(n - 3)) || (badAt.has(n - 1) && !badAt.has(n - 2));
  }
  return ends;
}

const defaults = (o: DiagnoseOptions) => ({
  floorZ: o.floorZ ?? 0, belowTolerance: o.belowTolerance ?? 0.04, floatTolerance: o.floatTolerance ?? 0.05, limitTolerance: o.limitTolerance ?? 0.02,
});

/** Diagnose per-step reference arrays (robot joint order); with repair, an isolated broken end frame is left out. */
export function diagnoseReference(robot: RobotModel, ref: ReferenceSteps, opts: DiagnoseOptions = {}): Diagnosis {
  if (ref.nSteps < 1) fail('MotionError', 'reference', 'frames', 'no frames');
  if (ref.jointPos.length !== ref.nSteps * robot.joints.length) {
    fail('MotionError', 'reference', 'jointPos', `${ref.jointPos.length} values, expected ${ref.nSteps} steps × ${robot.joints.length} joints`);
  }
  const o = defaults(opts);
  const first = findings(robot, ref, o);
  const ends = brokenEnds(first, ref.nSteps);
  if (opts.repair === false || (!ends.first && !ends.last)) {
    return { warnings: first.warnings, start: 0, end: ref.nSteps, lowest: first.lowest };
  }
  const start = ends.first ? 1 : 0, end = ref.nSteps - (ends.last ? 1 : 0);
  const again = findings(robot, sliceSteps(ref, start, end), o);
  const shift = (w: ReferenceWarning): ReferenceWarning => ({ ...w, frames: w.frames.map((s) => s + start) });
  const dropped: ReferenceWarning[] = [];
  for (const [on, at] of [[ends.first, 0], [ends.last, ref.nSteps - 1]] as const) {
    if (!on) continue;
    const why = first.warnings.filter((w) => blamed(w, w.frames).has(at)).map((w) => w.code).join(', ');
    dropped.push(warn('dropped_frame', [at], `frame ${at} (${at ? 'last' : 'first'}) is broken (${why}) and was dropped; repair: false keeps it`));
  }
  return { warnings: [...dropped, ...again.warnings.map(shift)], start, end, lowest: again.lowest };
}

/** A clip as per-step arrays in the robot's joint order (joints by name; robot joints the clip lacks: 0, listed). */
export function clipSteps(clip: MotionClip, robot: RobotModel): ReferenceSteps {
  const nj = robot.joints.length, cj = clip.jointNames.length, n = clip.nFrames;
  const src = robot.joints.map((j) => clip.jointNames.indexOf(j.name));
  for (const name of clip.jointNames) {
    if (!robot.jointIndex.has(name)) fail('MotionError', clip.name, `joint ${name}`, `the robot ${robot.name} has no joint "${name}"`);
  }
  const jointPos = new Float32Array(n * nj);
  for (let f = 0; f < n; f++) for (let j = 0; j < nj; j++) if (src[j] >= 0) jointPos[f * nj + j] = clip.jointPos[f * cj + src[j]];
  return {
    nSteps: n, dt: 1 / clip.fps, rootPos: clip.rootPos, rootQuat: clip.rootQuat, jointPos,
    missingJoints: robot.joints.filter((_, j) => src[j] < 0).map((j) => j.name),
  };
}

/** Cut a clip to frames [a, b) (every per-frame array, extras included). */
export function sliceClip(clip: MotionClip, a: number, b: number): MotionClip {
  if (a === 0 && b === clip.nFrames) return clip;
  const n = clip.nFrames, per = (x: Float32Array | undefined) => (x ? x.slice((x.length / n) * a, (x.length / n) * b) : undefined);
  return {
    ...clip, nFrames: b - a, rootPos: per(clip.rootPos)!, rootQuat: per(clip.rootQuat)!, jointPos: per(clip.jointPos)!,
    jointVel: per(clip.jointVel), bodyPos: per(clip.bodyPos), bodyQuat: per(clip.bodyQuat),
    bodyLinVel: per(clip.bodyLinVel), bodyAngVel: per(clip.bodyAngVel),
  };
}

/** Diagnose a clip on a robot; the returned clip is the repaired one (the same object when nothing was dropped). */
export function diagnoseClip(clip: MotionClip, robot: RobotModel, opts: DiagnoseOptions = {}): Diagnosis & { clip: MotionClip } {
  const d = diagnoseReference(robot, clipSteps(clip, robot), opts);
  return { ...d, clip: sliceClip(clip, d.start, d.end) };
}
