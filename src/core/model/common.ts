/** Shared pieces of the MJCF and URDF loaders: number parsing, mesh loading, validation, final assembly. */
import { fail } from '../errors';
import { parseMesh, scaleMesh } from './mesh';
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
      mesh = scaleMesh(parseMesh(bytes, path), scale);
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
  if (!moving) return;
  if (body.mass <= 0 || body.inertia.some((x) => x <= 0)) {
    const what = body.mass <= 0 ? 'zero mass' : `zero inertia (${body.inertia.join(' ')})`;
    if (hasChildren) warnings.push(`${where}: moving body "${body.name}" has ${what}`);
    else bad(`${what} on a moving body (a body with a joint needs positive mass and inertia)`);
  }
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
  const bodyIndex = new Map<string, number>();
  for (const b of bodies) {
    if (bodyIndex.has(b.name)) fail('ModelError', file, `body "${b.name}"`, 'duplicate body name');
    bodyIndex.set(b.name, b.index);
  }
  const jointIndex = new Map<string, number>();
  for (const j of joints) {
    if (jointIndex.has(j.name)) fail('ModelError', file, `joint "${j.name}"`, 'duplicate joint name');
    jointIndex.set(j.name, j.index);
  }
  return { name, bodies, joints, floating, actuators, jointIndex, bodyIndex, warnings, source: { file, format } };
}
