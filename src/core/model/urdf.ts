/**
 * URDF → RobotModel. Links become bodies; fixed joints are merged into the parent body (mass, com and
 * inertia combined exactly, shapes moved with their transform), so URDF and MJCF give the same tree.
 * Bodies and joints are numbered depth-first from the root link, children in joint declaration order.
 * The root link is a floating base; a massless root named "world" instead anchors its children
 * (fixed joint → fixed base, floating joint → floating base).
 */
import { fail } from '../errors';
import { qFromEulerXYZ, qMul, qRotate, qToMat, vAdd, type Quat, type Vec3 } from '../math';
import { LIMITS } from '../validate';
import { checkMass, dirOf, emptyBody, finishModel, joinPath, loadMesh, nums, type AssetResolver } from './common';
import { combine, matMul, matT, principal, type Mat3 } from './inertia';
import { MESH_FORMATS } from './mesh';
import type { Actuator, Body, Joint, MeshData, RobotModel, Shape } from './types';
import { childNamed, childrenNamed, parseXml, type XmlElement } from './xml';

const KNOWN = new Set(['link', 'joint', 'material', 'gazebo', 'transmission', 'mujoco']);
const TYPES = new Set(['revolute', 'continuous', 'prismatic', 'fixed', 'floating', 'planar']);

interface Pose {
  pos: Vec3;
  quat: Quat;
}
const compose = (a: Pose, b: Pose): Pose => ({ pos: vAdd(a.pos, qRotate(a.quat, b.pos)), quat: qMul(a.quat, b.quat) });

interface Ctx {
  file: string;
  resolve?: AssetResolver;
  meshCache: Map<string, MeshData>;
  materials: Map<string, [number, number, number, number]>;
  warnings: string[];
  bodies: Body[];
  joints: Joint[];
  parts: { mass: number; com: Vec3; tensor: Mat3 }[][];
  massWhere: string[];
  moving: boolean[];
  /** visual meshes in formats not read here (COLLADA...): "line N: file" each, said once at the end */
  undrawn: string[];
}

function origin(el: XmlElement | undefined, file: string): Pose {
  const o = el && childNamed(el, 'origin');
  if (!o) return { pos: [0, 0, 0], quat: [1, 0, 0, 0] };
  const w = `line ${o.line}`;
  const xyz = o.attrs.xyz !== undefined ? nums(o.attrs.xyz, file, w, 3) : [0, 0, 0];
  const rpy = o.attrs.rpy !== undefined ? nums(o.attrs.rpy, file, w, 3) : [0, 0, 0];
  return { pos: xyz as Vec3, quat: qFromEulerXYZ(rpy[0], rpy[1], rpy[2]) };
}

/**
 * The first xacro element of a file (a `xacro:` element, or `${...}` in an attribute), else null. An expanded URDF may
 * still declare the xacro namespace: that alone is not xacro.
 */
function firstXacro(root: XmlElement): XmlElement | null {
  const queue = [root];
  for (let el = queue.shift(); el; el = queue.shift()) {
    if (el.name.startsWith('xacro:') || Object.values(el.attrs).some((v) => v.includes('${'))) return el;
    queue.push(...el.children);
  }
  return null;
}

export function loadUrdf(text: string, file: string, resolve?: AssetResolver): RobotModel {
  const root = parseXml(text, file);
  if (root.name !== 'robot') fail('ParseError', file, `line ${root.line}`, `root element is <${root.name}>, expected <robot>`);
  const xacro = firstXacro(root);
  if (xacro)
    fail(
      'ParseError',
      file,
      `line ${xacro.line}`,
      `a xacro file (<${xacro.name}>): its macros and properties are not read here; expand it first (ROS: xacro ${file.split(/[\\/]/).pop()} > robot.urdf) and load the URDF`,
    );
  const ctx: Ctx = {
    file,
    resolve,
    meshCache: new Map(),
    materials: new Map(),
    warnings: [],
    bodies: [],
    joints: [],
    parts: [],
    massWhere: [],
    moving: [],
    undrawn: [],
  };
  for (const m of childrenNamed(root, 'material')) {
    const c = childNamed(m, 'color');
    if (m.attrs.name && c?.attrs.rgba)
      ctx.materials.set(m.attrs.name, nums(c.attrs.rgba, file, `line ${c.line}`, 4) as [number, number, number, number]);
  }
  for (const c of root.children) if (!KNOWN.has(c.name)) ctx.warnings.push(`line ${c.line}: <${c.name}> is not supported; ignored`);
  const links = new Map<string, XmlElement>();
  for (const l of childrenNamed(root, 'link')) {
    const n = l.attrs.name;
    if (!n) fail('ModelError', file, `line ${l.line}`, '<link> without a name');
    if (links.has(n)) fail('ModelError', file, `line ${l.line}`, `duplicate link "${n}"`);
    links.set(n, l);
  }
  if (links.size > LIMITS.maxBodies)
    fail('ModelError', file, `line ${root.line}`, `${links.size} links, above the limit of ${LIMITS.maxBodies}`);
  const childJoints = new Map<string, XmlElement[]>();
  const parentOf = new Map<string, XmlElement>();
  for (const j of childrenNamed(root, 'joint')) {
    const w = `line ${j.line}`;
    const jn = j.attrs.name ?? '?';
    const type = j.attrs.type ?? '';
    if (!TYPES.has(type)) fail('ModelError', file, w, `unknown joint type "${type}" on joint "${jn}"`);
    const p = childNamed(j, 'parent')?.attrs.link,
      c = childNamed(j, 'child')?.attrs.link;
    if (!p || !c) fail('ModelError', file, w, `joint "${jn}" needs <parent link> and <child link>`);
    if (!links.has(p!)) fail('ModelError', file, w, `joint "${jn}" names parent link "${p}", which does not exist`);
    if (!links.has(c!)) fail('ModelError', file, w, `joint "${jn}" names child link "${c}", which does not exist`);
    const prev = parentOf.get(c!);
    if (prev)
      fail(
        'ModelError',
        file,
        w,
        `link "${c}" is the child of two joints ("${prev.attrs.name}" at line ${prev.line} and "${jn}"): not a tree`,
      );
    parentOf.set(c!, j);
    const kids = childJoints.get(p!);
    if (kids) kids.push(j);
    else childJoints.set(p!, [j]);
  }
  const roots = [...links.keys()].filter((n) => !parentOf.has(n));
  if (roots.length === 0) fail('ModelError', file, `line ${root.line}`, 'the links form a cycle: no root link');
  if (roots.length > 1)
    fail(
      'ModelError',
      file,
      `line ${links.get(roots[1])!.line}`,
      `the body tree has ${roots.length} roots (${roots.join(', ')}); expected one`,
    );
  let floating = true;
  const rootLink = links.get(roots[0])!;
  const isWorld = roots[0] === 'world' && !childNamed(rootLink, 'inertial');
  const seen = new Set<string>([roots[0]]);
  const ident: Pose = { pos: [0, 0, 0], quat: [1, 0, 0, 0] };
  if (isWorld) {
    const kids = childJoints.get('world') ?? [];
    floating = kids.length > 0 && kids.every((j) => j.attrs.type === 'floating');
    for (const j of kids) {
      const c = childNamed(j, 'child')!.attrs.link;
      if (j.attrs.type !== 'fixed' && j.attrs.type !== 'floating')
        fail('ModelError', file, `line ${j.line}`, `joint "${j.attrs.name}" from "world" must be fixed or floating`);
      seen.add(c);
      walk(links.get(c)!, origin(j, file), ctx, childJoints, links, seen);
    }
  } else walk(rootLink, ident, ctx, childJoints, links, seen);
  const unreached = [...links.keys()].filter((n) => !seen.has(n));
  if (unreached.length)
    fail(
      'ModelError',
      file,
      `line ${links.get(unreached[0])!.line}`,
      `links not connected to the root "${roots[0]}" (a cycle): ${unreached.join(', ')}`,
    );
  const parents = new Set(ctx.bodies.map((b) => b.parent));
  ctx.bodies.forEach((b, i) => {
    if (ctx.parts[i].length) Object.assign(b, combine(ctx.parts[i]));
    const moving = ctx.moving[i] || (i === 0 && floating);
    checkMass(b, moving, parents.has(i), file, ctx.massWhere[i], ctx.warnings);
  });
  const actuators: Actuator[] = ctx.joints.map((j) => ({
    name: j.name,
    joint: j.index,
    type: 'motor',
    gear: 1,
    ctrlRange: null,
    forceRange: Number.isFinite(j.effortLimit) ? [-j.effortLimit, j.effortLimit] : null,
    kp: 0,
    kv: 0,
  }));
  if (ctx.undrawn.length)
    ctx.warnings.push(
      `${ctx.undrawn.length} visual mesh(es) in formats not read here (STL and OBJ are) left out: drawing only, the physics is unchanged (${ctx.undrawn.slice(0, 3).join('; ')}${ctx.undrawn.length > 3 ? '; …' : ''})`,
    );
  return finishModel(root.attrs.name ?? 'robot', ctx.bodies, ctx.joints, actuators, floating, ctx.warnings, file, 'urdf');
}

type Visit = [link: XmlElement, body: number, offset: Pose, via: XmlElement | undefined];

/** The links under a root, depth-first with an explicit stack (no recursion on the input's depth). */
function walk(
  root: XmlElement,
  offset: Pose,
  ctx: Ctx,
  childJoints: Map<string, XmlElement[]>,
  links: Map<string, XmlElement>,
  seen: Set<string>,
): void {
  const todo: Visit[] = [[root, -1, offset, undefined]];
  while (todo.length) {
    const next = visit(...todo.pop()!, ctx, childJoints, links, seen);
    for (let k = next.length - 1; k >= 0; k--) todo.push(next[k]);
  }
}

/**
 * Visit a link: a new body when `via` is a movable joint or at a root, else merged into `body` at `offset`.
 * Returns the child links to visit next, in joint declaration order.
 */
function visit(
  link: XmlElement,
  body: number,
  offset: Pose,
  via: XmlElement | undefined,
  ctx: Ctx,
  childJoints: Map<string, XmlElement[]>,
  links: Map<string, XmlElement>,
  seen: Set<string>,
): Visit[] {
  const { file } = ctx;
  const name = link.attrs.name;
  if (body < 0 || (via && via.attrs.type !== 'fixed')) {
    const index = ctx.bodies.length;
    ctx.bodies.push(emptyBody(name, index, body, offset.pos, offset.quat));
    ctx.parts.push([]);
    ctx.massWhere.push(`line ${link.line}`);
    ctx.moving.push(false);
    if (via) addJoint(via, index, ctx);
    body = index;
    offset = { pos: [0, 0, 0], quat: [1, 0, 0, 0] };
  }
  const inertial = childNamed(link, 'inertial');
  if (inertial) {
    const w = `line ${inertial.line}`;
    const m = childNamed(inertial, 'mass'),
      it = childNamed(inertial, 'inertia');
    const mass = m?.attrs.value !== undefined ? nums(m.attrs.value, file, `line ${m.line}`, 1)[0] : 0;
    if (mass < 0) fail('ModelError', file, `line ${m!.line}`, `link "${name}": negative mass ${mass}`);
    const g = (k: string): number => (it?.attrs[k] !== undefined ? nums(it.attrs[k], file, `line ${it.line}`, 1)[0] : 0);
    const I: Mat3 = [g('ixx'), g('ixy'), g('ixz'), g('ixy'), g('iyy'), g('iyz'), g('ixz'), g('iyz'), g('izz')];
    if (principal(I).values.some((x) => x < -1e-12))
      fail('ModelError', file, it ? `line ${it.line}` : w, `link "${name}": inertia tensor is not positive (semi)definite`);
    const o = compose(offset, origin(inertial, file));
    const Rm = qToMat(o.quat);
    ctx.parts[body].push({ mass, com: o.pos, tensor: matMul(matMul(Rm, I), matT(Rm)) });
    if (via?.attrs.type !== 'fixed') ctx.massWhere[body] = w;
  }
  for (const tag of ['visual', 'collision'] as const)
    for (const v of childrenNamed(link, tag)) {
      const s = readShape(v, tag, compose(offset, origin(v, file)), ctx);
      if (s) (tag === 'visual' ? ctx.bodies[body].visual : ctx.bodies[body].collision).push(s);
    }
  const next: Visit[] = [];
  for (const j of childJoints.get(name) ?? []) {
    const c = childNamed(j, 'child')!.attrs.link;
    if (seen.has(c)) fail('ModelError', file, `line ${j.line}`, `joint "${j.attrs.name}" closes a cycle at link "${c}"`);
    seen.add(c);
    if (j.attrs.type === 'floating')
      fail('ModelError', file, `line ${j.line}`, `floating joint "${j.attrs.name}" is only allowed from the root`);
    if (j.attrs.type === 'planar') fail('ModelError', file, `line ${j.line}`, `planar joint "${j.attrs.name}" is not supported`);
    next.push([links.get(c)!, body, compose(offset, origin(j, file)), j]);
  }
  return next;
}

function addJoint(j: XmlElement, body: number, ctx: Ctx): void {
  const { file } = ctx;
  const w = `line ${j.line}`;
  const name = j.attrs.name ?? `joint${ctx.joints.length}`;
  const type = j.attrs.type;
  const a = childNamed(j, 'axis');
  const axis = a?.attrs.xyz !== undefined ? nums(a.attrs.xyz, file, `line ${a.line}`, 3) : [1, 0, 0];
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(n > 1e-9)) fail('ModelError', file, a ? `line ${a.line}` : w, `joint "${name}" has an axis of zero length`);
  const lim = childNamed(j, 'limit'),
    dyn = childNamed(j, 'dynamics');
  const lv = (k: string, d: number): number => (lim?.attrs[k] !== undefined ? nums(lim.attrs[k], file, `line ${lim.line}`, 1)[0] : d);
  const dv = (k: string): number => {
    if (dyn?.attrs[k] === undefined) return 0;
    const v = nums(dyn.attrs[k], file, `line ${dyn.line}`, 1)[0];
    if (v < 0) fail('ModelError', file, `line ${dyn.line}`, `joint "${name}" ${k} ${v} is negative`);
    return v;
  };
  let range: [number, number] | null = null;
  if (type !== 'continuous' && lim && (lim.attrs.lower !== undefined || lim.attrs.upper !== undefined)) {
    range = [lv('lower', 0), lv('upper', 0)];
    if (range[0] > range[1]) fail('ModelError', file, `line ${lim.line}`, `joint "${name}" lower limit > upper limit`);
  }
  const joint: Joint = {
    name,
    index: ctx.joints.length,
    type: type === 'prismatic' ? 'slide' : 'hinge',
    body,
    pos: [0, 0, 0],
    axis: [axis[0] / n, axis[1] / n, axis[2] / n],
    range,
    armature: 0,
    damping: dv('damping'),
    frictionloss: dv('friction'),
    effortLimit: positiveOrUnknown(lv('effort', 0), lim, 'effort', name, file),
    velocityLimit: positiveOrUnknown(lv('velocity', 0), lim, 'velocity', name, file),
  };
  const mimic = childNamed(j, 'mimic');
  if (mimic) ctx.warnings.push(mimicWarning(mimic, name));
  ctx.joints.push(joint);
  ctx.bodies[body].joints.push(joint.index);
  ctx.moving[body] = true;
}

/**
 * A `<mimic>` couples a joint to another (angle = multiplier · leader + offset): neither engine models the coupling
 * here, so the follower moves on its own, driven like any other joint (a policy that leaves it out holds it at its
 * default pose). Said, with the coupling, so that a result on such a robot is read knowing it.
 */
function mimicWarning(m: XmlElement, name: string): string {
  const a = m.attrs;
  const coupling = `${a.multiplier ?? 1} · "${a.joint ?? '?'}" + ${a.offset ?? 0}`;
  return `line ${m.line}: joint "${name}" <mimic> (${coupling}) is not modelled; the joint moves on its own`;
}

/** URDF effort / velocity: 0 or absent = unknown (Infinity); negative is an error. */
function positiveOrUnknown(v: number, lim: XmlElement | undefined, k: string, joint: string, file: string): number {
  if (v < 0) fail('ModelError', file, `line ${lim!.line}`, `joint "${joint}" ${k} limit ${v} is negative`);
  return v > 0 ? v : Infinity;
}

function readShape(el: XmlElement, tag: 'visual' | 'collision', pose: Pose, ctx: Ctx): Shape | undefined {
  const { file } = ctx;
  const geo = childNamed(el, 'geometry');
  const g = geo?.children[0];
  if (!g) {
    ctx.warnings.push(`line ${el.line}: <${tag}> without geometry; ignored`);
    return undefined;
  }
  const w = `line ${g.line}`;
  const collide = tag === 'collision' ? 1 : 0;
  const shape: Shape = { type: 'sphere', size: [], pos: pose.pos, quat: pose.quat, contype: collide, conaffinity: collide, friction: 1 };
  if (el.attrs.name) shape.name = el.attrs.name;
  const num = (k: string): number => {
    if (g.attrs[k] === undefined) fail('ModelError', file, w, `<${g.name}> needs "${k}"`);
    return nums(g.attrs[k], file, w, 1)[0];
  };
  if (g.name === 'box') {
    const s = nums(g.attrs.size ?? '', file, w, 3);
    Object.assign(shape, { type: 'box', size: s.map((x) => x / 2) });
  } else if (g.name === 'cylinder') Object.assign(shape, { type: 'cylinder', size: [num('radius'), num('length') / 2] });
  else if (g.name === 'capsule') Object.assign(shape, { type: 'capsule', size: [num('radius'), num('length') / 2] });
  else if (g.name === 'sphere') shape.size = [num('radius')];
  else if (g.name === 'mesh') {
    const fn = g.attrs.filename;
    if (!fn) fail('ModelError', file, w, '<mesh> without a filename');
    const scale = g.attrs.scale !== undefined ? nums(g.attrs.scale, file, w, [1, 3]) : [1, 1, 1];
    const rel = fn.replace(/^package:\/\/[^/]*\//, '').replace(/^file:\/\//, '');
    const base = rel.split('/').pop() ?? rel;
    const dir = dirOf(file);
    const candidates = [...new Set([joinPath(dir, rel), joinPath(dir, `meshes/${base}`)])];
    const ext = base.includes('.') ? (base.split('.').pop() ?? '').toLowerCase() : '';
    if (!MESH_FORMATS.has(ext)) {
      const what = `.${ext} meshes (${ext === 'dae' ? 'COLLADA' : 'this format'}) are not read here; STL and OBJ are`;
      if (tag === 'collision')
        fail('MeshError', file, w, `collision mesh "${fn}": ${what}: convert it, or give the link a primitive collision shape`);
      ctx.undrawn.push(`${w}: "${fn}"`);
      return undefined;
    }
    shape.type = 'mesh';
    const mesh = loadMesh(candidates, scale.length === 1 ? [scale[0], scale[0], scale[0]] : scale, ctx.resolve, ctx.meshCache, file, w);
    if (mesh) shape.mesh = mesh;
    else if (!ctx.warnings.some((x) => x.startsWith('meshes not loaded'))) ctx.warnings.push('meshes not loaded (no asset resolver given)');
  } else {
    ctx.warnings.push(`${w}: geometry <${g.name}> is not supported; ignored`);
    return undefined;
  }
  if (tag === 'visual') {
    const mat = childNamed(el, 'material');
    const c = mat && childNamed(mat, 'color');
    const rgba = c?.attrs.rgba
      ? (nums(c.attrs.rgba, file, `line ${c.line}`, 4) as [number, number, number, number])
      : mat?.attrs.name
        ? ctx.materials.get(mat.attrs.name)
        : undefined;
    if (rgba) shape.rgba = rgba;
  }
  return shape;
}
