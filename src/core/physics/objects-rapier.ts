/**
 * Free objects in the Rapier world: one dynamic body per object per env, its shapes as colliders with the
 * object's friction and restitution (restitution combine rule Max, so the ground's 0 does not halve it).
 * Collision groups: objects (bit 15) touch the ground, every robot collider and each other. Envs are kept apart
 * by their grid spacing only (groups cannot separate more than 15 envs): with `spacing: 0` an object could
 * touch another env's robot.
 */
import RAPIER from '@dimforge/rapier3d-compat';
import { qRotate, type Vec3 } from '../math';
import type { ObjectSpec } from '../model/objects';
import { comVelocity, createObjectState, startPose, writeObject, type ObjectPose, type ObjectState } from './objects';
import { shapeDesc, type RapierWorld } from './rapier-world';

const OBJ = 0x8000;
const ROBOT = 0x7ffe;
const toR = (q: ArrayLike<number>) => ({ w: q[0], x: q[1], y: q[2], z: q[3] });
const toV = (v: ArrayLike<number>) => ({ x: v[0], y: v[1], z: v[2] });

export class RapierObjects {
  readonly state: ObjectState;
  /** [env][object] */
  private readonly bodies: RAPIER.RigidBody[][] = [];
  /** per env: collider handle → robot body index; object collider handle → object index */
  private readonly robotOf: Map<number, number>[] = [];
  private readonly colliders: RAPIER.Collider[][][] = [];

  constructor(
    private readonly w: RapierWorld,
    private readonly specs: ObjectSpec[],
    nb: number,
  ) {
    this.state = createObjectState(
      w.envs.length,
      specs.map((s) => s.name),
      nb,
    );
    w.envs.forEach((env, e) => {
      const robot = new Map<number, number>();
      env.bodies.forEach((rb, b) => {
        for (let i = 0; i < rb.numColliders(); i++) {
          const c = rb.collider(i);
          const g = c.collisionGroups();
          c.setCollisionGroups((g & 0xffff0000) | (g & 0xffff) | OBJ);
          robot.set(c.handle, b);
        }
      });
      this.robotOf.push(robot);
      this.bodies.push(specs.map((s) => this.createBody(s, env.offset)));
      this.colliders.push(this.bodies[e].map((rb, k) => this.createColliders(specs[k], rb)));
      this.reset(e);
    });
    w.adjustments.push(
      `objects: ${specs.map((s) => s.name).join(', ')} (free bodies; restitution combine Max, friction the object's on the ground; they touch every robot collider the engine builds)`,
    );
  }

  private createBody(s: ObjectSpec, offset: Vec3): RAPIER.RigidBody {
    const desc = RAPIER.RigidBodyDesc.dynamic()
      .setTranslation(s.pos[0] + offset[0], s.pos[1] + offset[1], s.pos[2] + offset[2])
      .setRotation(toR(s.quat))
      .setAdditionalMassProperties(s.mass, toV(s.com), toV(s.inertia.map((x) => Math.max(x, 1e-9))), toR(s.inertiaQuat))
      .setCanSleep(false);
    return this.w.world.createRigidBody(desc);
  }

  private createColliders(s: ObjectSpec, rb: RAPIER.RigidBody): RAPIER.Collider[] {
    const out: RAPIER.Collider[] = [];
    for (const shape of s.shapes) {
      const d = shapeDesc(shape);
      if (!d) continue;
      d.setFriction(shape.friction)
        .setRestitution(s.restitution)
        .setRestitutionCombineRule(RAPIER.CoefficientCombineRule.Max)
        .setCollisionGroups(((OBJ & 0xffff) << 16) | 1 | ROBOT | OBJ);
      out.push(this.w.world.createCollider(d, rb));
    }
    return out;
  }

  /** Put object k of env e (every object when k is omitted) at a pose, default its start pose. */
  reset(e: number, k?: number, pose?: ObjectPose): void {
    const ks = k === undefined ? this.specs.map((_, i) => i) : [k];
    const off = this.w.envs[e].offset;
    for (const i of ks) {
      const p = pose ?? startPose(this.specs[i]);
      const rb = this.bodies[e][i];
      rb.setTranslation({ x: p.pos[0] + off[0], y: p.pos[1] + off[1], z: p.pos[2] + off[2] }, false);
      rb.setRotation(toR(p.quat), false);
      const w = p.angVel ?? [0, 0, 0];
      rb.setLinvel(toV(comVelocity(p.quat, this.specs[i].com, p.linVel ?? [0, 0, 0], w)), false);
      rb.setAngvel(toV(w), false);
    }
    this.read(e);
  }

  /** Refresh env e's object poses, velocities (of the origin) and contact flags. */
  read(e: number): void {
    const s = this.state,
      off = this.w.envs[e].offset;
    this.bodies[e].forEach((rb, k) => {
      const t = rb.translation(),
        r = rb.rotation(),
        v = rb.linvel(),
        a = rb.angvel();
      const q = [r.w, r.x, r.y, r.z];
      const d = qRotate(q, this.specs[k].com);
      const w = [a.x, a.y, a.z];
      // origin velocity: v_o = v_c + w × (o − c)
      const lin = [v.x - (w[1] * d[2] - w[2] * d[1]), v.y - (w[2] * d[0] - w[0] * d[2]), v.z - (w[0] * d[1] - w[1] * d[0])];
      writeObject(s, e, k, { pos: [t.x - off[0], t.y - off[1], t.z - off[2]], quat: q, linVel: lin, angVel: w });
    });
    this.readContacts(e);
  }

  private readContacts(e: number): void {
    const s = this.state,
      { nk, nb } = s,
      world = this.w.world,
      robot = this.robotOf[e];
    s.contact.fill(0, e * nk * nb, (e + 1) * nk * nb);
    this.colliders[e].forEach((cs, k) => {
      for (const c of cs)
        world.contactPairsWith(c, (other) => {
          const b = robot.get(other.handle);
          if (b === undefined) return;
          let touching = false;
          world.contactPair(c, other, (m) => {
            for (let i = 0; i < m.numContacts(); i++) if (m.contactImpulse(i) > 0 || m.contactDist(i) <= 0) touching = true;
          });
          if (touching) s.contact[(e * nk + k) * nb + b] = 1;
        });
    });
  }
}
