/**
 * Free objects in the scene (a ball, a box): one rigid body with a free joint, its collision shapes and mass.
 * Sources: a free body of the robot's own MJCF (see `loadMjcfScene`), a separate object file (a small MJCF with
 * one free body, or JSON {shape, size, mass, friction, restitution, pos}), or a primitive from the UI.
 * Frames: z up, metres, quaternions [w,x,y,z]; `pos`/`quat` are the object's start pose in the env's frame.
 */
import { fail } from '../errors';
import { qMul, qRotate, qToMat, vAdd, vNorm, vSub, type Quat, type Vec3 } from '../math';
import { checkNumber, nonNegative, parseJson } from '../validate';
import { combine } from './inertia';
import { loadMjcfScene } from './mjcf';
import { geomMass, type GeomInfo } from './mjcf-parts';
import type { Body, MassProps, Shape } from './types';

export type ObjectOrigin = 'robot-file' | 'file' | 'primitive';

export interface ObjectSpec extends MassProps {
  name: string;
  /** collision shapes in the object's frame (also drawn) */
  shapes: Shape[];
  /** coefficient of restitution, 0..1 (0 = no bounce) */
  restitution: number;
  pos: Vec3;
  quat: Quat;
  /** 'robot-file': already in the robot's MJCF (MuJoCo loads it from there) */
  origin: ObjectOrigin;
}

export type PrimitiveKind = 'sphere' | 'box' | 'capsule';

export interface PrimitiveInput {
  name?: string;
  shape: PrimitiveKind;
  /** sphere [r], box [hx, hy, hz] (half sizes), capsule [r, halfLength] along z */
  size: number[];
  /** kg; 0 or missing = from geometry at 1000 kg/m³ (said in warnings) */
  mass?: number;
  friction?: number;
  restitution?: number;
  pos: number[];
  quat?: number[];
}

const SIZES: Record<PrimitiveKind, number> = { sphere: 1, box: 3, capsule: 2 };

/** The mass properties of shapes at density 1000 kg/m³ scaled to `mass` (or kept when mass is undefined). */
export function massFromShapes(shapes: Shape[], mass?: number): MassProps {
  const parts = shapes.map((s): GeomInfo => ({ shape: s, group: 0, density: 1000 })).map(geomMass);
  const ok = parts.filter((p) => p !== undefined);
  const m = combine(ok);
  if (mass === undefined || !(m.mass > 0)) return m;
  const k = mass / m.mass;
  return { mass, com: m.com, inertia: [m.inertia[0] * k, m.inertia[1] * k, m.inertia[2] * k], inertiaQuat: m.inertiaQuat };
}

/** A primitive object (UI or JSON): sizes, mass, friction and restitution checked; named errors say which key. */
export function primitiveObject(p: PrimitiveInput, file: string, warnings: string[], where = ''): ObjectSpec {
  const at = (k: string) => (where ? `${where}.${k}` : k);
  if (!(p.shape in SIZES)) fail('ModelError', file, at('shape'), `"${String(p.shape)}" is not one of sphere, box, capsule`);
  const nSize = SIZES[p.shape];
  if (!Array.isArray(p.size) || p.size.length !== nSize)
    fail('ModelError', file, at('size'), `${p.shape} needs ${nSize} size value(s), got ${JSON.stringify(p.size)}`);
  p.size.forEach((s, i) => checkNumber(s, { file, where: at(`size[${i}]`), kind: 'ModelError' }, 'size', 1e-4, 100));
  const vec = (v: unknown, n: number, k: string): number[] => {
    if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
      fail('ModelError', file, at(k), `needs ${n} finite numbers, got ${JSON.stringify(v)}`);
    return v as number[];
  };
  const pos = vec(p.pos, 3, 'pos') as Vec3;
  const q = p.quat === undefined ? [1, 0, 0, 0] : vec(p.quat, 4, 'quat');
  const qn = Math.hypot(q[0], q[1], q[2], q[3]);
  if (!(qn > 1e-6)) fail('ModelError', file, at('quat'), 'quaternion of zero length');
  const place = (k: string) => ({ file, where: at(k), kind: 'ModelError' as const });
  const friction = p.friction === undefined ? 1 : nonNegative(p.friction, place('friction'), 'friction', 100);
  const restitution = p.restitution === undefined ? 0 : checkNumber(p.restitution, place('restitution'), 'restitution', 0, 1);
  const name = p.name ?? p.shape;
  const shape: Shape = { type: p.shape, size: [...p.size], pos: [0, 0, 0], quat: [1, 0, 0, 0], contype: 1, conaffinity: 1, friction };
  let mass: number | undefined;
  if (p.mass === undefined || p.mass === 0) {
    warnings.push(`object "${name}" (${file}): no mass given; computed from its geometry at 1000 kg/m³`);
  } else mass = checkNumber(p.mass, place('mass'), 'mass', 1e-4, 1e4);
  const shapes = [shape];
  return {
    name,
    shapes,
    restitution,
    pos,
    quat: q.map((x) => x / qn) as Quat,
    origin: 'primitive',
    ...massFromShapes(shapes, mass),
  };
}

/** An object file in JSON: one object {shape, size, mass?, friction?, restitution?, pos, quat?, name?}. */
export function objectFromJson(text: string, file: string, warnings: string[]): ObjectSpec {
  const v = parseJson(text, file, 'JSON');
  if (!v || typeof v !== 'object' || Array.isArray(v)) return fail('ModelError', file, '(root)', 'an object file is one JSON object');
  const o = { ...(v as PrimitiveInput) };
  if (o.name === undefined) o.name = (file.split('/').pop() ?? file).replace(/\.[^.]*$/, '');
  return { ...primitiveObject(o, file, warnings), origin: 'file' };
}

/**
 * A free body read by the MJCF loader → an object. Mass: the body's own (its <inertial> or its geoms');
 * a body with none gets mass and inertia from its geometry (said in warnings).
 */
export function objectFromBody(b: Body, file: string, origin: ObjectOrigin, warnings: string[]): ObjectSpec {
  const shapes = b.collision.filter((s) => s.type !== 'plane');
  if (shapes.length === 0) fail('ModelError', file, `body ${b.name}`, 'a free object needs at least one collision geom');
  let mass: MassProps = { mass: b.mass, com: b.com, inertia: b.inertia, inertiaQuat: b.inertiaQuat };
  if (!(b.mass > 0) || !b.inertia.some((x) => x > 0)) {
    mass = massFromShapes(shapes, b.mass > 0 ? b.mass : undefined);
    warnings.push(`object "${b.name}" (${file}): no inertia; computed from its geometry (mass ${mass.mass.toPrecision(3)} kg)`);
  }
  return { name: b.name, shapes, restitution: 0, pos: [...b.pos], quat: [...b.quat], origin, ...mass };
}

/** Radius of a sphere about the object's origin that holds every shape (used for overlap checks). */
export function boundingRadius(o: ObjectSpec): number {
  let r = 0;
  for (const s of o.shapes) {
    const d = vNorm(s.pos);
    const ext =
      s.type === 'sphere'
        ? s.size[0]
        : s.type === 'box'
          ? Math.hypot(s.size[0], s.size[1], s.size[2])
          : s.type === 'capsule' || s.type === 'cylinder'
            ? s.size[0] + s.size[1]
            : s.mesh
              ? meshRadius(s.mesh.vertices)
              : 0;
    r = Math.max(r, d + ext);
  }
  return r;
}

const meshRadius = (v: Float32Array): number => {
  let r = 0;
  for (let i = 0; i < v.length; i += 3) r = Math.max(r, Math.hypot(v[i], v[i + 1], v[i + 2]));
  return r;
};

/**
 * Objects that overlap at the start (bounding spheres, or below the floor) are moved apart: a later object is
 * lifted straight up until it clears the earlier ones and the floor. Each move is said in `warnings`.
 */
export function separateObjects(objects: ObjectSpec[], warnings: string[]): ObjectSpec[] {
  const out: ObjectSpec[] = [];
  for (const o of objects) {
    const r = boundingRadius(o);
    const pos: Vec3 = [...o.pos];
    const low = lowestPoint(o);
    if (low < 0) pos[2] -= low;
    for (let guard = 0; guard < out.length + 1; guard++) {
      const hit = out.find((p) => vNorm(vSub(p.pos, pos)) < boundingRadius(p) + r - 1e-9);
      if (!hit) break;
      const dx = pos[0] - hit.pos[0],
        dy = pos[1] - hit.pos[1];
      const need = boundingRadius(hit) + r + 1e-3;
      pos[2] = hit.pos[2] + Math.sqrt(Math.max(need * need - dx * dx - dy * dy, 0));
    }
    if (pos[2] !== o.pos[2])
      warnings.push(
        `object "${o.name}" interpenetrated ${low < 0 ? 'the floor' : 'another object'} at the start: lifted from z = ${o.pos[2].toFixed(3)} to ${pos[2].toFixed(3)} m`,
      );
    out.push({ ...o, pos });
  }
  const names = new Set<string>();
  for (const o of out) {
    if (names.has(o.name)) fail('ModelError', '<scene>', `object ${o.name}`, 'two objects share this name (objects are matched by name)');
    names.add(o.name);
  }
  return out;
}

/** Height of the object's lowest point at its start pose (the floor is z = 0). */
export function lowestPoint(o: ObjectSpec): number {
  let low = Infinity;
  for (const s of o.shapes) {
    const q = qMul(o.quat, s.quat);
    const c = vAdd(o.pos, qRotate(o.quat, s.pos));
    const R = qToMat(q);
    const zx = Math.abs(R[6]),
      zy = Math.abs(R[7]),
      zz = Math.abs(R[8]);
    let ext: number;
    if (s.type === 'sphere') ext = s.size[0];
    else if (s.type === 'box') ext = zx * s.size[0] + zy * s.size[1] + zz * s.size[2];
    else if (s.type === 'capsule') ext = s.size[0] + zz * s.size[1];
    else if (s.type === 'cylinder') ext = s.size[0] * Math.sqrt(Math.max(1 - zz * zz, 0)) + zz * s.size[1];
    else if (s.mesh) {
      let m = 0;
      const v = s.mesh.vertices;
      for (let i = 0; i < v.length; i += 3) m = Math.max(m, -(R[6] * v[i] + R[7] * v[i + 1] + R[8] * v[i + 2]));
      ext = m;
    } else ext = 0;
    low = Math.min(low, c[2] - ext);
  }
  return low;
}

/** An object file: JSON (one primitive) or a small MJCF holding one free body. */
export function loadObjectFile(text: string, file: string, warnings: string[]): ObjectSpec {
  if (/^\s*[{[]/.test(text)) return objectFromJson(text, file, warnings);
  const { model, objects } = loadMjcfScene(text, file);
  const bodies = objects.length ? objects : model.bodies;
  if (bodies.length !== 1 || (!objects.length && !model.floating))
    fail(
      'ModelError',
      file,
      'worldbody',
      `an object file holds one body with a free joint, found ${bodies.length} bod${bodies.length === 1 ? 'y (no free joint)' : 'ies'}`,
    );
  return objectFromBody(bodies[0], file, 'file', warnings);
}

/** The objects of a robot MJCF (its free bodies that are not the robot), with the loader's warnings. */
export function robotFileObjects(bodies: Body[], file: string, warnings: string[]): ObjectSpec[] {
  return bodies.map((b) => objectFromBody(b, file, 'robot-file', warnings));
}
