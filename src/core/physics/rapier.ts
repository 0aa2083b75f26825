/**
 * Rapier backend. PD control: by default Rapier's ForceBased position motor per joint (target, kp, kd, max force =
 * effort limit; implicit in the solver). `pd: 'torque'` applies the same law as explicit torques instead
 * (+tau·axis / -tau·axis on child / parent each step); it chatters on the light wrist links (see README).
 */
import RAPIER from '@dimforge/rapier3d-compat';
import type { RobotModel } from '../model/types';
import { qRotate } from '../math';
import { checkExplosion, copyRootState, ExternalLoads, Gains, resolveOptions } from './common';
import { bodyMotion } from './kinematics';
import { readBallChains, resetBallChain } from './rapier-ball';
import { buildWorld, type RapierWorld } from './rapier-world';
import { RapierObjects } from './objects-rapier';
import type { ObjectPose, ObjectState } from './objects';
import { createBatchState, type BatchState, type EnvState, type PhysicsEngine, type PhysicsOptions } from './types';

let ready: Promise<void> | null = null;
/** RAPIER.init() once per process. */
export const initRapier = (): Promise<void> => (ready ??= RAPIER.init());

export interface RapierExtraOptions {
  /** 'motor' (default): Rapier's ForceBased position motor; 'torque': explicit PD torques */
  pd?: 'torque' | 'motor';
  /** distance between envs on the hidden grid, m (default ENV_SPACING = 4; 0 stacks every env on one spot) */
  spacing?: number;
}

class RapierEngine extends ExternalLoads implements PhysicsEngine {
  readonly name = 'rapier' as const;
  readonly state: BatchState;
  readonly adjustments: string[];
  private readonly w: RapierWorld;
  private readonly gains: Gains;
  private readonly rest: number[][]; // per joint: rest rotation of the child relative to the parent (wxyz)
  /** the last ball coordinates per env (the Euler branch nearest them is read) */
  private readonly ballPrev: Float64Array;
  private readonly pd: 'torque' | 'motor';
  private motorDirty = true;
  /** objects: free bodies (null when there are none) */
  private readonly objs: RapierObjects | null = null;
  private freed = false;
  private readonly v = { x: 0, y: 0, z: 0 };
  /** per env: user forces/torques may be set on its bodies (pushes now or last step, or torque-mode PD) */
  private readonly loaded: boolean[];
  /** read-back scratch, reused every step: per body rotation (wxyz), angular velocity, com offset (world) */
  private readonly quats: number[][];
  private readonly angs: number[][];
  private readonly com: number[] = [0, 0, 0];
  /** a joint's axis in world, per joint in read (scratch) */
  private readonly axis: number[] = [0, 0, 0];
  /** targets Rapier fills in place (translation(target) etc.: no object per call) */
  private readonly tBuf = { x: 0, y: 0, z: 0 };
  private readonly rBuf = { w: 1, x: 0, y: 0, z: 0 };
  private readonly lvBuf = { x: 0, y: 0, z: 0 };
  private readonly avBuf = { x: 0, y: 0, z: 0 };
  /** per env: the contact-pair callback that sums normal impulses into contactForce */
  private readonly contactSum: ((body: number) => (m: RAPIER.TempContactManifold, flipped: boolean) => void)[];

  constructor(
    readonly model: RobotModel,
    readonly options: PhysicsOptions,
    extra: RapierExtraOptions,
  ) {
    super(options.n);
    this.pd = extra.pd ?? 'motor';
    this.w = buildWorld(model, options, extra.spacing);
    if (options.objects?.length) this.objs = new RapierObjects(this.w, options.objects, model.bodies.length); // objects
    this.adjustments = [
      ...this.w.adjustments,
      `PD: ${this.pd === 'torque' ? 'explicit joint torques (clipped to the effort limit)' : 'Rapier ForceBased position motors, max force = effort limit'}`,
    ];
    const nj = model.joints.length,
      nb = model.bodies.length;
    this.state = createBatchState(options.n, nj, nb);
    this.gains = new Gains(options.n, nj, model);
    this.rest = model.joints.map((j) => model.bodies[j.body].quat);
    this.ballPrev = new Float64Array(options.n * model.joints.length);
    this.loaded = new Array<boolean>(options.n).fill(true);
    this.quats = model.bodies.map(() => [1, 0, 0, 0]);
    this.angs = model.bodies.map(() => [0, 0, 0]);
    this.contactSum = Array.from({ length: options.n }, (_, e) => this.contactSummer(e));
    for (let e = 0; e < options.n; e++) this.read(e);
  }

  setGains(kp: ArrayLike<number>, kd: ArrayLike<number>, effortLimit?: ArrayLike<number>): void {
    this.gains.set(kp, kd, effortLimit);
    this.motorDirty = true;
  }

  setTargets(targets: ArrayLike<number>): void {
    this.gains.setTargets(targets);
    this.motorDirty = true;
  }

  /** `more`: another step follows before `state` is read, so this step's contact forces are left unread */
  step(more = false): void {
    const { n } = this.options;
    for (let e = 0; e < n; e++) this.applyControl(e);
    this.motorDirty = false;
    this.w.step();
    for (let e = 0; e < n; e++) this.read(e, !more);
    if (this.objs) for (let e = 0; e < n; e++) this.objs.read(e); // objects
    checkExplosion(this.model, this.state, 'Rapier');
  }

  private applyControl(e: number): void {
    const env = this.w.envs[e];
    const { nj } = this.state;
    const s = this.state,
      g = this.gains,
      v = this.v;
    // user forces persist in Rapier until reset: clear them only where some were set (identical results, ~60 fewer calls)
    if (this.loaded[e])
      for (const rb of env.bodies) {
        rb.resetTorques(false);
        rb.resetForces(false);
      }
    this.loaded[e] = this.pd === 'torque' || this.pushes.of(e).length > 0;
    for (const p of this.pushes.of(e)) {
      const rb = env.bodies[p.body];
      if (p.force) {
        const f = { x: p.force[0], y: p.force[1], z: p.force[2] };
        if (p.point)
          rb.addForceAtPoint(f, { x: p.point[0] + env.offset[0], y: p.point[1] + env.offset[1], z: p.point[2] + env.offset[2] }, false);
        else rb.addForceAtPoint(f, rb.translation(), false);
      }
      if (p.torque) rb.addTorque({ x: p.torque[0], y: p.torque[1], z: p.torque[2] }, false);
    }
    for (let j = 0; j < nj; j++) {
      const i = e * nj + j;
      const joint = env.joints[j];
      if (!joint) continue;
      s.jointTorque[i] = g.torque(i, s.jointPos[i], s.jointVel[i]);
      if (this.pd === 'motor') {
        if (this.motorDirty) {
          joint.configureMotorPosition(g.target[i], g.kp[i], g.kd[i]);
          joint.setMotorMaxForce(Number.isFinite(g.effort[i]) ? g.effort[i] : 3.4e38);
        }
        continue;
      }
      const jm = this.model.joints[j];
      const child = env.bodies[jm.body],
        parent = env.bodies[this.model.bodies[jm.body].parent];
      const r = child.rotation();
      const a = qRotate([r.w, r.x, r.y, r.z], jm.axis);
      const tau = s.jointTorque[i];
      v.x = a[0] * tau;
      v.y = a[1] * tau;
      v.z = a[2] * tau;
      child.addTorque(v, false);
      v.x = -v.x;
      v.y = -v.y;
      v.z = -v.z;
      parent.addTorque(v, false);
    }
  }

  /** Refresh state for one env from the rigid bodies; `contacts` false leaves contactForce as it was. */
  private read(e: number, contacts = true): void {
    const env = this.w.envs[e];
    const s = this.state,
      { nb, nj } = s;
    const model = this.model;
    const quats = this.quats,
      angs = this.angs,
      cl = this.com;
    for (let b = 0; b < nb; b++) {
      const rb = env.bodies[b];
      const t = rb.translation(this.tBuf),
        r = rb.rotation(this.rBuf),
        lv = rb.linvel(this.lvBuf),
        av = rb.angvel(this.avBuf);
      const q = quats[b],
        w = angs[b];
      q[0] = r.w;
      q[1] = r.x;
      q[2] = r.y;
      q[3] = r.z;
      w[0] = av.x;
      w[1] = av.y;
      w[2] = av.z;
      const k3 = (e * nb + b) * 3,
        k4 = (e * nb + b) * 4;
      s.bodyPos[k3] = t.x - env.offset[0];
      s.bodyPos[k3 + 1] = t.y - env.offset[1];
      s.bodyPos[k3 + 2] = t.z - env.offset[2];
      s.bodyQuat[k4] = q[0];
      s.bodyQuat[k4 + 1] = q[1];
      s.bodyQuat[k4 + 2] = q[2];
      s.bodyQuat[k4 + 3] = q[3];
      // Rapier's linvel is the centre of mass velocity; state wants the body frame origin: v_o = v_c + w x (o - c)
      // (from the link's own com: Rapier refreshes worldCom() only inside step, not after a reset)
      rotateInto(q, this.w.links[b].com, cl);
      const dx = -cl[0],
        dy = -cl[1],
        dz = -cl[2];
      s.bodyLinVel[k3] = lv.x + av.y * dz - av.z * dy;
      s.bodyLinVel[k3 + 1] = lv.y + av.z * dx - av.x * dz;
      s.bodyLinVel[k3 + 2] = lv.z + av.x * dy - av.y * dx;
      s.bodyAngVel[k3] = av.x;
      s.bodyAngVel[k3 + 1] = av.y;
      s.bodyAngVel[k3 + 2] = av.z;
    }
    copyRootState(s, e);
    const a = this.axis;
    for (let j = 0; j < nj; j++) {
      const jm = model.joints[j];
      const p = model.bodies[jm.body].parent;
      const qc = quats[jm.body],
        qp = quats[p];
      s.jointPos[e * nj + j] = hingeAngleOf(qp, qc, this.rest[j], jm.axis);
      rotateInto(qc, jm.axis, a);
      const wc = angs[jm.body],
        wp = angs[p];
      s.jointVel[e * nj + j] = a[0] * (wc[0] - wp[0]) + a[1] * (wc[1] - wp[1]) + a[2] * (wc[2] - wp[2]);
    }
    readBallChains(model, env.chains, quats, angs, s.jointPos, s.jointVel, e * nj, this.ballPrev); // ball coordinates (issue 16)
    if (contacts) this.readContacts(e);
  }

  /** Env e's ground contact forces: sum of the normal impulses of the last step / dt. */
  private readContacts(e: number): void {
    const env = this.w.envs[e];
    this.state.contactForce.fill(0, e * this.state.nb * 3, (e + 1) * this.state.nb * 3);
    const world = this.w.world,
      gc = this.w.groundCollider,
      sum = this.contactSum[e];
    for (const { collider, body } of env.ground) world.contactPair(collider, gc, sum(body));
    for (const tc of env.terrain) for (const { collider, body } of env.ground) world.contactPair(collider, tc, sum(body)); // terrain (issue 16)
  }

  /** Env e's contact-pair callback maker: body → callback adding that pair's normal force to contactForce. */
  private contactSummer(e: number): (body: number) => (m: RAPIER.TempContactManifold, flipped: boolean) => void {
    const s = this.state,
      nb = s.nb,
      dt = this.options.dt;
    const byBody = this.model.bodies.map((_, body) => (m: RAPIER.TempContactManifold, flipped: boolean) => {
      let imp = 0;
      const k = m.numContacts();
      for (let i = 0; i < k; i++) imp += m.contactImpulse(i);
      if (imp === 0) return;
      const nrm = m.normal();
      const sgn = ((flipped ? 1 : -1) * imp) / dt;
      const k3 = (e * nb + body) * 3;
      s.contactForce[k3] += sgn * nrm.x;
      s.contactForce[k3 + 1] += sgn * nrm.y;
      s.contactForce[k3 + 2] += sgn * nrm.z;
    });
    return (body) => byBody[body];
  }

  reset(env: number, st: EnvState): void {
    const E = this.w.envs[env];
    const m = bodyMotion(this.model, st);
    for (let b = 0; b < m.pos.length; b++) {
      const rb = E.bodies[b];
      const q = m.quat[b],
        o = m.pos[b],
        w = m.angVel[b],
        vo = m.linVel[b];
      rb.setTranslation({ x: o[0] + E.offset[0], y: o[1] + E.offset[1], z: o[2] + E.offset[2] }, false);
      rb.setRotation({ w: q[0], x: q[1], y: q[2], z: q[3] }, false);
      // velocity of the centre of mass: v_c = v_o + w x (c - o)
      const L = this.w.links[b];
      const d = qRotate(q, L.com);
      rb.setLinvel(
        { x: vo[0] + w[1] * d[2] - w[2] * d[1], y: vo[1] + w[2] * d[0] - w[0] * d[2], z: vo[2] + w[0] * d[1] - w[1] * d[0] },
        false,
      );
      rb.setAngvel({ x: w[0], y: w[1], z: w[2] }, false);
      rb.resetForces(false);
      rb.resetTorques(false);
    }
    for (let j = 0; j < this.state.nj; j++) this.ballPrev[env * this.state.nj + j] = st.jointPos[j];
    for (const c of E.chains) {
      // the intermediate bodies of three-axis joints (issue 16)
      const p = c.group.parent,
        js = c.group.joints;
      const part = { pos: m.pos[p], quat: m.quat[p], linVel: m.linVel[p], angVel: m.angVel[p] };
      resetBallChain(
        this.model,
        c,
        E.offset,
        part,
        js.map((j) => st.jointPos[j]),
        js.map((j) => (st.jointVel ? st.jointVel[j] : 0)),
      );
    }
    this.pushes.clear(env);
    this.loaded[env] = this.pd === 'torque';
    this.read(env);
    for (let j = 0; j < this.state.nj; j++) this.state.jointTorque[env * this.state.nj + j] = 0;
    this.objs?.reset(env); // objects: back to their start pose
  }

  get objects(): ObjectState | undefined {
    return this.objs?.state;
  }

  resetObject(env: number, k: number, pose: ObjectPose): void {
    this.objs?.reset(env, k, pose);
  }

  setFriction(env: number, mu: number): void {
    for (const { collider } of this.w.envs[env].ground) collider.setFriction(mu);
  }

  setBodyMassScale(env: number, body: number, scale: number): void {
    const L = this.w.links[body];
    const i = L.inertia;
    this.w.envs[env].bodies[body].setAdditionalMassProperties(
      L.mass * scale,
      { x: L.com[0], y: L.com[1], z: L.com[2] },
      { x: i[0] * scale, y: i[1] * scale, z: i[2] * scale },
      { w: L.frame[0], x: L.frame[1], y: L.frame[2], z: L.frame[3] },
      false,
    );
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.w.world.free();
  }
}

/**
 * kinematics.hingeAngle without its four temporary arrays (read runs it for every joint after every physics
 * step): the same products in the same order, so the same angle bit for bit.
 */
function hingeAngleOf(qp: ArrayLike<number>, qc: ArrayLike<number>, rest: ArrayLike<number>, axis: ArrayLike<number>): number {
  // m = conj(qp) · qc
  const aw = qp[0],
    ax = -qp[1],
    ay = -qp[2],
    az = -qp[3];
  const bw = qc[0],
    bx = qc[1],
    by = qc[2],
    bz = qc[3];
  const mw = aw * bw - ax * bx - ay * by - az * bz,
    mx = aw * bx + ax * bw + ay * bz - az * by,
    my = aw * by - ax * bz + ay * bw + az * bx,
    mz = aw * bz + ax * by - ay * bx + az * bw;
  // r = conj(rest) · m
  const cw = rest[0],
    cx = -rest[1],
    cy = -rest[2],
    cz = -rest[3];
  const rw = cw * mw - cx * mx - cy * my - cz * mz,
    rx = cw * mx + cx * mw + cy * mz - cz * my,
    ry = cw * my - cx * mz + cy * mw + cz * mx,
    rz = cw * mz + cx * my - cy * mx + cz * mw;
  const p = rx * axis[0] + ry * axis[1] + rz * axis[2];
  let a = 2 * Math.atan2(p, rw);
  if (a > Math.PI) a -= 2 * Math.PI;
  else if (a < -Math.PI) a += 2 * Math.PI;
  return a;
}

/** out = q·v·q* (same arithmetic as math.qRotate, without the allocation). */
function rotateInto(q: ArrayLike<number>, v: ArrayLike<number>, out: number[]): void {
  const w = q[0],
    x = q[1],
    y = q[2],
    z = q[3];
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  out[0] = v[0] + w * tx + (y * tz - z * ty);
  out[1] = v[1] + w * ty + (z * tx - x * tz);
  out[2] = v[2] + w * tz + (x * ty - y * tx);
}

export async function createRapierEngine(
  model: RobotModel,
  options?: Partial<PhysicsOptions> & RapierExtraOptions,
): Promise<PhysicsEngine> {
  await initRapier();
  const o = resolveOptions(model, options);
  return new RapierEngine(model, o, { pd: options?.pd, spacing: options?.spacing });
}
