/**
 * MJCF (MuJoCo XML) → RobotModel. Supports the subset robot descriptions use: compiler angle /
 * eulerseq / meshdir / autolimits, nested default classes and childclass, bodies with inertials,
 * hinge / slide / free joints, primitive and mesh geoms, motor / position actuators. Unknown
 * elements are reported in model.warnings.
 */
import { readContacts } from './mjcf-contact';
import { flattenFrames } from './mjcf-frame';
import { expandWithOrigins, withOrigins } from './mjcf-include';
import { fail } from '../errors';
import type { Vec3 } from '../math';
import { LIMITS, nonNegative } from '../validate';
import { checkMass, dirOf, emptyBody, finishModel, joinPath, loadMesh, nums, type AssetResolver } from './common';
import { combine, principal } from './inertia';
import { geomMass, orientation, readDefaults, readGeom, withDefaults, type Compiler, type Defaults, type GeomInfo } from './mjcf-parts';
import type { Actuator, Body, Joint, MeshData, RobotModel, Shape } from './types';
import { mjcfHeightfields } from './mjcf-hfield';
import { childrenNamed, parseXml, type XmlElement } from './xml';

const IGNORED_TOP = new Set(['option', 'size', 'sensor', 'visual', 'statistic', 'keyframe', 'custom', 'extension']);
const IGNORED_BODY = new Set(['site', 'camera', 'light']);

interface Ctx {
  file: string;
  cp: Compiler;
  defaults: Defaults;
  meshAssets: Map<string, { file: string; scale: number[] }>;
  meshCache: Map<string, MeshData>;
  resolve?: AssetResolver;
  warnings: string[];
  bodies: Body[];
  joints: Joint[];
  floating: boolean;
}

export function loadMjcf(text: string, file: string, resolve?: AssetResolver): RobotModel {
  return loadMjcfScene(text, file, resolve).model;
}

/**
 * objects: a robot MJCF and its free objects. A top-level body with a free joint and no child bodies, beside
 * another top-level body, is an object (a ball, a box): it is left out of the RobotModel and returned in
 * `objects` (model/objects.ts), said in the model's warnings.
 */
export function loadMjcfScene(text: string, file: string, resolve?: AssetResolver): { model: RobotModel; objects: Body[] } {
  // an MJCF's includes: one document, and an error in an included file named there (mjcf-include.ts)
  const doc = expandWithOrigins(text, file, (p) => resolve?.(p));
  return withOrigins(doc, file, (t) => loadMjcfDocument(t, file, resolve));
}

function loadMjcfDocument(text: string, file: string, resolve?: AssetResolver): { model: RobotModel; objects: Body[] } {
  const root = parseXml(text, file);
  if (root.name !== 'mujoco') fail('ParseError', file, `line ${root.line}`, `root element is <${root.name}>, expected <mujoco>`);
  const cp: Compiler = { degrees: true, eulerseq: 'xyz', meshdir: '', autolimits: true };
  for (const c of childrenNamed(root, 'compiler')) {
    const a = c.attrs;
    if (a.angle !== undefined) {
      if (a.angle !== 'radian' && a.angle !== 'degree')
        fail('ModelError', file, `line ${c.line}`, `compiler angle "${a.angle}" must be radian or degree`);
      cp.degrees = a.angle === 'degree';
    }
    if (a.eulerseq !== undefined) {
      if (!/^[xyzXYZ]{3}$/.test(a.eulerseq)) fail('ModelError', file, `line ${c.line}`, `bad eulerseq "${a.eulerseq}"`);
      cp.eulerseq = a.eulerseq;
    }
    if (a.meshdir !== undefined) cp.meshdir = a.meshdir;
    else if (a.assetdir !== undefined) cp.meshdir = a.assetdir;
    if (a.autolimits !== undefined) cp.autolimits = a.autolimits === 'true';
  }
  const ctx: Ctx = {
    file,
    cp,
    defaults: new Map(),
    meshAssets: new Map(),
    meshCache: new Map(),
    resolve,
    warnings: [],
    bodies: [],
    joints: [],
    floating: false,
  };
  for (const d of childrenNamed(root, 'default')) readDefaults(d, new Map(), ctx.defaults, file);
  for (const wb of childrenNamed(root, 'worldbody')) flattenFrames(wb, 'main', cp, ctx.defaults, file); // <frame> (mjcf-frame.ts)
  for (const asset of childrenNamed(root, 'asset'))
    for (const m of childrenNamed(asset, 'mesh')) {
      const a = withDefaults(m, 'main', ctx.defaults, file);
      if (!a.file) {
        ctx.warnings.push(`line ${m.line}: <mesh> without a file (inline meshes are not supported)`);
        continue;
      }
      const name = a.name ?? (a.file.split('/').pop() ?? a.file).replace(/\.[^.]*$/, '');
      const scale = a.scale !== undefined ? nums(a.scale, file, `line ${m.line}`, 3) : [1, 1, 1];
      ctx.meshAssets.set(name, { file: a.file, scale });
    }
  const objects: Body[] = [];
  for (const c of root.children) {
    if (c.name === 'worldbody') {
      const tops = c.children.filter((b) => b.name === 'body');
      for (const b of c.children) {
        if (b.name === 'body' && tops.length > 1 && isFreeObject(b))
          objects.push(readObjectBody(b, ctx)); // objects
        else if (b.name === 'body' && tops.some((t) => t !== b && hasJoint(t)) && !hasJoint(b))
          ctx.warnings.push(
            `line ${b.line}: body "${b.attrs.name ?? ''}" has no joint and is fixed to the world: scene, not robot; left out`,
          );
        else if (b.name === 'body') readTree(b, ctx);
        else if (b.name === 'include' || b.name === 'replicate')
          ctx.warnings.push(`line ${b.line}: <${b.name}> in worldbody is not supported; ignored`);
        // world geoms (the floor), lights, sites and cameras belong to the scene, not the robot
      }
    } else if (!['compiler', 'default', 'asset', 'actuator', 'contact'].includes(c.name) && !IGNORED_TOP.has(c.name)) {
      ctx.warnings.push(`line ${c.line}: <${c.name}> is not supported; ignored`);
    }
  }
  if (ctx.bodies.length === 0) fail('ModelError', file, 'worldbody', 'no bodies');
  ctx.warnings.push(...readContacts(childrenNamed(root, 'contact'), ctx.bodies));
  const actuators: Actuator[] = [];
  for (const sec of childrenNamed(root, 'actuator')) for (const el of sec.children) readActuator(el, ctx, actuators);
  const name = root.attrs.model ?? (file.split('/').pop() ?? file).replace(/\.[^.]*$/, '');
  const model = finishModel(name, ctx.bodies, ctx.joints, actuators, ctx.floating, ctx.warnings, file, 'mjcf');
  const heightfields = mjcfHeightfields(root, file, { resolve, dir: joinPath(dirOf(file), cp.meshdir) }); // terrain (issue 16)
  if (heightfields.length) model.heightfields = heightfields;
  return { model, objects };
}

/** Does the body or one below it have a joint (of any kind)? (explicit stack: no recursion on the input's depth) */
function hasJoint(top: XmlElement): boolean {
  const todo = [top];
  for (let b = todo.pop(); b; b = todo.pop())
    for (const c of b.children) {
      if (c.name === 'joint' || c.name === 'freejoint') return true;
      if (c.name === 'body') todo.push(c);
    }
  return false;
}

/** objects: a top-level body with a free joint and no child bodies. */
const isFreeObject = (b: XmlElement): boolean =>
  !b.children.some((c) => c.name === 'body') &&
  b.children.some((c) => c.name === 'freejoint' || (c.name === 'joint' && c.attrs.type === 'free'));

/** objects: read a free body on its own (its own scratch lists; warnings shared). */
function readObjectBody(el: XmlElement, ctx: Ctx): Body {
  const scratch: Ctx = { ...ctx, bodies: [], joints: [], floating: false };
  readBody(el, -1, 'main', scratch);
  const b = scratch.bodies[0];
  ctx.warnings.push(`line ${el.line}: free body "${b.name}" is loaded as a scene object, not part of the robot`);
  return b;
}

/** A body and its subtree, depth-first with an explicit stack (no recursion on the input's depth). */
function readTree(top: XmlElement, ctx: Ctx): void {
  const todo: [XmlElement, number, string][] = [[top, -1, 'main']];
  while (todo.length) {
    const [el, parent, cls] = todo.pop()!;
    const { index, childClass } = readBody(el, parent, cls, ctx);
    const kids = el.children.filter((c) => c.name === 'body');
    for (let k = kids.length - 1; k >= 0; k--) todo.push([kids[k], index, childClass]);
  }
}

function readBody(el: XmlElement, parent: number, inherited: string, ctx: Ctx): { index: number; childClass: string } {
  const { file, cp } = ctx;
  const where = `line ${el.line}`;
  const cls = el.attrs.childclass ?? inherited;
  if (el.attrs.childclass && !ctx.defaults.has(cls)) fail('ModelError', file, where, `childclass "${cls}" is not defined`);
  const index = ctx.bodies.length;
  const name = el.attrs.name ?? `body${index}`;
  const pos = el.attrs.pos !== undefined ? (nums(el.attrs.pos, file, where, 3) as Vec3) : ([0, 0, 0] as Vec3);
  const body = emptyBody(name, index, parent, pos, orientation(el.attrs, cp, file, where));
  ctx.bodies.push(body);
  let inertial: XmlElement | undefined;
  const geoms: GeomInfo[] = [];
  let moving = false;
  for (const c of el.children) {
    const cw = `line ${c.line}`;
    if (c.name === 'inertial') inertial = c;
    else if (c.name === 'joint' || c.name === 'freejoint') {
      const a = c.name === 'freejoint' ? { ...c.attrs, type: 'free' } : withDefaults(c, cls, ctx.defaults, file);
      moving = readJoint(a, body, ctx, cw) || moving;
    } else if (c.name === 'geom') {
      const g = readGeom(withDefaults(c, cls, ctx.defaults, file), cp, file, cw, (s) => ctx.warnings.push(s));
      if (g) geoms.push(g);
      if (g?.meshName !== undefined) attachMesh(g, ctx, cw);
    } else if (c.name !== 'body' && !IGNORED_BODY.has(c.name))
      ctx.warnings.push(`${cw}: <${c.name}> in body "${name}" is not supported; ignored`);
  }
  placeShapes(body, geoms);
  if (inertial) {
    const w = `line ${inertial.line}`;
    const a = inertial.attrs;
    if (a.mass === undefined) fail('ModelError', file, w, `<inertial> of body "${name}" has no mass`);
    body.mass = nums(a.mass, file, w, 1)[0];
    body.com = a.pos !== undefined ? (nums(a.pos, file, w, 3) as Vec3) : [0, 0, 0];
    if (a.fullinertia !== undefined) {
      const [xx, yy, zz, xy, xz, yz] = nums(a.fullinertia, file, w, 6);
      // fullinertia is expressed in the body frame; quat/euler are ignored (as in MuJoCo)
      const p = principal([xx, xy, xz, xy, yy, yz, xz, yz, zz]);
      body.inertia = p.values;
      body.inertiaQuat = p.quat;
    } else if (a.diaginertia !== undefined) {
      body.inertia = nums(a.diaginertia, file, w, 3) as Vec3;
      body.inertiaQuat = orientation(a, cp, file, w);
    } else fail('ModelError', file, w, `<inertial> of body "${name}" has neither diaginertia nor fullinertia`);
  } else {
    const parts = geoms.map(geomMass).filter((p) => p !== undefined);
    if (parts.length) Object.assign(body, combine(parts));
    if (geoms.some((g) => g.shape.type === 'mesh' && g.density > 0 && !(g.massAttr === 0)))
      ctx.warnings.push(`${where}: body "${name}" has no <inertial>; mesh geoms do not contribute mass here`);
    if (body.mass <= 0) ctx.warnings.push(`${where}: body "${name}" has no <inertial> and no geom mass`);
  }
  const hasChildren = el.children.some((c) => c.name === 'body');
  checkMass(body, moving, hasChildren, file, inertial ? `line ${inertial.line}` : where, ctx.warnings);
  return { index, childClass: cls };
}

/** Returns true when the joint moves the body. */
function readJoint(a: Record<string, string>, body: Body, ctx: Ctx, where: string): boolean {
  const { file, cp } = ctx;
  const type = a.type ?? 'hinge';
  const jname = a.name ?? `${body.name}_joint${body.joints.length}`;
  if (type === 'free') {
    if (body.parent !== -1)
      fail('ModelError', file, where, `free joint "${jname}" on body "${body.name}", which is not a child of the world`);
    if (body.index !== 0) ctx.warnings.push(`${where}: free joint on a second root body "${body.name}" is treated as fixed`);
    else ctx.floating = true;
    return true;
  }
  if (type === 'ball') return readBall(a, body, ctx, where, jname); // ball joints: 3 coordinates (issue 16)
  if (type !== 'hinge' && type !== 'slide') fail('ModelError', file, where, `unknown joint type "${type}" on joint "${jname}"`);
  const axis = a.axis !== undefined ? nums(a.axis, file, where, 3) : [0, 0, 1];
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(n > 1e-9)) fail('ModelError', file, where, `joint "${jname}" has an axis of zero length`);
  if (a.ref !== undefined && Number(a.ref) !== 0)
    ctx.warnings.push(`${where}: joint "${jname}" ref=${a.ref} ignored (angles are measured from the body's modelled pose)`);
  let range: [number, number] | null = null;
  const limited = a.limited ?? 'auto';
  if (a.range !== undefined && (limited === 'true' || (limited === 'auto' && cp.autolimits))) {
    const r = nums(a.range, file, where, 2);
    const s = type === 'hinge' && cp.degrees ? Math.PI / 180 : 1;
    if (r[0] > r[1]) fail('ModelError', file, where, `joint "${jname}" range ${r[0]} > ${r[1]}`);
    range = [r[0] * s, r[1] * s];
  } else if (limited === 'true') fail('ModelError', file, where, `joint "${jname}" is limited but has no range`);
  let effortLimit = Infinity;
  if (a.actuatorfrcrange !== undefined && a.actuatorfrclimited !== 'false') {
    const f = nums(a.actuatorfrcrange, file, where, 2);
    if (f[0] > f[1]) fail('ModelError', file, where, `joint "${jname}" actuatorfrcrange ${f[0]} > ${f[1]}`);
    effortLimit = Math.max(Math.abs(f[0]), Math.abs(f[1]));
  }
  const num = (k: string): number => (a[k] !== undefined ? nums(a[k], file, where, 1)[0] : 0);
  const joint: Joint = {
    name: jname,
    index: ctx.joints.length,
    type: type as 'hinge' | 'slide',
    body: body.index,
    pos: a.pos !== undefined ? (nums(a.pos, file, where, 3) as Vec3) : [0, 0, 0],
    axis: [axis[0] / n, axis[1] / n, axis[2] / n],
    range,
    armature: num('armature'),
    damping: num('damping'),
    frictionloss: num('frictionloss'),
    effortLimit,
    velocityLimit: Infinity,
  };
  ctx.joints.push(joint);
  body.joints.push(joint.index);
  return true;
}

function attachMesh(g: GeomInfo, ctx: Ctx, where: string): void {
  const name = g.meshName;
  if (!name) fail('ModelError', ctx.file, where, 'mesh geom without a mesh attribute');
  const asset = ctx.meshAssets.get(name!);
  if (!asset) return fail('MeshError', ctx.file, where, `geom refers to mesh "${name}", which is not declared in <asset>`);
  const path = joinPath(dirOf(ctx.file), joinPath(ctx.cp.meshdir, asset.file));
  const mesh = loadMesh([path], asset.scale, ctx.resolve, ctx.meshCache, ctx.file, where);
  if (mesh) g.shape.mesh = mesh;
  else if (!ctx.warnings.some((w) => w.startsWith('meshes not loaded'))) ctx.warnings.push('meshes not loaded (no asset resolver given)');
}

/**
 * Visual-only: group 1, or contype = conaffinity = 0. Everything else collides. Drawn: visual-only
 * geoms plus colliding geoms in groups 0 and 2 unless an identical visual-only geom already draws them.
 */
function placeShapes(body: Body, geoms: GeomInfo[]): void {
  const same = (a: Shape, b: Shape): boolean =>
    a.type === b.type &&
    a.mesh === b.mesh &&
    a.size.join() === b.size.join() &&
    a.pos.join() === b.pos.join() &&
    a.quat.join() === b.quat.join();
  for (const g of geoms) {
    const s = g.shape;
    const visualOnly = g.group === 1 || (s.contype === 0 && s.conaffinity === 0);
    if (visualOnly) body.visual.push(s);
    else body.collision.push(s);
  }
  for (const g of geoms) {
    const s = g.shape;
    const visualOnly = g.group === 1 || (s.contype === 0 && s.conaffinity === 0);
    if (!visualOnly && (g.group === 0 || g.group === 2) && s.type !== 'plane' && !body.visual.some((v) => same(v, s))) body.visual.push(s);
  }
}

function readActuator(el: XmlElement, ctx: Ctx, out: Actuator[]): void {
  const { file } = ctx;
  const where = `line ${el.line}`;
  if (el.name !== 'motor' && el.name !== 'position') {
    ctx.warnings.push(`${where}: actuator <${el.name}> is not supported; ignored`);
    return;
  }
  const a = withDefaults(el, 'main', ctx.defaults, file);
  if (!a.joint) {
    ctx.warnings.push(`${where}: actuator without a joint (tendon/site transmission) ignored`);
    return;
  }
  const joint = ctx.joints.findIndex((j) => j.name === a.joint);
  if (joint < 0) fail('ModelError', file, where, `actuator "${a.name ?? ''}" refers to unknown joint "${a.joint}"`);
  const range = (k: string, lim: string): [number, number] | null =>
    a[k] !== undefined && a[lim] !== 'false' ? (nums(a[k], file, where, 2) as [number, number]) : null;
  const num = (k: string, d: number): number =>
    a[k] !== undefined ? nums(a[k], file, where, k === 'gear' ? [1, 2, 3, 4, 5, 6] : 1)[0] : d;
  const act: Actuator = {
    name: a.name ?? a.joint,
    joint,
    type: el.name,
    gear: num('gear', 1),
    ctrlRange: range('ctrlrange', 'ctrllimited'),
    forceRange: range('forcerange', 'forcelimited'),
    kp: el.name === 'position' ? num('kp', 1) : 0,
    kv: el.name === 'position' ? num('kv', 0) : 0,
  };
  checkActuator(act, a, file, where);
  const j = ctx.joints[joint];
  // the joint's torque limit when it has no actuatorfrcrange: |gear| × the force range, and for a <motor> (force =
  // gear × ctrl) also × its control range, whichever is smaller (MuJoCo clamps both)
  const most = (r: [number, number] | null) => (r ? Math.max(Math.abs(r[0]), Math.abs(r[1])) * Math.abs(act.gear) : Infinity);
  if (j.effortLimit === Infinity) j.effortLimit = Math.min(most(act.forceRange), el.name === 'motor' ? most(act.ctrlRange) : Infinity);
  out.push(act);
}

/** Actuator numbers: gains not negative, gear not zero, ranges ordered. */
function checkActuator(act: Actuator, a: Record<string, string>, file: string, where: string): void {
  const p = { file, where, kind: 'ModelError' as const };
  nonNegative(act.kp, p, `actuator "${act.name}" kp`, LIMITS.maxStiffness);
  nonNegative(act.kv, p, `actuator "${act.name}" kv`, LIMITS.maxDamping);
  if (act.gear === 0) fail('ModelError', file, where, `actuator "${act.name}" has gear 0`);
  for (const [k, r] of [
    ['ctrlrange', act.ctrlRange],
    ['forcerange', act.forceRange],
  ] as const)
    if (r && r[0] > r[1]) fail('ModelError', file, where, `actuator "${act.name}" ${k} ${a[k]}: lower > upper`);
}

/** The `<keyframe><key>` entries of an MJCF file (qpos as written: free joint xyz + wxyz, then joints). */
export function mjcfKeyframes(text: string, file: string): { name: string; qpos: number[]; line: number }[] {
  const out: { name: string; qpos: number[]; line: number }[] = [];
  for (const k of childrenNamed(parseXml(text, file), 'keyframe'))
    for (const key of childrenNamed(k, 'key'))
      out.push({ name: key.attrs.name ?? '', qpos: key.attrs.qpos ? nums(key.attrs.qpos, file, `line ${key.line}`) : [], line: key.line });
  return out;
}

/** A ball joint as three model joints (Euler angles about the child's x, y, z; physics/ball.ts). Issue 16. */
function readBall(a: Record<string, string>, body: Body, ctx: Ctx, where: string, jname: string): boolean {
  const { file } = ctx;
  if (body.joints.length) fail('ModelError', file, where, `ball joint "${jname}" on body "${body.name}", which has other joints`);
  if (a.range !== undefined) ctx.warnings.push(`${where}: ball joint "${jname}" range (a cone) ignored`);
  const num = (k: string): number => (a[k] !== undefined ? nums(a[k], file, where, 1)[0] : 0);
  const pos = a.pos !== undefined ? (nums(a.pos, file, where, 3) as Vec3) : ([0, 0, 0] as Vec3);
  (['x', 'y', 'z'] as const).forEach((c, k) => {
    const axis: Vec3 = [0, 0, 0];
    axis[k] = 1;
    const joint: Joint = {
      name: `${jname}_${c}`,
      index: ctx.joints.length,
      type: 'ball',
      body: body.index,
      pos,
      axis,
      range: null,
      armature: num('armature'),
      damping: num('damping'),
      frictionloss: num('frictionloss'),
      effortLimit: Infinity,
      velocityLimit: Infinity,
      ball: { name: jname, axis: k as 0 | 1 | 2 },
    };
    ctx.joints.push(joint);
    body.joints.push(joint.index);
  });
  return true;
}
