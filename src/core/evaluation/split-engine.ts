/**
 * A batch of n envs made of n one-env engines (one Rapier world each), behind the ordinary PhysicsEngine
 * interface: after every step/reset each engine's state is copied into the batch's `state` at its env slot.
 *
 * Why: in one Rapier world the envs never touch (collision groups), yet an env's result still depends on its
 * neighbours in the last float digits and, by chaos, more: the order in which Rapier's narrow phase lists contact
 * pairs (and so the Gauss-Seidel order of an env's own foot contacts) changes when another env's feet make or
 * break contact, and the envs' grid offsets change float32 rounding of world positions. With one world per env an
 * episode's metrics are byte-identical whatever batch it runs in (tests/unit/eval-determinism.test.ts).
 */
import type { BatchState, EnvState, PhysicsEngine, PhysicsOptions } from '../physics/types';
import { createBatchState } from '../physics/types';

const FIELDS = [
  'rootPos',
  'rootQuat',
  'rootLinVel',
  'rootAngVel',
  'jointPos',
  'jointVel',
  'jointTorque',
  'bodyPos',
  'bodyQuat',
  'bodyLinVel',
  'bodyAngVel',
  'contactForce',
] as const;

export class SplitEngine implements PhysicsEngine {
  readonly name: 'rapier' | 'mujoco';
  readonly model: PhysicsEngine['model'];
  readonly options: PhysicsOptions;
  readonly state: BatchState;
  readonly adjustments: string[];

  constructor(private readonly parts: PhysicsEngine[]) {
    const p = parts[0];
    this.name = p.name;
    this.model = p.model;
    this.options = { ...p.options, n: parts.length };
    this.state = createBatchState(parts.length, p.state.nj, p.state.nb);
    this.adjustments = [...p.adjustments, "one physics world per env (an episode's result does not depend on its batch)"];
    for (let e = 0; e < parts.length; e++) this.copy(e);
  }

  /** n one-env engines from `make` (called with n = 1), freed again if one fails */
  static async create(n: number, make: () => Promise<PhysicsEngine>): Promise<SplitEngine> {
    const parts: PhysicsEngine[] = [];
    try {
      for (let e = 0; e < n; e++) parts.push(await make());
      return new SplitEngine(parts);
    } catch (err) {
      for (const p of parts) p.free();
      throw err;
    }
  }

  private copy(e: number): void {
    const src = this.parts[e].state,
      dst = this.state;
    for (const k of FIELDS) {
      const a = src[k];
      dst[k].set(a, e * a.length);
    }
  }

  setGains(kp: ArrayLike<number>, kd: ArrayLike<number>, effortLimit?: ArrayLike<number>): void {
    const nj = this.state.nj;
    const part = (a: ArrayLike<number>, e: number) =>
      a.length === nj ? a : (Array.prototype.slice.call(a, e * nj, (e + 1) * nj) as number[]);
    this.parts.forEach((p, e) => p.setGains(part(kp, e), part(kd, e), effortLimit && part(effortLimit, e)));
  }

  setTargets(targets: ArrayLike<number>): void {
    const nj = this.state.nj;
    const t = targets instanceof Float32Array ? targets : Float32Array.from(targets);
    this.parts.forEach((p, e) => p.setTargets(t.subarray(e * nj, (e + 1) * nj)));
  }

  step(more = false): void {
    this.parts.forEach((p, e) => {
      p.step(more);
      this.copy(e);
    });
  }

  reset(env: number, s: EnvState): void {
    this.parts[env].reset(0, s);
    this.copy(env);
  }

  applyForce(env: number, body: number, force: ArrayLike<number>, point?: ArrayLike<number>): void {
    this.parts[env].applyForce(0, body, force, point);
  }

  applyTorque(env: number, body: number, torque: ArrayLike<number>): void {
    this.parts[env].applyTorque(0, body, torque);
  }

  clearForces(env: number): void {
    this.parts[env].clearForces(0);
  }

  setFriction(env: number, mu: number): void {
    this.parts[env].setFriction?.(0, mu);
  }

  setBodyMassScale(env: number, body: number, scale: number): void {
    this.parts[env].setBodyMassScale?.(0, body, scale);
  }

  free(): void {
    for (const p of this.parts) p.free();
  }
}
