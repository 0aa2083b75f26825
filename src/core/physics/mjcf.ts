/**
 * RobotModel → MJCF text for the MuJoCo backend (so URDF robots and the built-in humanoid run in MuJoCo too):
 * bodies, explicit inertials, hinge/slide joints with armature/damping/frictionloss, primitive geoms and meshes
 * (inline vertex/face assets), a floor plane. Only collision shapes are written.
 */
import { MimicError } from '../errors';
import type { RobotModel, Shape } from '../model/types';
import { contactShapes } from './common';
import { defaultPhysicsOptions, type PhysicsOptions } from './types';

const f = (x: number) => (Math.abs(x) < 1e-12 ? '0' : String(+x.toPrecision(9)));
const fa = (a: ArrayLike<number>) => Array.from(a, f).join(' ');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function toMjcf(model: RobotModel, options?: Partial<PhysicsOptions>): string {
  const o: PhysicsOptions = { ...defaultPhysicsOptions, ...(options ?? {}) };
  const assets: string[] = [];
  const meshIds = new Map<object, string>();
  const self = o.selfCollision;
  const geom = (s: Shape, touchesGround: boolean): string | null => {
    const bits = (touchesGround ? 1 : 0) | (self ? 2 : 0);
    const common = `pos="${fa(s.pos)}" quat="${fa(s.quat)}" contype="${bits}" conaffinity="${bits}" friction="${f(s.friction)} 0.005 0.0001"`;
    switch (s.type) {
      case 'sphere':
        return `<geom type="sphere" size="${f(s.size[0])}" ${common}/>`;
      case 'capsule':
        return `<geom type="capsule" size="${f(s.size[0])} ${f(s.size[1])}" ${common}/>`;
      case 'cylinder':
        return `<geom type="cylinder" size="${f(s.size[0])} ${f(s.size[1])}" ${common}/>`;
      case 'box':
        return `<geom type="box" size="${fa(s.size)}" ${common}/>`;
      case 'mesh': {
        if (!s.mesh) return null;
        let id = meshIds.get(s.mesh);
        if (!id) {
          id = `mesh${meshIds.size}`;
          meshIds.set(s.mesh, id);
          assets.push(`<mesh name="${id}" vertex="${fa(s.mesh.vertices)}" face="${Array.from(s.mesh.indices).join(' ')}"/>`);
        }
        return `<geom type="mesh" mesh="${id}" ${common}/>`;
      }
      default:
        return null;
    }
  };
  const children = new Map<number, number[]>();
  for (const b of model.bodies) if (b.parent >= 0) children.set(b.parent, [...(children.get(b.parent) ?? []), b.index]);
  const arm = model.joints.map((j, i) => (o.armature ? o.armature[i] : j.armature));

  /** One body's own lines (opening tag, inertial, joints, geoms); children and the closing tag come after. */
  const bodyHead = (i: number, pad: string): string[] => {
    const b = model.bodies[i];
    const lines = [`${pad}<body name="${esc(b.name)}" pos="${fa(b.pos)}" quat="${fa(b.quat)}">`];
    const mass = Math.max(b.mass, 1e-6);
    lines.push(
      `${pad}  <inertial pos="${fa(b.com)}" quat="${fa(b.inertiaQuat)}" mass="${f(mass)}" diaginertia="${fa(b.inertia.map((x) => Math.max(x, 1e-9)))}"/>`,
    );
    if (b.parent < 0 && model.floating && !o.fixedRoot) lines.push(`${pad}  <freejoint name="root"/>`);
    for (const j of b.joints) {
      const jm = model.joints[j];
      if (jm.ball) {
        // a ball joint: one native MuJoCo ball for its three coordinates (issue 16; PD: physics/ball.ts)
        if (jm.ball.axis === 0)
          lines.push(
            `${pad}  <joint name="${esc(jm.ball.name)}" type="ball" pos="${fa(jm.pos)}" armature="${f(arm[j])}" damping="${f(jm.damping)}"/>`,
          );
        continue;
      }
      if (jm.type !== 'hinge' && jm.type !== 'slide') {
        throw new MimicError(
          'ModelError',
          model.source.file,
          `joint ${jm.name}`,
          `MuJoCo export supports hinge and slide joints, not ${jm.type}`,
        );
      }
      const range = jm.range ? ` limited="true" range="${fa(jm.range)}"` : ' limited="false"';
      lines.push(
        `${pad}  <joint name="${esc(jm.name)}" type="${jm.type}" pos="${fa(jm.pos)}" axis="${fa(jm.axis)}"${range} armature="${f(arm[j])}" damping="${f(jm.damping)}" frictionloss="${f(jm.frictionloss)}"/>`,
      );
    }
    for (const { shape, touchesGround } of contactShapes(model, b, o)) {
      const g = geom(shape, touchesGround);
      if (g) lines.push(`${pad}  ${g}`);
    }
    return lines;
  };
  /** The body tree, depth-first with an explicit stack (no recursion on the tree's depth). */
  const tree = (root: number): string => {
    const lines: string[] = [];
    const todo: [number, number, boolean][] = [[root, 2, false]];
    while (todo.length) {
      const [i, depth, close] = todo.pop()!;
      const pad = '  '.repeat(depth);
      if (close) {
        lines.push(`${pad}</body>`);
        continue;
      }
      lines.push(...bodyHead(i, pad));
      todo.push([i, depth, true]);
      const kids = children.get(i) ?? [];
      for (let k = kids.length - 1; k >= 0; k--) todo.push([kids[k], depth + 1, false]);
    }
    return lines.join('\n');
  };

  const roots = model.bodies.filter((b) => b.parent < 0).map((b) => tree(b.index));
  return [
    `<mujoco model="${esc(model.name)}">`,
    `  <compiler angle="radian" inertiafromgeom="false" autolimits="true"/>`,
    `  <option timestep="${f(o.dt)}" integrator="implicitfast" gravity="0 0 ${f(o.gravity)}"/>`,
    `  <asset>`,
    ...assets.map((a) => `    ${a}`),
    `  </asset>`,
    `  <worldbody>`,
    `    ${floorGeom('floor', o.friction)}`,
    ...roots,
    `  </worldbody>`,
    `  <actuator>`,
    ...model.joints.filter((j) => !j.ball).map((j) => `    <motor name="${esc(j.name)}" joint="${esc(j.name)}"/>`), // balls: explicit PD
    `  </actuator>`,
    `</mujoco>`,
  ].join('\n');
}

/** The floor both backends stand on: a plane at z = 0 that collides with contype/conaffinity 1 geoms. */
export const floorGeom = (name: string, friction: number): string =>
  `<geom name="${name}" type="plane" size="0 0 0.05" contype="1" conaffinity="1" friction="${f(friction)} 0.005 0.0001"/>`;
