/**
 * MuJoCo-WASM backend (mujoco-js): one MjModel, one MjData per env (envs never interact). PD: every joint's
 * actuator (found by joint name) is rewritten into a PD servo, force = clip(kp (ctrl - q) - kd qd, ±effort) with
 * ctrl = target, so implicitfast integrates the damping implicitly (explicit PD torques went unstable on the light
 * ankle links at standing gains); joints without an actuator get the same law as explicit qfrc_applied. Armature is
 * native (dof_armature). Per step: mj_step2 (integrate s_k) → mj_rnePostConstraint
 * (contact forces of that step, cfrc_ext) → mj_step1 (kinematics of s_k+1), so the state read afterwards is
 * consistent with qpos/qvel.
 */
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import { MimicError } from '../errors';
import { qRotate, qToMat } from '../math';
import { ballGroups, ballQposQvel, ballTorque, readBalls, type BallGroup } from './ball'; // ball joints (issue 16)
import type { RobotModel } from '../model/types';
import { checkExplosion, copyRootState, ExternalLoads, Gains, jointArmature, resolveOptions } from './common';
import { toMjcf } from './mjcf';
import { asIsForRun } from './mujoco-asis';
import { addTerrainMjcf, terrainOf } from './terrain-engines'; // terrain (issue 16)
import { filesForMujoco } from './mujoco-files';
import { compileMjcfCached, pinRoot } from './mujoco-fs';
import { typedData, typedModel } from './mujoco-types';
import { injectObjects, MujocoObjects } from './objects-mujoco';
import type { ObjectPose, ObjectState } from './objects';
import { createBatchState, type BatchState, type EnvState, type PhysicsEngine, type PhysicsOptions } from './types';

let mjP: Promise<MainModule> | null = null;
/** Load the MuJoCo WASM module once per process (its 11 MB of JavaScript only when a MuJoCo engine is wanted). */
export const loadMujoco = (): Promise<MainModule> => (mjP ??= import('mujoco-js').then((m) => m.default()));

export interface MujocoSource {
  xml: string;
  files?: Record<string, Uint8Array>;
}

const OBJ_BODY = 1,
  OBJ_JOINT = 3,
  JNT_FREE = 0;
const DSBL_AUTORESET = 65536,
  ENBL_OVERRIDE = 1,
  INT_IMPLICITFAST = 3;

class MujocoEngine extends ExternalLoads implements PhysicsEngine {
  readonly name = 'mujoco' as const;
  readonly state: BatchState;
  readonly adjustments: string[] = [];
  private readonly data: MjData[];
  private readonly gains: Gains;
  private readonly bodyId: number[];
  private readonly qadr: number[];
  private readonly dadr: number[];
  /** actuator index per model joint, -1 = none (explicit torque) */
  private readonly act: number[];
  private readonly freeJoint: { q: number; v: number } | null;
  private readonly friction: (number | null)[];
  private readonly massScale: Map<number, number>[];
  private freed = false;
  /** per env: typed views on its MjData arrays, made once (each getter call builds a new view, ~0.3 µs) */
  private readonly views: (DataViews | null)[] = [];
  /** native ball joints (issue 16): explicit PD from the Euler coordinates, physics/ball.ts */
  private readonly balls: BallGroup[];
  /** the last ball coordinates per env (the Euler branch nearest them is read) */
  private readonly ballPrev: Float64Array;
  /** per model body: MuJoCo id of its root body (body_rootid), read once */
  private rootOf: number[] | null = null;
  /** objects: free bodies (null when there are none) */
  private readonly objs: MujocoObjects | null = null;

  constructor(
    private readonly mj: MainModule,
    private readonly m: MjModel,
    readonly model: RobotModel,
    readonly options: PhysicsOptions,
    source: boolean,
  ) {
    super(options.n);
    const M = typedModel(m);
    const file = model.source.file;
    const { n } = options;
    const nj = model.joints.length,
      nb = model.bodies.length;
    this.state = createBatchState(n, nj, nb);
    this.gains = new Gains(n, nj, model);
    M.opt.timestep = options.dt;
    M.opt.integrator = INT_IMPLICITFAST;
    M.opt.disableflags = M.opt.disableflags | DSBL_AUTORESET;
    M.opt.gravity[0] = 0;
    M.opt.gravity[1] = 0;
    M.opt.gravity[2] = options.gravity;
    this.bodyId = model.bodies.map((b) => {
      const id = mj.mj_name2id(m, OBJ_BODY, b.name);
      if (id < 0) throw new MimicError('ModelError', file, `body ${b.name}`, 'not found in the MuJoCo model');
      return id;
    });
    const arm = jointArmature(model, options);
    this.qadr = [];
    this.dadr = [];
    model.joints.forEach((j, i) => {
      const id = mj.mj_name2id(m, OBJ_JOINT, j.ball?.name ?? j.name); // a ball's 3 coordinates: one MuJoCo joint (issue 16)
      if (id < 0) throw new MimicError('ModelError', file, `joint ${j.name}`, 'not found in the MuJoCo model');
      this.qadr.push(M.jnt_qposadr[id] + (j.ball?.axis ?? 0));
      this.dadr.push(M.jnt_dofadr[id] + (j.ball?.axis ?? 0));
      M.dof_armature[M.jnt_dofadr[id] + (j.ball?.axis ?? 0)] = arm[i];
    });
    this.balls = ballGroups(model, true);
    this.ballPrev = new Float64Array(options.n * model.joints.length);
    const root = this.bodyId[0];
    let free: { q: number; v: number } | null = null;
    for (let k = 0; k < M.njnt; k++) {
      if (M.jnt_type[k] === JNT_FREE && M.jnt_bodyid[k] === root) free = { q: M.jnt_qposadr[k], v: M.jnt_dofadr[k] };
    }
    this.freeJoint = free;
    // one PD servo per joint: claim the joint's actuator, silence every other actuator
    this.act = model.joints.map(() => -1);
    const jointOf = new Map<number, number>();
    this.qadr.forEach((_, j) => !model.joints[j].ball && jointOf.set(mj.mj_name2id(m, OBJ_JOINT, model.joints[j].name), j));
    const gp = M.actuator_gainprm,
      bp = M.actuator_biasprm;
    for (let a = 0; a < M.nu; a++) {
      const j = M.actuator_trntype[a] === 0 ? jointOf.get(M.actuator_trnid[a * 2]) : undefined;
      for (let k = 0; k < 10; k++) {
        gp[a * 10 + k] = 0;
        bp[a * 10 + k] = 0;
      }
      if (j === undefined || this.act[j] >= 0) continue;
      this.act[j] = a;
      M.actuator_dyntype[a] = 0;
      M.actuator_gaintype[a] = 0;
      M.actuator_biastype[a] = 1;
      M.actuator_ctrllimited[a] = 0;
      const gear = M.actuator_gear;
      gear[a * 6] = 1;
      for (let k = 1; k < 6; k++) gear[a * 6 + k] = 0;
    }
    const missing = model.joints.filter((_, j) => this.act[j] < 0).map((jm) => jm.name);
    this.adjustments.push(
      source ? 'MJCF loaded as is (its own contacts, friction and meshes)' : 'MJCF generated from the RobotModel (toMjcf)',
      `timestep ${options.dt} s, integrator implicitfast, armature native (dof_armature)`,
      'PD as MuJoCo servos on each joint actuator (kp, kd, force range = effort limit; damping implicit)' +
        (missing.length ? `; explicit qfrc_applied PD for joints without an actuator: ${missing.join(', ')}` : ''),
      'contactForce = cfrc_ext minus applied forces (all contacts on the body, ground and self)',
    );
    if (options.fixedRoot) this.adjustments.push('root pinned: free joint removed');
    this.friction = new Array<number | null>(n).fill(null);
    this.massScale = Array.from({ length: n }, () => new Map<number, number>());
    this.data = Array.from({ length: n }, () => new mj.MjData(m));
    if (options.objects?.length) {
      this.objs = new MujocoObjects(mj, m, options.objects, this.bodyId, n); // objects
      this.adjustments.push(
        `objects: ${options.objects.map((o) => o.name).join(', ')} (free bodies; geom priority 1, restitution as solref damping ratio)`,
      );
    }
    this.writeGains(0);
    const b0 = model.bodies[0];
    for (let e = 0; e < n; e++) this.reset(e, { rootPos: b0.pos, rootQuat: b0.quat, jointPos: model.joints.map(() => 0) });
  }

  setGains(kp: ArrayLike<number>, kd: ArrayLike<number>, effortLimit?: ArrayLike<number>): void {
    this.gains.set(kp, kd, effortLimit);
    this.writeGains(0);
  }

  /** Servo parameters of env e into the shared model (done per step only when envs have different gains). */
  private writeGains(e: number): void {
    const m = typedModel(this.m),
      g = this.gains,
      nj = this.state.nj;
    const gp = m.actuator_gainprm,
      bp = m.actuator_biasprm,
      fr = m.actuator_forcerange,
      fl = m.actuator_forcelimited;
    for (let j = 0; j < nj; j++) {
      const a = this.act[j];
      if (a < 0) continue;
      const i = e * nj + j;
      gp[a * 10] = g.kp[i];
      bp[a * 10 + 1] = -g.kp[i];
      bp[a * 10 + 2] = -g.kd[i];
      const lim = g.effort[i];
      fl[a] = Number.isFinite(lim) ? 1 : 0;
      fr[a * 2] = Number.isFinite(lim) ? -lim : 0;
      fr[a * 2 + 1] = Number.isFinite(lim) ? lim : 0;
    }
    // ball joints (issue 16): kd as the dofs' own damping, integrated implicitly (see ballPd)
    for (const b of this.balls)
      b.joints.forEach((j, c) => (m.dof_damping[this.dadr[b.joints[0]] + c] = this.model.joints[j].damping + g.kd[e * nj + j]));
  }

  setTargets(targets: ArrayLike<number>): void {
    this.gains.setTargets(targets);
  }

  /** Per-env model overrides (friction, masses) go in before this env's computation and come out after. */
  private withEnv(e: number, f: () => void): void {
    const m = typedModel(this.m),
      mu = this.friction[e],
      scales = this.massScale[e];
    const saved: [number, number, number, number][] = [];
    if (mu !== null) {
      m.opt.enableflags = m.opt.enableflags | ENBL_OVERRIDE;
      const of = m.opt.o_friction;
      of[0] = mu;
      of[1] = mu;
      of[2] = 0.005;
      of[3] = 1e-4;
      of[4] = 1e-4;
    }
    for (const [b, s] of scales) {
      const id = this.bodyId[b];
      const bi = m.body_inertia;
      saved.push([m.body_mass[id], bi[id * 3], bi[id * 3 + 1], bi[id * 3 + 2]]);
      m.body_mass[id] *= s;
      bi[id * 3] *= s;
      bi[id * 3 + 1] *= s;
      bi[id * 3 + 2] *= s;
    }
    try {
      f();
    } finally {
      if (mu !== null) m.opt.enableflags = m.opt.enableflags & ~ENBL_OVERRIDE;
      let k = 0;
      for (const [b] of scales) {
        const id = this.bodyId[b],
          v = saved[k++];
        m.body_mass[id] = v[0];
        const bi = m.body_inertia;
        bi[id * 3] = v[1];
        bi[id * 3 + 1] = v[2];
        bi[id * 3 + 2] = v[3];
      }
    }
  }

  /**
   * Views on env e's MjData arrays, made on first use and again after the WASM heap grew (growth detaches the old
   * buffer: its views read length 0). MjData arrays themselves never move.
   */
  private viewsOf(e: number): DataViews {
    let v = this.views[e];
    if (!v || v.xpos.length === 0) {
      const d = typedData(this.data[e]);
      v = {
        xpos: d.xpos,
        xquat: d.xquat,
        cvel: d.cvel,
        scom: d.subtree_com,
        qpos: d.qpos,
        qvel: d.qvel,
        ctrl: d.ctrl,
        qfrc: d.qfrc_applied,
        cfrc: d.cfrc_ext,
        xfrc: d.xfrc_applied,
        actForce: d.actuator_force,
      };
      this.views[e] = v;
    }
    return v;
  }

  /** `more`: another step follows before `state` is read: contact forces and actuator torques are left unread */
  step(more = false): void {
    const { mj, m } = this;
    const { nj } = this.state;
    for (let e = 0; e < this.options.n; e++) {
      const d = this.data[e];
      const { qfrc, ctrl } = this.viewsOf(e);
      if (!this.gains.uniform) this.writeGains(e);
      for (let j = 0; j < nj; j++) {
        const i = e * nj + j,
          a = this.act[j];
        if (a >= 0) {
          ctrl[a] = this.gains.target[i];
          continue;
        }
        if (this.model.joints[j].ball) continue; // below (issue 16)
        const tau = this.gains.torque(i, this.state.jointPos[i], this.state.jointVel[i]);
        this.state.jointTorque[i] = tau;
        qfrc[this.dadr[j]] = tau;
      }
      this.ballPd(e, qfrc);
      this.writePushes(e);
      const advance = () => {
        mj.mj_step2(m, d);
        if (!more) mj.mj_rnePostConstraint(m, d); // cfrc_ext, read by readContacts only
        if (!more) this.readContacts(e);
        mj.mj_step1(m, d);
      };
      // per-env overrides (friction, mass scale) are swapped in around the step; without any, no swap
      if (this.friction[e] === null && this.massScale[e].size === 0) advance();
      else this.withEnv(e, advance);
      this.read(e);
      this.objs?.read(e, d); // objects
    }
    checkExplosion(this.model, this.state, 'MuJoCo');
  }

  private writePushes(e: number): void {
    const d = typedData(this.data[e]);
    if (this.pushes.of(e).length === 0) return;
    const x = d.xfrc_applied,
      xpos = d.xpos,
      xipos = d.xipos;
    x.fill(0);
    for (const p of this.pushes.of(e)) {
      const id = this.bodyId[p.body],
        k = id * 6;
      if (p.force) {
        const pt = p.point ?? [xpos[id * 3], xpos[id * 3 + 1], xpos[id * 3 + 2]];
        const r = [pt[0] - xipos[id * 3], pt[1] - xipos[id * 3 + 1], pt[2] - xipos[id * 3 + 2]];
        const fo = p.force;
        x[k] += fo[0];
        x[k + 1] += fo[1];
        x[k + 2] += fo[2];
        x[k + 3] += r[1] * fo[2] - r[2] * fo[1];
        x[k + 4] += r[2] * fo[0] - r[0] * fo[2];
        x[k + 5] += r[0] * fo[1] - r[1] * fo[0];
      }
      if (p.torque) {
        x[k + 3] += p.torque[0];
        x[k + 4] += p.torque[1];
        x[k + 5] += p.torque[2];
      }
    }
  }

  private readContacts(e: number): void {
    const s = this.state,
      nb = s.nb,
      nj = s.nj;
    const { cfrc: cf, xfrc: xf, actForce: af } = this.viewsOf(e);
    for (let j = 0; j < nj; j++) if (this.act[j] >= 0) s.jointTorque[e * nj + j] = af[this.act[j]];
    for (let b = 0; b < nb; b++) {
      const id = this.bodyId[b],
        k = (e * nb + b) * 3;
      for (let c = 0; c < 3; c++) s.contactForce[k + c] = cf[id * 6 + 3 + c] - xf[id * 6 + c];
    }
  }

  private read(e: number): void {
    const s = this.state,
      { nb, nj } = s;
    const { xpos, xquat, cvel, scom, qpos, qvel } = this.viewsOf(e);
    const rootM = typedModel(this.m).body_rootid;
    const rootOf = (this.rootOf ??= this.bodyId.map((id) => rootM[id]));
    for (let b = 0; b < nb; b++) {
      const id = this.bodyId[b],
        k3 = (e * nb + b) * 3,
        k4 = (e * nb + b) * 4;
      const r = rootOf[b];
      for (let c = 0; c < 3; c++) s.bodyPos[k3 + c] = xpos[id * 3 + c];
      for (let c = 0; c < 4; c++) s.bodyQuat[k4 + c] = xquat[id * 4 + c];
      const wx = cvel[id * 6],
        wy = cvel[id * 6 + 1],
        wz = cvel[id * 6 + 2];
      // cvel is [w; v] at subtree_com of the root body; v_origin = v + w x (xpos - subtree_com)
      const dx = xpos[id * 3] - scom[r * 3],
        dy = xpos[id * 3 + 1] - scom[r * 3 + 1],
        dz = xpos[id * 3 + 2] - scom[r * 3 + 2];
      s.bodyAngVel[k3] = wx;
      s.bodyAngVel[k3 + 1] = wy;
      s.bodyAngVel[k3 + 2] = wz;
      s.bodyLinVel[k3] = cvel[id * 6 + 3] + wy * dz - wz * dy;
      s.bodyLinVel[k3 + 1] = cvel[id * 6 + 4] + wz * dx - wx * dz;
      s.bodyLinVel[k3 + 2] = cvel[id * 6 + 5] + wx * dy - wy * dx;
    }
    copyRootState(s, e);
    for (let j = 0; j < nj; j++) {
      s.jointPos[e * nj + j] = qpos[this.qadr[j]];
      s.jointVel[e * nj + j] = qvel[this.dadr[j]];
    }
    readBalls(this.balls, s, e, this.ballPrev); // ball coordinates from the body rotations (issue 16)
  }

  /**
   * Ball joints' PD (issue 16): the spring part kp (q* - q) of the Euler coordinates as a world torque, given as
   * qfrc in the child frame; the damping kd as the ball dofs' own damping, which implicitfast integrates implicitly
   * (explicit kd went unstable on a 2-link pendulum at kd = 1, dt = 5 ms). Rapier's law damps the Euler rates;
   * near rest the two agree and the held pose does not depend on the damping.
   */
  private ballPd(e: number, qfrc: Float64Array): void {
    const s = this.state;
    for (const g of this.balls) {
      const t = ballTorque(g, s, e, (i, q) => this.gains.torque(i, q, 0));
      const k = (e * s.nb + g.body) * 4;
      const local = qRotate([s.bodyQuat[k], -s.bodyQuat[k + 1], -s.bodyQuat[k + 2], -s.bodyQuat[k + 3]], t);
      const d = this.dadr[g.joints[0]];
      for (let c = 0; c < 3; c++) qfrc[d + c] = local[c];
    }
  }

  reset(env: number, st: EnvState): void {
    const d = this.data[env];
    this.mj.mj_resetData(this.m, d);
    const dt = typedData(d),
      qpos = dt.qpos,
      qvel = dt.qvel;
    if (this.freeJoint) {
      const { q, v } = this.freeJoint;
      for (let c = 0; c < 3; c++) qpos[q + c] = st.rootPos[c];
      const n = Math.hypot(st.rootQuat[0], st.rootQuat[1], st.rootQuat[2], st.rootQuat[3]);
      for (let c = 0; c < 4; c++) qpos[q + 3 + c] = st.rootQuat[c] / n;
      const lv = st.rootLinVel ?? [0, 0, 0],
        av = st.rootAngVel ?? [0, 0, 0];
      // free joint: linear velocity in world, angular velocity in the body frame
      const R = qToMat(qpos.subarray(q + 3, q + 7));
      for (let c = 0; c < 3; c++) {
        qvel[v + c] = lv[c];
        qvel[v + 3 + c] = R[c] * av[0] + R[3 + c] * av[1] + R[6 + c] * av[2];
      }
    }
    this.model.joints.forEach((_, j) => {
      qpos[this.qadr[j]] = st.jointPos[j];
      qvel[this.dadr[j]] = st.jointVel ? st.jointVel[j] : 0;
    });
    for (let j = 0; j < this.state.nj; j++) this.ballPrev[env * this.state.nj + j] = st.jointPos[j];
    for (const g of this.balls) {
      // native ball: quaternion qpos and child-frame angular velocity from the Euler coordinates (issue 16)
      const th = g.joints.map((j) => st.jointPos[j]),
        rate = g.joints.map((j) => (st.jointVel ? st.jointVel[j] : 0));
      const { quat, vel } = ballQposQvel(g, th, rate);
      for (let c = 0; c < 4; c++) qpos[this.qadr[g.joints[0]] + c] = quat[c];
      for (let c = 0; c < 3; c++) qvel[this.dadr[g.joints[0]] + c] = vel[c];
    }
    this.pushes.clear(env);
    dt.xfrc_applied.fill(0);
    dt.qfrc_applied.fill(0);
    this.objs?.write(d); // objects: back to their start pose
    this.withEnv(env, () => this.mj.mj_forward(this.m, d));
    this.read(env);
    this.objs?.read(env, d);
    const { nj, nb } = this.state;
    this.state.jointTorque.fill(0, env * nj, (env + 1) * nj);
    this.state.contactForce.fill(0, env * nb * 3, (env + 1) * nb * 3);
  }

  get objects(): ObjectState | undefined {
    return this.objs?.state;
  }

  resetObject(env: number, k: number, pose: ObjectPose): void {
    if (!this.objs) return;
    const d = this.data[env];
    this.objs.write(d, k, pose);
    this.withEnv(env, () => this.mj.mj_forward(this.m, d));
    this.objs.read(env, d);
  }

  override clearForces(env: number): void {
    super.clearForces(env);
    typedData(this.data[env]).xfrc_applied.fill(0);
  }

  setFriction(env: number, mu: number): void {
    this.friction[env] = mu;
  }

  setBodyMassScale(env: number, body: number, scale: number): void {
    if (scale === 1) this.massScale[env].delete(body);
    else this.massScale[env].set(body, scale);
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    for (const d of this.data) d.delete();
    this.m.delete();
  }
}

/** The MjData arrays read or written every step. */
interface DataViews {
  xpos: Float64Array;
  xquat: Float64Array;
  cvel: Float64Array;
  scom: Float64Array;
  qpos: Float64Array;
  qvel: Float64Array;
  ctrl: Float64Array;
  qfrc: Float64Array;
  cfrc: Float64Array;
  xfrc: Float64Array;
  actForce: Float64Array;
}

export async function createMujocoEngine(
  model: RobotModel,
  options?: Partial<PhysicsOptions>,
  source?: MujocoSource,
): Promise<PhysicsEngine> {
  const mj = await loadMujoco();
  const o = resolveOptions(model, options);
  // Only an MJCF robot is loaded as is. A URDF (even one carrying a <mujoco> compiler hint, like the G1's)
  // would be compiled by MuJoCo's own URDF importer, which fuses the root link into the world and drops the
  // floating base: "pelvis: not found". URDF robots run from the RobotModel (toMjcf) instead.
  const asIs = source && model.source.format === 'mjcf' && isMjcfText(source.xml) ? source : undefined;
  const prepared = asIs ? asIsForRun(asIs.xml, model.source.file, model, o) : null; // floor, servos, options said
  let xml = prepared ? prepared.xml : toMjcf(model, o);
  if (o.fixedRoot) xml = pinRoot(xml);
  if (o.objects?.length) xml = injectObjects(xml, o.objects, o.dt, !!asIs); // objects
  // terrain (issue 16): the options' terrain, and the MJCF's own heightfields when the model is generated
  // (an MJCF loaded as is already holds them: not added twice)
  const specs = [o.terrain, ...(asIs ? [] : (model.heightfields ?? []))];
  const terrains = specs.map((s) => terrainOf(s, model.source.file)).filter((g) => g !== null);
  terrains.forEach((g, i) => (xml = addTerrainMjcf(xml, g, o.friction, model.source.file, i ? `terrain${i}` : 'terrain')));
  const files = asIs ? filesForMujoco(asIs.xml, asIs.files ?? {}, model.source.file) : {}; // keyed where MuJoCo opens them
  const { model: m, notes } = compileMjcfCached(mj, xml, files, model.source.file);
  const engine = new MujocoEngine(mj, m, model, o, !!asIs);
  engine.adjustments.push(...notes, ...(prepared?.notes ?? []));
  for (const g of terrains)
    engine.adjustments.push(
      `terrain ${g.label}: ${g.boxes.length} box geoms${g.hfield ? `, hfield ${g.hfield.nrow}×${g.hfield.ncol}` : ''}`,
    );
  if (asIs && model.heightfields?.length)
    engine.adjustments.push(`${model.heightfields.length} heightfield(s) of the MJCF used as written`);
  if (source && !asIs) engine.adjustments.push('the robot file is not MJCF (URDF): the MuJoCo model is generated from the RobotModel');
  return engine;
}

/** The document's root element is <mujoco> (comments, declarations and a BOM skipped). */
export function isMjcfText(xml: string): boolean {
  const body = xml.replace(/^\uFEFF/, '').replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>/g, '');
  return /^\s*<mujoco\b/.test(body);
}
