/**
 * Free objects in MuJoCo: the objects not already in the robot's MJCF are written into it as free bodies
 * (`injectObjects`), then found by name. Object geoms get priority 1 so their friction and contact softness
 * decide their contacts; restitution e maps to solref (timeconst, dampratio) with dampratio
 * ζ = −ln e / √(π² + ln² e) (a mass-spring-damper contact bounces back with e at that damping ratio).
 */
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import { fail } from '../errors';
import { qRotate } from '../math';
import type { ObjectSpec } from '../model/objects';
import type { Shape } from '../model/types';
import { createObjectState, startPose, writeObject, type ObjectPose, type ObjectState } from './objects';

const OBJ_BODY = 1;
const f = (x: number) => (Math.abs(x) < 1e-12 ? '0' : String(+x.toPrecision(9)));
const fa = (a: ArrayLike<number>) => Array.from(a, f).join(' ');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Damping ratio of a spring-damper contact whose bounce keeps a fraction e of the speed. */
export function dampRatio(e: number): number {
  if (!(e > 0)) return 1;
  const l = Math.log(Math.min(e, 0.99));
  return -l / Math.sqrt(Math.PI * Math.PI + l * l);
}

/**
 * solref timeconst for a damping ratio: MuJoCo's contact stiffness is 1/(tc·ζ)² (impedance aside), so a low ζ
 * makes a stiff spring; tc is raised until ω·dt ≤ 0.2 (ω = 1/(tc·ζ)) so the step resolves the bounce (at 0.4 the bounce came out 0.06 m high, see README).
 */
export function contactTimeconst(zeta: number, dt: number): number {
  return Math.max(0.02, 2 * dt, dt / (0.2 * zeta));
}

function geomXml(s: Shape, o: ObjectSpec, dt: number): string {
  const size = s.type === 'sphere' ? f(s.size[0]) : fa(s.size);
  const zeta = dampRatio(o.restitution);
  const solref = `${f(contactTimeconst(zeta, dt))} ${f(zeta)}`;
  return `<geom type="${s.type}" size="${size}" pos="${fa(s.pos)}" quat="${fa(s.quat)}" contype="3" conaffinity="3" priority="1" friction="${f(s.friction)} 0.005 0.0001" solref="${solref}" mass="0"/>`;
}

/**
 * The MJCF with the objects added under <worldbody> as free bodies: all of them into a generated MJCF, only those
 * not from the robot file into the robot's own MJCF (`asIs`, which holds them already).
 */
export function injectObjects(xml: string, objects: ObjectSpec[], dt: number, asIs: boolean): string {
  const add = objects.filter((o) => !asIs || o.origin !== 'robot-file');
  if (!add.length) return xml;
  const body = add.map((o) =>
    [
      `<body name="${esc(o.name)}" pos="${fa(o.pos)}" quat="${fa(o.quat)}">`,
      `<freejoint name="${esc(o.name)}_free"/>`,
      `<inertial pos="${fa(o.com)}" quat="${fa(o.inertiaQuat)}" mass="${f(o.mass)}" diaginertia="${fa(o.inertia.map((x) => Math.max(x, 1e-9)))}"/>`,
      ...o.shapes.filter((s) => s.type !== 'mesh' && s.type !== 'plane').map((s) => geomXml(s, o, dt)),
      `</body>`,
    ].join(''),
  );
  const at = xml.lastIndexOf('</worldbody>');
  if (at < 0) return fail('ModelError', '<scene>', 'worldbody', 'the MJCF has no </worldbody> to add objects to');
  return xml.slice(0, at) + body.join('\n') + '\n' + xml.slice(at);
}

interface ModelArrays {
  jnt_qposadr: Int32Array;
  jnt_dofadr: Int32Array;
  jnt_bodyid: Int32Array;
  jnt_type: Int32Array;
  geom_bodyid: Int32Array;
  njnt: number;
}
interface DataArrays {
  qpos: Float64Array;
  qvel: Float64Array;
  ncon: number;
  contact: { get(i: number): { geom1: number; geom2: number; delete(): void } | undefined; delete(): void };
}

export class MujocoObjects {
  readonly state: ObjectState;
  private readonly adr: { q: number; v: number; body: number }[];
  private readonly objectOf = new Map<number, number>();
  private readonly robotOf = new Map<number, number>();

  constructor(
    mj: MainModule,
    private readonly m: MjModel,
    private readonly specs: ObjectSpec[],
    robotBodyIds: number[],
    n: number,
  ) {
    const M = m as unknown as ModelArrays;
    this.state = createObjectState(
      n,
      specs.map((s) => s.name),
      robotBodyIds.length,
    );
    robotBodyIds.forEach((id, b) => this.robotOf.set(id, b));
    this.adr = specs.map((s, k) => {
      const body = mj.mj_name2id(m, OBJ_BODY, s.name);
      if (body < 0) fail('ModelError', '<scene>', `object ${s.name}`, 'not found in the MuJoCo model');
      let j = -1;
      for (let i = 0; i < M.njnt; i++) if (M.jnt_bodyid[i] === body && M.jnt_type[i] === 0) j = i;
      if (j < 0)
        fail(
          'ModelError',
          '<scene>',
          `object ${s.name}`,
          "has no free joint in the MuJoCo model (fixedRoot removes every free joint of the robot file, its objects' too)",
        );
      this.objectOf.set(body, k);
      return { q: M.jnt_qposadr[j], v: M.jnt_dofadr[j], body };
    });
  }

  /** Refresh env e's objects from its MjData (after mj_step1 / mj_forward). */
  read(e: number, d: MjData): void {
    const D = d as unknown as DataArrays;
    const { qpos, qvel } = D;
    this.adr.forEach(({ q, v }, k) => {
      const quat = qpos.subarray(q + 3, q + 7);
      // free joint: linear velocity of the origin in world, angular velocity in the body frame
      const w = qRotate(quat, qvel.subarray(v + 3, v + 6));
      writeObject(this.state, e, k, { pos: qpos.subarray(q, q + 3), quat, linVel: qvel.subarray(v, v + 3), angVel: w });
    });
    this.readContacts(e, d);
  }

  private readContacts(e: number, d: MjData): void {
    const s = this.state,
      { nk, nb } = s;
    const D = d as unknown as DataArrays;
    const gb = (this.m as unknown as ModelArrays).geom_bodyid;
    s.contact.fill(0, e * nk * nb, (e + 1) * nk * nb);
    const n = D.ncon;
    if (!n) return;
    const vec = D.contact;
    for (let i = 0; i < n; i++) {
      const c = vec.get(i);
      if (!c) continue;
      const b1 = gb[c.geom1],
        b2 = gb[c.geom2];
      c.delete();
      const k = this.objectOf.get(b1) ?? this.objectOf.get(b2);
      const r = this.robotOf.get(b1) ?? this.robotOf.get(b2);
      if (k !== undefined && r !== undefined) s.contact[(e * nk + k) * nb + r] = 1;
    }
    vec.delete();
  }

  /** Write a pose (default: start) for object k (all when undefined) into env e's MjData; caller runs mj_forward. */
  write(d: MjData, k?: number, pose?: ObjectPose): void {
    const { qpos, qvel } = d as unknown as DataArrays;
    const ks = k === undefined ? this.specs.map((_, i) => i) : [k];
    for (const i of ks) {
      const p = pose ?? startPose(this.specs[i]),
        { q, v } = this.adr[i];
      const n = Math.hypot(p.quat[0], p.quat[1], p.quat[2], p.quat[3]);
      for (let c = 0; c < 3; c++) qpos[q + c] = p.pos[c];
      for (let c = 0; c < 4; c++) qpos[q + 3 + c] = p.quat[c] / n;
      const w = p.angVel ?? [0, 0, 0];
      const local = qRotate([p.quat[0] / n, -p.quat[1] / n, -p.quat[2] / n, -p.quat[3] / n], w);
      for (let c = 0; c < 3; c++) {
        qvel[v + c] = p.linVel ? p.linVel[c] : 0;
        qvel[v + 3 + c] = local[c];
      }
    }
  }
}
