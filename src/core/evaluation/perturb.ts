/**
 * Perturbations applied during an episode: an action delay line (PD targets reach the joints `d` physics
 * steps after the policy produced them), scheduled pushes, observation noise, per-env friction and mass.
 */
import { fail } from '../errors';
import type { PhysicsEngine } from '../physics/types';
import { gauss, type EpisodePerturbation } from './scenario';
import { rng } from '../math';

/** Holds published PD targets and releases each env's after its own delay (in physics steps). */
export class DelayLine {
  private readonly ring: Float32Array[];
  private readonly at: number[];
  private count = 0;
  private readonly out: Float32Array;
  readonly maxDelay: number;

  constructor(
    private readonly engine: PhysicsEngine,
    private readonly delays: number[],
    decimation: number,
  ) {
    const nj = engine.state.nj;
    this.maxDelay = Math.max(0, ...delays);
    const size = Math.ceil(this.maxDelay / Math.max(1, decimation)) + 2;
    this.ring = Array.from({ length: size }, () => new Float32Array(engine.state.n * nj));
    this.at = new Array<number>(size).fill(-Infinity);
    this.out = new Float32Array(engine.state.n * nj);
  }

  /** Targets published at physics step `step` (a second publish at the same step replaces the first). */
  publish(targets: ArrayLike<number>, step: number): void {
    if (this.maxDelay === 0) {
      this.engine.setTargets(targets);
      return;
    }
    const last = (this.count - 1 + this.ring.length) % this.ring.length;
    const slot = this.count > 0 && this.at[last] === step ? last : this.count++ % this.ring.length;
    this.ring[slot].set(targets);
    this.at[slot] = step;
  }

  /** Before physics step `step`: each env gets the newest targets published at or before step − delay. */
  apply(step: number): void {
    if (this.maxDelay === 0) return;
    const nj = this.engine.state.nj,
      R = this.ring.length;
    for (let e = 0; e < this.delays.length; e++) {
      let best = -1,
        bestAt = -Infinity,
        oldest = -1,
        oldestAt = Infinity;
      for (let s = 0; s < R; s++) {
        const t = this.at[s];
        if (t === -Infinity) continue;
        if (t <= step - this.delays[e] && t > bestAt) {
          best = s;
          bestAt = t;
        }
        if (t < oldestAt) {
          oldest = s;
          oldestAt = t;
        }
      }
      const src = this.ring[best >= 0 ? best : oldest];
      if (src) this.out.set(src.subarray(e * nj, (e + 1) * nj), e * nj);
    }
    this.engine.setTargets(this.out);
  }
}

/** An engine view whose setTargets goes through a delay line; everything else is the engine itself. */
export function delayedEngine(engine: PhysicsEngine, line: Pick<DelayLine, 'publish'>, physicsStep: () => number): PhysicsEngine {
  return {
    name: engine.name,
    model: engine.model,
    options: engine.options,
    state: engine.state,
    adjustments: engine.adjustments,
    setGains: (kp, kd, eff) => engine.setGains(kp, kd, eff),
    setTargets: (t) => line.publish(t, physicsStep()),
    step: (more) => engine.step(more),
    reset: (e, s) => engine.reset(e, s),
    applyForce: (e, b, f, p) => engine.applyForce(e, b, f, p),
    applyTorque: (e, b, t) => engine.applyTorque(e, b, t),
    clearForces: (e) => engine.clearForces(e),
    free: () => engine.free(),
  };
}

/** Applies each env's scheduled pushes (persistent forces set and cleared at the right physics steps). */
export class PushSchedule {
  private readonly active: number[];
  private readonly bodies: number[][];

  constructor(
    private readonly engine: PhysicsEngine,
    private readonly pert: EpisodePerturbation[],
    private readonly dt: number,
  ) {
    this.active = pert.map(() => -1);
    this.bodies = pert.map((p) =>
      p.pushes.map((q) => engine.model.bodyIndex.get(q.body) ?? fail('ParseError', '<scenario>', 'pushes', `unknown body ${q.body}`)),
    );
  }

  /**
   * Before physics step `step`; envs with alive[e] false get no pushes. `reapply`: forces were cleared by
   * someone else this step (an assistive wrench), so set the active push again without clearing.
   */
  apply(step: number, alive: ArrayLike<boolean | number>, reapply = false): void {
    const t = (step + 0.5) * this.dt;
    for (let e = 0; e < this.pert.length; e++) {
      const ps = this.pert[e].pushes;
      if (!ps.length) continue;
      let k = -1;
      if (alive[e]) for (let i = 0; i < ps.length; i++) if (t >= ps[i].start_s && t < ps[i].start_s + ps[i].duration_s) k = i;
      if (reapply) {
        if (k >= 0) this.engine.applyForce(e, this.bodies[e][k], ps[k].force);
        this.active[e] = k;
        continue;
      }
      if (k === this.active[e]) continue;
      this.engine.clearForces(e);
      if (k >= 0) this.engine.applyForce(e, this.bodies[e][k], ps[k].force);
      this.active[e] = k;
    }
  }

  /** Forget the active push of env e (after a reset cleared its forces). */
  cleared(e: number): void {
    this.active[e] = -1;
  }
}

/** Friction and mass perturbations (engines that lack the hooks refuse scenarios that need them). */
export function applyPhysicalPerturbations(engine: PhysicsEngine, pert: EpisodePerturbation[]): void {
  pert.forEach((p, e) => {
    if (p.friction !== 1) {
      if (!engine.setFriction) fail('SimulationError', engine.name, 'setFriction', 'this engine cannot change ground friction per env');
      engine.setFriction!(e, engine.options.friction * p.friction);
    }
    for (const m of p.mass) {
      if (m.scale === 1) continue;
      if (!engine.setBodyMassScale)
        fail('SimulationError', engine.name, 'setBodyMassScale', 'this engine cannot scale link masses per env');
      engine.setBodyMassScale!(e, engine.model.bodyIndex.get(m.body)!, m.scale);
    }
  });
}

/** Per-env Gaussian observation noise per layout entry (by layout term name or canonical name) or global, in the
 *  term's own units: applied by the observation builder before clip and scale, so it stays in the history. */
export class ObsNoise {
  private readonly gens: ((() => number) | null)[];
  /** std per env per layout entry */
  private readonly std: Float64Array[];

  constructor(pert: EpisodePerturbation[], entries: { term: { name: string }; layoutName?: string }[]) {
    this.gens = pert.map((p) =>
      p.obs_noise === 0 || (typeof p.obs_noise === 'object' && !Object.keys(p.obs_noise).length) ? null : rng(p.noise_seed),
    );
    this.std = pert.map((p) =>
      Float64Array.from(entries, (r) =>
        typeof p.obs_noise === 'number' ? p.obs_noise : (p.obs_noise[r.layoutName ?? r.term.name] ?? p.obs_noise[r.term.name] ?? 0),
      ),
    );
  }

  /** Add noise to the raw value of layout entry t for env e (the builder's noise hook). */
  add(e: number, t: number, value: Float32Array, dim: number): void {
    const g = this.gens[e],
      s = this.std[e]?.[t] ?? 0;
    if (!g || !(s > 0)) return;
    for (let i = 0; i < dim; i++) value[i] += s * gauss(g);
  }

  get any(): boolean {
    return this.gens.some((g) => g !== null);
  }
}
