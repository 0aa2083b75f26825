/**
 * An MJCF that MuJoCo runs as written, made fit for a run here, each change said: a floor plane at z = 0 when the
 * worldbody has none (mujoco_menagerie's robot files leave it to their scene.xml) or a floor plane moved to z = 0
 * (every engine, start height and metric here takes the floor there; Talos's scene puts it at −1.01 m); a `<motor>`
 * for each joint no actuator drives (it becomes one of the PD servos mujoco.ts makes of the actuators, damping
 * implicit, instead of an explicit torque that blew up Talos's 1e-5 kg·m² gripper fingers); `balanceinertia` where
 * the robot model balanced inertias MuJoCo would refuse (common.ts); and the file's own `<option>` timestep and
 * gravity named where the run replaces them.
 */
import { readDefaults, withDefaults, type Defaults } from '../model/mjcf-parts';
import { parseXml, writeXml, type XmlElement } from '../model/xml';
import type { RobotModel } from '../model/types';
import { floorGeom } from './mjcf';
import type { PhysicsOptions } from './types';

const num = (x: number) => String(+x.toPrecision(9));

/** The worldbody's ground geoms, planes and heightfields (by type, or through their class), with their type. */
function grounds(root: XmlElement, defaults: Defaults, file: string): { g: XmlElement; type: string }[] {
  return root.children
    .filter((c) => c.name === 'worldbody')
    .flatMap((w) => w.children)
    .filter((g) => g.name === 'geom')
    .map((g) => ({ g, type: withDefaults(g, 'main', defaults, file).type ?? 'sphere' }))
    .filter(({ type }) => type === 'plane' || type === 'hfield');
}

/** A plane lying flat (no orientation given, or the identity) off z = 0: moved there; returns the notes. */
function levelFloors(root: XmlElement, defaults: Defaults, file: string): string[] {
  const notes: string[] = [];
  for (const { g, type } of grounds(root, defaults, file)) {
    const flat =
      !['quat', 'euler', 'axisangle', 'xyaxes', 'zaxis'].some((k) => g.attrs[k] !== undefined) || g.attrs.quat?.trim() === '1 0 0 0';
    const pos = (g.attrs.pos ?? '0 0 0').trim().split(/\s+/).map(Number);
    if (type !== 'plane' || !flat || pos.length !== 3 || !pos.every(Number.isFinite) || pos[2] === 0) continue;
    notes.push(
      `the MJCF's floor plane${g.attrs.name ? ` "${g.attrs.name}"` : ''} at z = ${num(pos[2])} m moved to z = 0 (where the start height, the other engine and the metrics take the floor)`,
    );
    g.attrs.pos = `${num(pos[0])} ${num(pos[1])} 0`;
  }
  return notes;
}

/** Named model joints (not ball coordinates) that no actuator of the file names. */
function undriven(root: XmlElement, model: RobotModel): string[] {
  const driven = new Set(
    root.children.filter((c) => c.name === 'actuator').flatMap((a) => a.children.map((c) => c.attrs.joint).filter((j) => j !== undefined)),
  );
  const named = new Set<string>();
  const todo = root.children.filter((c) => c.name === 'worldbody');
  for (let el = todo.pop(); el; el = todo.pop())
    for (const c of el.children) {
      if (c.name === 'joint' && c.attrs.name) named.add(c.attrs.name);
      todo.push(c);
    }
  return model.joints.filter((j) => !j.ball && named.has(j.name) && !driven.has(j.name)).map((j) => j.name);
}

/** The file's `<option>` timestep and gravity where the run's differ: said (the engine sets its own). */
function optionNotes(root: XmlElement, o: PhysicsOptions): string[] {
  const notes: string[] = [];
  for (const opt of root.children.filter((c) => c.name === 'option')) {
    const dt = Number(opt.attrs.timestep);
    if (opt.attrs.timestep !== undefined && dt !== o.dt)
      notes.push(`the MJCF's <option timestep="${opt.attrs.timestep}"> replaced by the run's ${o.dt} s`);
    const g = (opt.attrs.gravity ?? '').trim().split(/\s+/).map(Number);
    if (opt.attrs.gravity !== undefined && !(g.length === 3 && g[0] === 0 && g[1] === 0 && g[2] === o.gravity))
      notes.push(`the MJCF's <option gravity="${opt.attrs.gravity}"> replaced by 0 0 ${o.gravity}`);
  }
  return notes;
}

/** The MJCF as MuJoCo runs it here, with the notes that say what changed; a text that does not parse is left to MuJoCo's compile to report. */
export function asIsForRun(xml: string, file: string, model: RobotModel, o: PhysicsOptions): { xml: string; notes: string[] } {
  let root: XmlElement;
  const defaults: Defaults = new Map();
  try {
    root = parseXml(xml, file);
    for (const d of root.children.filter((c) => c.name === 'default')) readDefaults(d, new Map(), defaults, file);
  } catch {
    return { xml, notes: [] };
  }
  if (root.name !== 'mujoco') return { xml, notes: [] };
  const notes = [...optionNotes(root, o)];
  const moved = levelFloors(root, defaults, file);
  const world = root.children.find((c) => c.name === 'worldbody');
  const missingFloor = !grounds(root, defaults, file).length && world !== undefined;
  const motors = undriven(root, model);
  const balance = model.bodies.some((b) => b.inertiaBalanced); // the model repaired them: MuJoCo likewise
  if (!moved.length && !missingFloor && !motors.length && !balance) return { xml, notes };
  notes.push(...moved);
  if (missingFloor) {
    world.children.push(parseXml(floorGeom('mimic_floor', o.friction), file));
    notes.push(`the MJCF has no floor (no plane or heightfield on its worldbody): a plane at z = 0 added, friction ${num(o.friction)}`);
  }
  if (motors.length) {
    let act = root.children.find((c) => c.name === 'actuator');
    if (!act) root.children.push((act = { name: 'actuator', attrs: {}, children: [], line: 0, text: '' }));
    for (const j of motors)
      act.children.push({ name: 'motor', attrs: { name: `mimic_pd_${j}`, joint: j }, children: [], line: 0, text: '' });
    notes.push(`joints no actuator of the MJCF drives get a motor, so their PD is a servo like the others: ${motors.join(', ')}`);
  }
  if (balance) {
    let compiler = root.children.find((c) => c.name === 'compiler');
    if (!compiler) root.children.unshift((compiler = { name: 'compiler', attrs: {}, children: [], line: 0, text: '' }));
    compiler.attrs.balanceinertia = 'true';
    notes.push(
      'MuJoCo compiles with balanceinertia="true": the inertias that break the triangle inequality are set to their mean, as in the robot model',
    );
  }
  return { xml: writeXml(root), notes };
}
