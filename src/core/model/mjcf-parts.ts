/** MJCF helpers: compiler settings, default classes, orientations, geoms and geom-derived inertia. */
import { fail } from '../errors';
import { matToQuat, qFromAxisAngle, qMul, qNormalize, vCross, vNorm, type Quat, type Vec3 } from '../math';
import { checkNumber, LIMITS, nonNegative } from '../validate';
import { nums } from './common';
import { fromPrincipal, type Mat3 } from './inertia';
import type { Shape, ShapeType } from './types';
import type { XmlElement } from './xml';

export interface Compiler {
  degrees: boolean;
  eulerseq: string;
  meshdir: string;
  autolimits: boolean;
}

/** class name → tag → merged attributes (parents' defaults already folded in) */
export type Defaults = Map<string, Map<string, Record<string, string>>>;

/** Nested default classes, read with an explicit stack (no recursion on the input's depth). */
export function readDefaults(top: XmlElement, parent: Map<string, Record<string, string>>, out: Defaults, file: string): void {
  const todo: [XmlElement, Map<string, Record<string, string>>][] = [[top, parent]];
  while (todo.length) {
    const [el, par] = todo.pop()!;
    const name = el.attrs.class ?? 'main';
    const own = new Map<string, Record<string, string>>();
    for (const [tag, attrs] of par) own.set(tag, { ...attrs });
    for (const c of el.children) if (c.name !== 'default') own.set(c.name, { ...(own.get(c.name) ?? {}), ...c.attrs });
    if (out.has(name) && name !== 'main') fail('ModelError', file, `line ${el.line}`, `default class "${name}" defined twice`);
    out.set(name, own);
    const kids = el.children.filter((c) => c.name === 'default');
    for (let k = kids.length - 1; k >= 0; k--) todo.push([kids[k], own]);
  }
}

/** An element's attributes with its class defaults applied. */
export function withDefaults(el: XmlElement, cls: string, defaults: Defaults, file: string): Record<string, string> {
  const name = el.attrs.class ?? cls;
  const table = defaults.get(name);
  if (!table) {
    if (name === 'main') return el.attrs;
    return fail('ModelError', file, `line ${el.line}`, `<${el.name}> uses unknown default class "${name}"`);
  }
  return { ...(table.get(el.name) ?? {}), ...el.attrs };
}

/** Orientation of a frame from quat / axisangle / euler / xyaxes / zaxis (MuJoCo rules). */
export function orientation(a: Record<string, string>, cp: Compiler, file: string, where: string): Quat {
  const scale = cp.degrees ? Math.PI / 180 : 1;
  if (a.quat !== undefined) {
    const q = nums(a.quat, file, where, 4);
    if (Math.hypot(q[0], q[1], q[2], q[3]) < 1e-12) fail('ModelError', file, where, 'quat has zero length');
    return qNormalize(q);
  }
  if (a.axisangle !== undefined) {
    const v = nums(a.axisangle, file, where, 4);
    if (vNorm(v) < 1e-12) fail('ModelError', file, where, 'axisangle axis has zero length');
    return qFromAxisAngle(v, v[3] * scale);
  }
  if (a.euler !== undefined) {
    const e = nums(a.euler, file, where, 3);
    let q: Quat = [1, 0, 0, 0];
    for (let k = 0; k < 3; k++) {
      const ch = cp.eulerseq[k];
      const axis: Vec3 = [0, 0, 0];
      axis['xyzXYZ'.indexOf(ch) % 3] = 1;
      const r = qFromAxisAngle(axis, e[k] * scale);
      q = ch === ch.toLowerCase() ? qMul(q, r) : qMul(r, q); // lowercase: intrinsic (moving axes)
    }
    return q;
  }
  if (a.xyaxes !== undefined) {
    const v = nums(a.xyaxes, file, where, 6);
    const x = v.slice(0, 3);
    const nx = vNorm(x);
    let y = v.slice(3, 6);
    const d = (x[0] * y[0] + x[1] * y[1] + x[2] * y[2]) / (nx * nx);
    y = [y[0] - d * x[0], y[1] - d * x[1], y[2] - d * x[2]];
    const ny = vNorm(y);
    if (nx < 1e-12 || ny < 1e-12) fail('ModelError', file, where, 'xyaxes are degenerate');
    const X = x.map((c) => c / nx),
      Y = y.map((c) => c / ny),
      Z = vCross(X, Y);
    return matToQuat([X[0], Y[0], Z[0], X[1], Y[1], Z[1], X[2], Y[2], Z[2]]);
  }
  if (a.zaxis !== undefined) return quatZTo(nums(a.zaxis, file, where, 3), file, where);
  return [1, 0, 0, 0];
}

/** Minimal rotation taking +z to the direction v. */
export function quatZTo(v: ArrayLike<number>, file: string, where: string): Quat {
  const n = vNorm(v);
  if (n < 1e-12) fail('ModelError', file, where, 'direction has zero length');
  const d: Vec3 = [v[0] / n, v[1] / n, v[2] / n];
  if (d[2] < -1 + 1e-12) return [0, 1, 0, 0];
  return qNormalize([1 + d[2], -d[1], d[0], 0]);
}

const GEOM_TYPES: ShapeType[] = ['sphere', 'capsule', 'box', 'cylinder', 'plane', 'mesh'];

export interface GeomInfo {
  shape: Shape;
  group: number;
  density: number;
  massAttr?: number;
  meshName?: string;
}

/** Read a <geom> (attributes already merged with defaults); returns undefined for unsupported types. */
export function readGeom(
  a: Record<string, string>,
  cp: Compiler,
  file: string,
  where: string,
  warn: (s: string) => void,
): GeomInfo | undefined {
  const type = (a.type ?? 'sphere') as ShapeType;
  if (!GEOM_TYPES.includes(type)) {
    warn(`${where}: geom type "${a.type}" is not supported; skipped`);
    return undefined;
  }
  const size = a.size !== undefined ? nums(a.size, file, where) : [];
  let pos: Vec3 = a.pos !== undefined ? (nums(a.pos, file, where, 3) as Vec3) : [0, 0, 0];
  let quat = orientation(a, cp, file, where);
  let dims: number[];
  const need = (k: number): void => {
    if (size.length < k) fail('ModelError', file, where, `${type} geom needs ${k} size value(s), got ${size.length}`);
  };
  if (a.fromto !== undefined && (type === 'capsule' || type === 'cylinder' || type === 'box')) {
    const f = nums(a.fromto, file, where, 6);
    const d = [f[3] - f[0], f[4] - f[1], f[5] - f[2]];
    pos = [(f[0] + f[3]) / 2, (f[1] + f[4]) / 2, (f[2] + f[5]) / 2];
    quat = quatZTo(d, file, where);
    need(1);
    const half = vNorm(d) / 2;
    dims = type === 'box' ? [size[0], size[1] ?? size[0], half] : [size[0], half];
  } else {
    const k = { sphere: 1, capsule: 2, cylinder: 2, box: 3, plane: 2, mesh: 0 }[type];
    need(k);
    dims = size.slice(0, k);
  }
  if (dims.some((x) => !(x >= 0))) fail('ModelError', file, where, `negative geom size ${dims.join(' ')}`);
  const p = { file, where, kind: 'ModelError' as const };
  const int = (k: string, d: number): number =>
    a[k] !== undefined ? checkNumber(nums(a[k], file, where, 1)[0], p, `geom ${k}`, 0, 2 ** 31 - 1, true) : d;
  if (dims.some((x) => x > LIMITS.maxLength)) fail('ModelError', file, where, `geom size ${dims.join(' ')} above ${LIMITS.maxLength} m`);
  const friction = a.friction !== undefined ? nonNegative(nums(a.friction, file, where, [1, 2, 3])[0], p, 'geom friction', 100) : 1;
  const rgba = a.rgba !== undefined ? (nums(a.rgba, file, where, 4) as [number, number, number, number]) : undefined;
  const shape: Shape = {
    type,
    size: dims,
    pos,
    quat,
    friction,
    contype: int('contype', 1),
    conaffinity: int('conaffinity', 1),
  };
  if (rgba) shape.rgba = rgba;
  if (a.name) shape.name = a.name;
  return {
    shape,
    group: int('group', 0),
    density: a.density !== undefined ? nonNegative(nums(a.density, file, where, 1)[0], p, 'geom density', 1e6) : 1000,
    massAttr: a.mass !== undefined ? nonNegative(nums(a.mass, file, where, 1)[0], p, 'geom mass', LIMITS.maxMass) : undefined,
    meshName: type === 'mesh' ? a.mesh : undefined,
  };
}

/** Mass and inertia tensor (in the body frame, about the geom centre) of a primitive geom; undefined for mesh/plane. */
export function geomMass(g: GeomInfo): { mass: number; com: Vec3; tensor: Mat3 } | undefined {
  const { type, size } = g.shape;
  const PI = Math.PI;
  let vol: number;
  let d: (m: number) => Vec3;
  if (type === 'sphere') {
    const r = size[0];
    vol = (4 / 3) * PI * r ** 3;
    d = (m) => [0.4 * m * r * r, 0.4 * m * r * r, 0.4 * m * r * r];
  } else if (type === 'box') {
    const [x, y, z] = size;
    vol = 8 * x * y * z;
    d = (m) => [(m / 3) * (y * y + z * z), (m / 3) * (x * x + z * z), (m / 3) * (x * x + y * y)];
  } else if (type === 'cylinder') {
    const [r, h] = size;
    vol = PI * r * r * 2 * h;
    d = (m) => [(m * (3 * r * r + 4 * h * h)) / 12, (m * (3 * r * r + 4 * h * h)) / 12, 0.5 * m * r * r];
  } else if (type === 'capsule') {
    const [r, h] = size;
    const vc = PI * r * r * 2 * h,
      vs = (4 / 3) * PI * r ** 3;
    vol = vc + vs;
    d = (m) => {
      const mc = (m * vc) / vol,
        ms = (m * vs) / vol;
      const side = (mc * (3 * r * r + 4 * h * h)) / 12 + ms * ((83 / 320) * r * r + (h + (3 * r) / 8) ** 2);
      return [side, side, 0.5 * mc * r * r + 0.4 * ms * r * r];
    };
  } else return undefined;
  const mass = g.massAttr ?? g.density * vol;
  return { mass, com: g.shape.pos, tensor: fromPrincipal(d(mass), g.shape.quat) };
}
