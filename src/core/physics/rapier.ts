/**
 * Rapier backend. PD control, the same law three ways: explicit torques (+tau·axis / -tau·axis on child / parent
 * each step) or Rapier's ForceBased position motor (target, kp, kd, max force = effort limit; implicit in the
 * solver). `pd: 'mixed'` (default) picks per joint: explicit where that joint's PD is stable integrated explicitly
 * (explicitPdStable), the motor elsewhere (stiff gains on light links); 'torque' / 'motor': one way for all.
 */
import RAPIER from '@dimforge/rapier3d-compat';
import type { RobotModel } from '../model/types';
import { qRotate } from '../math';
import { checkExplosion, copyRootState, ExternalLoads, Gains, resolveOptions } from './common';
import { bodyMotion } from './kinematics';
import { readBallChains, resetBallChain } from './rapier-ball';
import { buildWorld, jointInertia, type RapierWorld } from './rapier-world';
import { RapierObjects } from './objects-rapier';
import type { ObjectPose, ObjectState } from './objects';
import { createBatchState, type BatchState, type EnvState, type PhysicsEngine, type PhysicsOptions } from './types';

let ready: Promise<void> | null = null;
/** RAPIER.init() once per process. */
export const initRapier = (): Promise<void> => (ready ??= RAPIER.init());

export type PdMode = 'mixed' | 'torque' | 'motor';

export interface RapierExtraOptions {
  /** 'mixed' (default): per joint explicit torques where stable, else the motor; 'motor': Rapier's ForceBased position motor; 'torque': explicit PD torques */
  pd?: PdMode;
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
  private readonly pd: PdMode;
  /** per joint: the child link's inertia about the joint axis (jointInertia); per env and body: mass scale */
  private readonly jointI: number[];
  private readonly massScale: Float64Array;
  /** per env and joint: 1 = explicit torque, 0 = motor; per env: some joint explicit */
  private readonly explicit: Uint8Array;
  /** per env and joint: its explicit PD rang (ringGuard): on the motor for the engine's life */
  private readonly rang: Uint8Array;
  private readonly anyExplicit: boolean[];
  /** per env and joint: the motor was configured (an explicit joint's motor is switched off) */
  private readonly motorOn: Uint8Array;
  private motorDirty = true;
  /** objects: free bodies (null when there are none) */
  private readonly objs: RapierObjects | null = null;
  private freed = false;
  /** per env: user forces/torques may be set on its bodies (pushes now or last step, or explicit PD) */
  private readonly loaded: boolean[];
  /** read-back scratch, reused every step: per body rotation (wxyz), angular velocity, com offset (world) */
  private readonly quats: number[][];
  private readonly angs: number[][];
  private readonly com: number[] = [0, 0, 0];
  /** a joint's axis in world, per joint in read (scratch) */
  private readonly axis: number[] = [0, 0, 0];
  /** the bodies' WASM set and one WASM vector for addTorque */
  private readonly rawBodies: RAPIER.World['bodies']['raw'];
  private readonly rawTorque: ReturnType<typeof RAPIER.VectorOps.intoRaw>;
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
    this.pd = extra.pd ?? 'mixed';
    this.w = buildWorld(model, options, extra.spacing);
    this.jointI = jointInertia(model, this.w.links);
    this.rawBodies = this.w.world.bodies.raw;
    this.rawTorque = RAPIER.VectorOps.intoRaw({ x: 0, y: 0, z: 0 });
    this.massScale = new Float64Array(options.n * model.bodies.length).fill(1);
    this.explicit = new Uint8Array(options.n * model.joints.length);
    this.rang = new Uint8Array(options.n * model.joints.length);
    this.anyExplicit = new Array<boolean>(options.n).fill(false);
    this.motorOn = new Uint8Array(options.n * model.joints.length);
    if (options.objects?.length) this.objs = new RapierObjects(this.w, options.objects, model.bodies.length); // objects
    this.adjustments = [...this.w.adjustments, pdNote(this.pd)];
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
    for (let e = 0; e < this.options.n; e++) this.choosePd(e);
    this.chooseSolver();
    this.motorDirty = true;
  }

  /** The motor solver settings while some joint has a motor, the explicit ones while none has (options). */
  private chooseSolver(): void {
    const o = this.options;
    const motors = this.w.envs.some((env, e) => env.joints.some((j, k) => j !== null && !this.explicit[e * this.state.nj + k]));
    const p = this.w.world.integrationParameters;
    p.numSolverIterations = motors ? o.solverIterations : (o.explicitSolverIterations ?? o.solverIterations);
    p.numInternalPgsIterations = motors ? o.pgsIterations : (o.explicitPgsIterations ?? o.pgsIterations);
  }

  /** Env e: explicit torque or motor per joint (pd mode, gains, the child link's inertia with its mass scale). */
  private choosePd(e: number): void {
    const { nj, nb } = this.state;
    const env = this.w.envs[e];
    const chained = new Set(env.chains.flatMap((c) => c.group.joints));
    let any = false;
    for (let j = 0; j < nj; j++) {
      const i = e * nj + j;
      const joint = env.joints[j];
      const inertia = this.jointI[j] * this.massScale[e * nb + this.model.joints[j].body];
      const stable = explicitPdStable(this.gains.kp[i], this.gains.kd[i], this.options.dt, inertia);
      const x = this.pd === 'torque' || (this.pd === 'mixed' && stable && !chained.has(j) && !this.rang[i]);
      this.explicit[i] = x ? 1 : 0;
      any ||= x;
      if (x && this.motorOn[i] && joint) {
        joint.configureMotorPosition(0, 0, 0);
        joint.setMotorMaxForce(0);
        this.motorOn[i] = 0;
      }
    }
    this.anyExplicit[e] = any;
    this.loaded[e] = true;
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
    if (this.pd === 'mixed') this.ringGuard();
  }

  /**
   * An explicit PD joint turning faster than RING_LIMIT rings: the stability bound (choosePd) holds for one joint,
   * and two light links on parallel axes can still ring against each other (an H1's ankle against its shank reached
   * 325 rad/s). Such a joint goes on Rapier's motor (implicit, stable) in that env from the next step, said once.
   */
  private ringGuard(): void {
    const { n } = this.options,
      { nj } = this.state;
    let moved = false;
    for (let i = 0; i < n * nj; i++) {
      if (!this.explicit[i] || !(Math.abs(this.state.jointVel[i]) > RING_LIMIT)) continue;
      const name = this.model.joints[i % nj].name;
      const note = `explicit PD on ${name} rang (|q̇| > ${RING_LIMIT} rad/s): on Rapier's motor from then on`;
      if (!this.adjustments.includes(note)) this.adjustments.push(note);
      this.rang[i] = 1;
      this.explicit[i] = 0;
      moved = true;
    }
    if (!moved) return;
    for (let e = 0; e < n; e++) this.anyExplicit[e] = this.explicit.subarray(e * nj, e * nj + nj).some((x) => x === 1);
    this.chooseSolver();
    this.motorDirty = true;
  }

  private applyControl(e: number): void {
    const env = this.w.envs[e];
    const { nj } = this.state;
    const s = this.state,
      g = this.gains;
    // user forces persist in Rapier until reset: clear them only where some were set (identical results, ~60 fewer calls)
    if (this.loaded[e])
      for (const rb of env.bodies) {
        rb.resetTorques(false);
        rb.resetForces(false);
      }
    this.loaded[e] = this.anyExplicit[e] || this.pushes.of(e).length > 0;
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
      if (!this.explicit[i]) {
        if (this.motorDirty) {
          joint.configureMotorPosition(g.target[i], g.kp[i], g.kd[i]);
          joint.setMotorMaxForce(Number.isFinite(g.effort[i]) ? g.effort[i] : 3.4e38);
          this.motorOn[i] = 1;
        }
        continue;
      }
      const jm = this.model.joints[j];
      // the hinge axis in world from the child's pose as read after the last step (the same f32 values as rotation())
      const a = this.axis;
      rotateAt(s.bodyQuat, (e * s.nb + jm.body) * 4, jm.axis, a);
      const tau = s.jointTorque[i];
      this.addTorque(env.bodies[jm.body], a[0] * tau, a[1] * tau, a[2] * tau);
      this.addTorque(env.bodies[this.model.bodies[jm.body].parent], -a[0] * tau, -a[1] * tau, -a[2] * tau);
    }
  }

  /**
   * RigidBody.addTorque without its temporary vector: the bindings allocate a WASM vector per call and register it
   * for finalization (~0.5 µs, ~30 µs per G1 step with 58 calls); this one vector is reused (same values, same bits).
   */
  private addTorque(rb: RAPIER.RigidBody, x: number, y: number, z: number): void {
    const t = this.rawTorque;
    t.x = x;
    t.y = y;
    t.z = z;
    this.rawBodies.rbAddTorque(rb.handle, t, false);
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
      rotateAt(q, 0, this.w.links[b].com, cl);
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
      rotateAt(qc, 0, jm.axis, a);
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
    this.loaded[env] = this.anyExplicit[env];
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
    this.massScale[env * this.model.bodies.length + body] = scale;
    this.choosePd(env);
    this.chooseSolver();
    this.motorDirty = true;
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
    this.rawTorque.free();
    this.w.world.free();
  }
}

/**
 * Explicit PD of a joint whose child link has `inertia` about the axis is stable: the explicit step of
 * I·q̈ = −kp·q − kd·q̇ is stable while a + b/2 < 2 (a = kd·dt/I, b = kp·dt²/I); the parent's and the chain's
 * coupling lower the effective inertia, so the limit kept is EXPLICIT_PD_LIMIT.
 */
export function explicitPdStable(kp: number, kd: number, dt: number, inertia: number): boolean {
  return (kd * dt + (kp * dt * dt) / 2) / inertia < EXPLICIT_PD_LIMIT;
}

/** Joint speed, rad/s, above which an explicit PD joint is taken to ring (no humanoid joint turns this fast). */
export const RING_LIMIT = 100;

/** explicitPdStable's bound on kd·dt/I + kp·dt²/(2I) (2 = the single joint's stability limit). */
export const EXPLICIT_PD_LIMIT = 1.5;

function pdNote(pd: PdMode): string {
  if (pd === 'torque') return 'PD: explicit joint torques (clipped to the effort limit)';
  if (pd === 'motor') return 'PD: Rapier ForceBased position motors, max force = effort limit';
  return `PD: per joint explicit torques (clipped to the effort limit) where kd·dt/I + kp·dt²/(2I) < ${EXPLICIT_PD_LIMIT} (I: the child link's inertia about the joint axis), Rapier ForceBased position motors (max force = effort limit) on the others`;
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

/** out = q·v·q* for the quaternion at q[k..k+3] (same arithmetic as math.qRotate, without a view or an allocation). */
function rotateAt(q: ArrayLike<number>, k: number, v: ArrayLike<number>, out: number[]): void {
  const w = q[k],
    x = q[k + 1],
    y = q[k + 2],
    z = q[k + 3];
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
