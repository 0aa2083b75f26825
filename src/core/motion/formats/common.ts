/**
 * Shared parts of the motion format readers: options, the clip with its notes, joint orders (description and
 * IsaacLab breadth-first), the quaternion-order check, and value checks with named errors.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import { checkQuat } from '../csv';
import type { MotionClip } from '../types';

export type QuatOrder = 'wxyz' | 'xyzw';
export type JointOrder = 'description' | 'isaaclab';

export interface ReadOptions {
  /** frame rate (Hz); overrides the file's and the format's default */
  fps?: number;
  /** names of the file's joint columns, in column order (overrides the format's convention) */
  jointNames?: string[];
  /** which of the robot's joint orders the columns follow, when the file names none */
  jointOrder?: JointOrder;
  /** quaternion order of the file's root rotation (overrides the format's convention; the check still runs) */
  quatOrder?: QuatOrder;
  /** BVH only: the retarget configuration (see motion/retarget-config.ts) */
  bvhConfig?: unknown;
}

/** A clip read from a file, with what the reader decided (notes) and what looks wrong (warnings). */
export interface FormatClip extends MotionClip {
  /** the format's name, e.g. "LAFAN1 CSV", "PHC pickle" */
  format: string;
  notes: string[];
  warnings: string[];
}

/** Joints in the robot description's (depth-first) order. */
export const descriptionOrder = (robot: RobotModel): string[] => robot.joints.map((j) => j.name);

function bodyDepths(robot: RobotModel): number[] {
  const depth: number[] = [];
  robot.bodies.forEach((b, i) => {
    depth[i] = b.parent < 0 ? 0 : depth[b.parent] + 1;
  });
  return depth;
}

/** Bodies in IsaacLab / PhysX articulation order: breadth-first (by depth, description order within a depth). */
export function isaacLabBodyOrder(robot: RobotModel): number[] {
  const depth = bodyDepths(robot);
  return robot.bodies.map((_, i) => i).sort((a, b) => depth[a] - depth[b] || a - b);
}

/** Joints in IsaacLab order: the joints of the bodies in breadth-first order. */
export const isaacLabOrder = (robot: RobotModel): string[] =>
  isaacLabBodyOrder(robot).flatMap((b) => robot.bodies[b].joints.map((j) => robot.joints[j].name));

/** ASAP / PBHC 23-DoF G1 convention: the description order without wrist pitch/yaw and waist roll/pitch. */
const SUBSET_23 = /(wrist_(pitch|yaw)|waist_(roll|pitch))/;

/**
 * Names for `n` joint columns: the caller's names, else the robot's joints in the format's order. A count that
 * fits no rule is a MotionError that asks for the joint names.
 */
export function columnNames(
  n: number,
  file: string,
  where: string,
  robot: RobotModel | undefined,
  opts: ReadOptions,
  convention: JointOrder,
  why: string,
  notes: string[],
  warnings: string[],
): string[] {
  if (opts.jointNames) {
    if (opts.jointNames.length !== n) {
      fail('MotionError', file, where, `${n} joint columns but ${opts.jointNames.length} joint names were given`);
    }
    notes.push(`joint columns named by the file or the caller (${n})`);
    return [...opts.jointNames];
  }
  if (!robot) return fail('MotionError', file, where, `${n} joint columns and no joint names: pass the robot or the joint names`);
  const order = opts.jointOrder ?? convention;
  const names = order === 'isaaclab' ? isaacLabOrder(robot) : descriptionOrder(robot);
  if (names.length === n) {
    notes.push(`joint columns read in the robot's ${order === 'isaaclab' ? 'IsaacLab (breadth-first)' : 'description'} order (${why})`);
    return names;
  }
  const subset = names.filter((j) => !SUBSET_23.test(j));
  if (n === 23 && subset.length === 23) {
    warnings.push(
      `${n} joint columns for a ${names.length}-joint robot: read as the 23-DoF subset (no wrist pitch/yaw, waist roll/pitch) in ${order} order; the others are held at 0`,
    );
    return subset;
  }
  return fail(
    'MotionError',
    file,
    where,
    `${n} joint columns but the robot ${robot.name} has ${names.length} joints: pass the joint names of the columns (jointNames)`,
  );
}

/** Frame rate: option, else the file's value, else the format's default (stated in the notes). */
export function pickFps(
  file: string,
  opts: ReadOptions,
  fromFile: unknown,
  dflt: number | undefined,
  why: string,
  notes: string[],
): number {
  let fps = opts.fps;
  if (fps !== undefined) notes.push(`rate ${fps} Hz given by the caller`);
  else if (fromFile !== undefined && fromFile !== null) {
    fps = Number(fromFile);
    notes.push(`rate ${fps} Hz from the file`);
  } else if (dflt !== undefined) {
    fps = dflt;
    notes.push(`rate ${dflt} Hz: ${why}; pass fps to change it`);
  }
  if (fps === undefined) return fail('MotionError', file, 'fps', `frame rate unknown (${why}): pass fps`);
  if (!Number.isFinite(fps) || fps <= 0)
    fail('MotionError', file, 'fps', `frame rate must be > 0 (got ${JSON.stringify(fromFile ?? fps)})`);
  return fps;
}

/** MotionError naming the first non-finite value: frame and column. */
export function checkFinite(a: ArrayLike<number>, cols: number, file: string, what: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      fail('MotionError', file, `${what}, frame ${Math.floor(i / cols)}, column ${i % cols}`, `value ${a[i]} is not a finite number`);
    }
  }
}

/** Fraction of frames whose body z axis points up (z·z > 0.3) for [w,x,y,z] quaternions. */
function uprightShare(q: ArrayLike<number>, n: number, w: number, x: number, y: number): number {
  let up = 0;
  for (let f = 0; f < n; f++) {
    const o = f * 4;
    const sq = q[o + x] ** 2 + q[o + y] ** 2,
      all = sq + q[o + w] ** 2 + q[o + 6 - x - y - w] ** 2;
    if (1 - (2 * sq) / (all || 1) > 0.3) up++;
  }
  return up / Math.max(n, 1);
}

/**
 * Root quaternions from a file's raw 4-tuples: reorder to [w,x,y,z], normalise (MotionError when not unit),
 * and check the order: a humanoid root stands upright in most frames. When the declared order is upside down
 * and the other one upright, the file is mislabelled: MotionError asking for quatOrder (or a warning when
 * the caller set quatOrder explicitly).
 */
export function rootQuats(
  raw: ArrayLike<number>,
  n: number,
  file: string,
  where: string,
  convention: QuatOrder,
  opts: ReadOptions,
  notes: string[],
  warnings: string[],
): Float32Array {
  const order = opts.quatOrder ?? convention;
  const out = new Float32Array(n * 4);
  for (let f = 0; f < n; f++) {
    const o = f * 4;
    if (order === 'xyzw') out.set([raw[o + 3], raw[o], raw[o + 1], raw[o + 2]], o);
    else out.set([raw[o], raw[o + 1], raw[o + 2], raw[o + 3]], o);
    checkQuat(out, o, file, `${where}, frame ${f}`);
  }
  const other: QuatOrder = order === 'xyzw' ? 'wxyz' : 'xyzw';
  const mine = uprightShare(out, n, 0, 1, 2);
  // the other reading of the same raw numbers, expressed on our [w,x,y,z] array
  const alt = order === 'xyzw' ? uprightShare(out, n, 1, 2, 3) : uprightShare(out, n, 3, 0, 1);
  const src = opts.quatOrder ? 'given by the caller' : "the format's convention";
  if (mine < 0.5 && alt >= 0.9) {
    const msg = `root quaternion read as ${order} (${src}) is upside down in ${Math.round((1 - mine) * 100)}% of frames; read as ${other} it is upright`;
    if (!opts.quatOrder)
      return fail('MotionError', file, where, `${msg}: pass quatOrder "${other}" (CLI: --quat-order ${other}) if the file is ${other}`);
    warnings.push(msg);
  }
  notes.push(`root quaternion read as ${order} (${src}; upright in ${Math.round(mine * 100)}% of frames)`);
  return out;
}

/** Column count check for a 2-D block: MotionError naming the key and the shapes. */
export const expectShape = (shape: number[], want: (number | undefined)[], file: string, key: string): void =>
  checkShape(shape, want, file, `key ${key}`);

/** The same check, the place named by `where` (e.g. `clip "walk" key dof`). */
export function checkShape(shape: number[], want: (number | undefined)[], file: string, where: string): void {
  const ok = shape.length === want.length && want.every((w, i) => w === undefined || shape[i] === w);
  if (!ok) {
    const text = want.map((w) => (w === undefined ? '?' : w)).join(', ');
    fail('MotionError', file, where, `shape (${shape.join(', ')}), expected (${text})`);
  }
}

/** Base name without folders and the given extensions. */
export const baseName = (file: string): string =>
  (
    file
      .split(/[\\/]/)
      .filter((s) => s !== '')
      .pop() ?? file
  ).replace(/\.(csv|npz|pkl|pickle|joblib|json|bvh)$/i, '');

/** Share of values outside their joint's range (+0.05 rad) when the columns carry `names`. */
function outOfRange(robot: RobotModel, names: string[], data: ArrayLike<number>): number {
  const nj = names.length,
    n = Math.floor(data.length / nj);
  const ranges = names.map((nm) => robot.joints[robot.jointIndex.get(nm) ?? -1]?.range ?? null);
  let bad = 0,
    all = 0;
  for (let f = 0; f < n; f++) {
    for (let j = 0; j < nj; j++) {
      const r = ranges[j];
      if (!r) continue;
      const q = data[f * nj + j];
      all++;
      if (q < r[0] - 0.05 || q > r[1] + 0.05) bad++;
    }
  }
  return all ? bad / all : 0;
}

/**
 * Joint order check for columns named by a convention (not by the file): the values should sit inside the
 * joints' ranges. When another of the robot's orders fits far better, the convention is wrong for this file:
 * MotionError asking for the order (a warning when the caller chose the order).
 */
export function checkJointOrder(
  robot: RobotModel | undefined,
  names: string[],
  data: ArrayLike<number>,
  file: string,
  where: string,
  opts: ReadOptions,
  notes: string[],
  warnings: string[],
): void {
  if (!robot || opts.jointNames) return;
  const orders: [JointOrder, string[]][] = [
    ['description', descriptionOrder(robot)],
    ['isaaclab', isaacLabOrder(robot)],
  ];
  const mine = outOfRange(robot, names, data);
  const others = orders
    .filter(([, o]) => o.length === names.length && o.some((x, i) => x !== names[i]))
    .map(([k, o]) => [k, outOfRange(robot, o, data)] as const)
    .sort((a, b) => a[1] - b[1]);
  notes.push(`joint order check: ${(100 * (1 - mine)).toFixed(1)}% of values inside the joints' ranges`);
  const best = others[0];
  if (best && mine > 0.01 && best[1] < mine / 4) {
    const msg = `${(100 * mine).toFixed(1)}% of joint values are outside their ranges in this order, ${(100 * best[1]).toFixed(1)}% in the ${best[0]} order`;
    if (!opts.jointOrder)
      fail(
        'MotionError',
        file,
        where,
        `${msg}: pass jointOrder "${best[0]}" (CLI: --joint-order ${best[0]}) if the columns are in that order`,
      );
    warnings.push(msg);
  }
}
