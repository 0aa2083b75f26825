/** Shared pieces of the MJCF and URDF loaders: number parsing, mesh loading, validation, final assembly. */
import type { Quat, Vec3 } from '../math';
import { fail } from '../errors';
import { checkCount, checkNumber, LIMITS, nonNegative, type Place } from '../validate';
import { checkMesh, parseMesh, scaleMesh } from './mesh';
import type { Actuator, Body, Joint, MeshData, RobotModel } from './types';

export type AssetResolver = (path: string) => Uint8Array | undefined;

/** Parse a whitespace-separated list of numbers; `count` (or one of `counts`) enforced when given. */
export function nums(s: string, file: string, where: string, counts?: number | number[]): number[] {
  const parts = s.trim() === '' ? [] : s.trim().split(/[\s,]+/);
  const v = parts.map(Number);
  const bad = parts.findIndex((p, i) => !Number.isFinite(v[i]) || p === '');
  if (bad >= 0) fail('ParseError', file, where, `"${parts[bad]}" is not a number in "${s}"`);
  const allowed = counts === undefined ? undefined : Array.isArray(counts) ? counts : [counts];
  if (allowed && !allowed.includes(v.length))
    fail('ParseError', file, where, `expected ${allowed.join(' or ')} numbers, got ${v.length} in "${s}"`);
  return v;
}

/** Join a directory and a relative path, collapsing "." and ".." segments. */
export function joinPath(dir: string, rel: string): string {
  if (!dir || rel.startsWith('/')) return rel;
  const out: string[] = [];
  for (const seg of `${dir}/${rel}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

export const dirOf = (file: string): string => {
  const k = file.lastIndexOf('/');
  return k >= 0 ? file.slice(0, k) : '';
};

/**
 * Load a mesh through the resolver, trying each candidate path in turn. Without a resolver the
 * mesh is not loaded (returns undefined, the caller records a warning); with one, a missing or
 * corrupt file throws MeshError naming the model file and element.
 */
export function loadMesh(
  candidates: string[],
  scale: number[],
  resolve: AssetResolver | undefined,
  cache: Map<string, MeshData>,
  file: string,
  where: string,
): MeshData | undefined {
  if (!resolve) return undefined;
  for (const path of candidates) {
    const key = `${path}|${scale.join(',')}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const bytes = resolve(path);
    if (!bytes) continue;
    let mesh: MeshData;
    try {
      if (scale.some((x) => !Number.isFinite(x) || x === 0 || Math.abs(x) > 1e4))
        throw new Error(`scale ${scale.join(' ')} must be finite, non-zero and within ±1e4`);
      mesh = checkMesh(scaleMesh(parseMesh(bytes, path), scale), path);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      return fail('MeshError', file, where, `mesh file "${path}" is corrupt: ${detail}`);
    }
    cache.set(key, mesh);
    return mesh;
  }
  return fail('MeshError', file, where, `mesh file not found (tried ${candidates.map((c) => `"${c}"`).join(', ')})`);
}

/**
 * Mass rules (both formats): negative mass or inertia is an error; a moving body (one with joints,
 * or the floating root) needs positive mass and inertia unless it has child bodies (then a warning:
 * the physics gives it a small mass); a static body welded to its parent may weigh nothing.
 */
export function checkMass(body: Body, moving: boolean, hasChildren: boolean, file: string, where: string, warnings: string[]): void {
  const bad = (d: string): never => fail('ModelError', file, where, `body "${body.name}": ${d}`);
  if (!(body.mass >= 0) || !Number.isFinite(body.mass)) bad(`mass ${body.mass} is negative or not a number`);
  if (body.inertia.some((x) => !(x >= -1e-12 * Math.max(1, body.mass)) || !Number.isFinite(x)))
    bad(`inertia ${body.inertia.join(' ')} has a negative or non-finite moment`);
  balanceInertia(body, where, warnings);
  if (!moving) return;
  if (body.mass <= 0 || body.inertia.some((x) => x <= 0)) {
    const what = body.mass <= 0 ? 'zero mass' : `zero inertia (${body.inertia.join(' ')})`;
    if (hasChildren) warnings.push(`${where}: moving body "${body.name}" has ${what}`);
    else bad(`${what} on a moving body (a body with a joint needs positive mass and inertia)`);
  }
}

/**
 * Principal moments where one exceeds the sum of the other two describe no rigid body; MuJoCo refuses to compile them
 * and Rapier would integrate them as given. Repaired as MuJoCo's `balanceinertia` does (all three set to their mean,
 * for both engines alike) and said.
 */
function balanceInertia(body: Body, where: string, warnings: string[]): void {
  const [a, b, c] = body.inertia;
  const sum = a + b + c;
  if (![a, b, c].some((x) => x > sum - x + 1e-12 * Math.max(1, sum))) return;
  const mean = sum / 3;
  const moments = [a, b, c].map((x) => +x.toPrecision(4)).join(' ');
  warnings.push(
    `${where}: body "${body.name}": principal inertias ${moments} break the triangle inequality (no rigid body has them; MuJoCo refuses them): set to their mean ${+mean.toPrecision(4)}, as MuJoCo's balanceinertia does`,
  );
  body.inertia = [mean, mean, mean];
  body.inertiaBalanced = true; // mujoco-asis.ts asks MuJoCo for the same repair
}

/** Name → index of bodies or joints; a name given twice is a named error. */
function indexByName(items: { name: string; index: number }[], what: 'body' | 'joint', file: string): Map<string, number> {
  const index = new Map<string, number>();
  for (const x of items) {
    if (index.has(x.name)) fail('ModelError', file, `${what} "${x.name}"`, `duplicate ${what} name`);
    index.set(x.name, x.index);
  }
  return index;
}

/** Assemble the model: index maps, duplicate-name checks. */
export function finishModel(
  name: string,
  bodies: Body[],
  joints: Joint[],
  actuators: Actuator[],
  floating: boolean,
  warnings: string[],
  file: string,
  format: 'mjcf' | 'urdf',
): RobotModel {
  checkNumbers(bodies, joints, file);
  const bodyIndex = indexByName(bodies, 'body', file);
  const jointIndex = indexByName(joints, 'joint', file);
  return { name, bodies, joints, floating, actuators, jointIndex, bodyIndex, warnings, source: { file, format } };
}

/**
 * Plausible ranges for every number of a model (validate.ts LIMITS): sizes of the tree, body masses,
 * inertias and offsets, joint limits, armature, damping, friction, effort and velocity limits.
 */
function checkNumbers(bodies: Body[], joints: Joint[], file: string): void {
  const top: Place = { file, where: 'model', kind: 'ModelError' };
  checkCount(bodies.length, LIMITS.maxBodies, top, 'number of bodies');
  checkCount(joints.length, LIMITS.maxJoints, top, 'number of joints');
  const depth = new Array<number>(bodies.length).fill(0);
  for (const b of bodies) {
    const p: Place = { file, where: `body "${b.name}"`, kind: 'ModelError' };
    depth[b.index] = b.parent >= 0 ? depth[b.parent] + 1 : 0;
    if (depth[b.index] > LIMITS.maxDepth) fail('ModelError', file, p.where, `body tree deeper than ${LIMITS.maxDepth} levels`);
    nonNegative(b.mass, p, 'mass (kg)', LIMITS.maxMass);
    b.inertia.forEach((x) => checkNumber(x, p, 'principal inertia (kg·m²)', -1e-12 * Math.max(1, b.mass), LIMITS.maxInertia));
    [...b.pos, ...b.com].forEach((x) => checkNumber(x, p, 'position / centre of mass (m)', -LIMITS.maxLength, LIMITS.maxLength));
    for (const s of [...b.collision, ...b.visual]) {
      [...s.pos, ...s.size].forEach((x) => checkNumber(x, p, `${s.type} shape position / size (m)`, -LIMITS.maxLength, LIMITS.maxLength));
    }
  }
  for (const j of joints) {
    const p: Place = { file, where: `joint "${j.name}"`, kind: 'ModelError' };
    nonNegative(j.armature, p, 'armature (kg·m²)', LIMITS.maxArmature);
    nonNegative(j.damping, p, 'damping', LIMITS.maxDamping);
    nonNegative(j.frictionloss, p, 'friction loss', LIMITS.maxEffort);
    if (j.effortLimit !== Infinity) nonNegative(j.effortLimit, p, 'effort limit', LIMITS.maxEffort);
    if (j.velocityLimit !== Infinity) nonNegative(j.velocityLimit, p, 'velocity limit', LIMITS.maxVelocity);
    j.range?.forEach((x) => checkNumber(x, p, 'joint limit', -LIMITS.maxJointRange, LIMITS.maxJointRange));
    j.pos.forEach((x) => checkNumber(x, p, 'joint anchor (m)', -LIMITS.maxLength, LIMITS.maxLength));
  }
}

/** A body with no mass, joints or shapes yet (the parsers fill them in). */
export function emptyBody(name: string, index: number, parent: number, pos: Vec3, quat: Quat): Body {
  return {
    name,
    index,
    parent,
    pos,
    quat,
    mass: 0,
    com: [0, 0, 0],
    inertia: [0, 0, 0],
    inertiaQuat: [1, 0, 0, 0],
    joints: [],
    collision: [],
    visual: [],
  };
}
