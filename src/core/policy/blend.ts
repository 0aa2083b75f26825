/**
 * Blending policies: several skills (skills.ts) drive one robot at once, each on the real state; the PD
 * targets and gains are mixed per joint with weights that change smoothly (rate-limited toward the asked
 * weights). Body-part masks come from the robot's body TREE and its zero-pose geometry, never from names:
 * legs = the chains from the two lowest leaf bodies (one each side) up to their common ancestor; arms = the
 * chains from the two most lateral remaining leaves up to theirs; torso = every other joint. Runs in the one
 * episode loop (skills.ts runSkills): a fall ends it.
 */
import { fail } from '../errors';
import { forwardKinematics } from '../model/fk';
import type { RobotModel } from '../model/types';
import type { BatchState, PhysicsEngine } from '../physics/types';
import type { Fall } from '../evaluation/ends';
import type { Scenario } from '../evaluation/scenario';
import { checkRates, mix, mixedFor, runSkills, type Mixed, type Skill, type SkillsDriver } from './skills';

export interface BodyParts {
  legs: number[];
  torso: number[];
  arms: number[];
}

/** Legs, arms and torso joints (model indices) from the tree and the zero pose. */
export function bodyParts(model: RobotModel): BodyParts {
  const nb = model.bodies.length;
  const pos = new Float64Array(nb * 3),
    quat = new Float64Array(nb * 4);
  forwardKinematics(model, [0, 0, 0], [1, 0, 0, 0], new Float64Array(model.joints.length), pos, quat);
  const hasChild = new Uint8Array(nb);
  for (const b of model.bodies) if (b.parent >= 0) hasChild[b.parent] = 1;
  const leaves = model.bodies.filter((b) => !hasChild[b.index] && b.parent >= 0).map((b) => b.index);
  const chain = (b: number): number[] => {
    const c: number[] = [];
    for (let x = b; x >= 0; x = model.bodies[x].parent) c.push(x);
    return c;
  };
  const lca = (a: number, b: number): number => {
    const s = new Set(chain(a));
    return chain(b).find((x) => s.has(x)) ?? 0;
  };
  const upTo = (b: number, stop: number): number[] => chain(b).slice(0, chain(b).indexOf(stop));
  const pick = (cands: number[], key: (b: number) => number, side: 1 | -1) =>
    cands.filter((b) => side * pos[b * 3 + 1] > 1e-3).sort((a, b) => key(a) - key(b))[0];
  const z = (b: number) => pos[b * 3 + 2];
  const lf = pick(leaves, z, 1),
    rf = pick(leaves, z, -1);
  if (lf === undefined || rf === undefined)
    fail('ModelError', model.name, 'bodies', 'no leaf body on each side of the root: cannot find the legs');
  const legBodies = new Set([...upTo(lf, lca(lf, rf)), ...upTo(rf, lca(lf, rf))]);
  const rest = leaves.filter((b) => !legBodies.has(b));
  const lat = (b: number) => -Math.abs(pos[b * 3 + 1]);
  const lh = pick(rest, lat, 1),
    rh = pick(rest, lat, -1);
  const armBodies = new Set(lh !== undefined && rh !== undefined ? [...upTo(lh, lca(lh, rh)), ...upTo(rh, lca(lh, rh))] : []);
  const parts: BodyParts = { legs: [], torso: [], arms: [] };
  for (const j of model.joints) {
    if (j.type === 'free') continue;
    (legBodies.has(j.body) ? parts.legs : armBodies.has(j.body) ? parts.arms : parts.torso).push(j.index);
  }
  return parts;
}

/** Per-skill, per-joint weights that move toward the asked ones at most `ratePerS` per second. */
export class SmoothWeights {
  readonly current: Float32Array[];
  readonly target: Float32Array[];
  constructor(
    nSkills: number,
    nj: number,
    readonly ratePerS = 2,
  ) {
    this.current = Array.from({ length: nSkills }, () => new Float32Array(nj));
    this.target = Array.from({ length: nSkills }, () => new Float32Array(nj));
  }
  /** Ask skill k to weigh `joints` (all when omitted) by w; `now` sets it at once. */
  set(k: number, w: number, joints?: number[], now = false): void {
    const js = joints ?? [...this.target[k].keys()];
    for (const j of js) {
      this.target[k][j] = w;
      if (now) this.current[k][j] = w;
    }
  }
  step(dt: number): void {
    const d = this.ratePerS * dt;
    this.current.forEach((c, k) => {
      for (let j = 0; j < c.length; j++) c[j] += Math.max(-d, Math.min(d, this.target[k][j] - c[j]));
    });
  }
}

export interface BlendOptions {
  engine: PhysicsEngine;
  skills: Skill[];
  weights: SmoothWeights;
  seconds: number;
  anchor?: number;
  /** perturbations (default nominal) and episode indices (default one per env of the engine) */
  scenario?: Scenario;
  episodes?: number[];
  /** called before each control step (change weights here) */
  onStep?: (t: number) => void;
}

export interface BlendResult {
  survived_s: number;
  seconds: number;
  fall: Fall | null;
  /** per skill: mean |q − its target| over the joints it weighs ≥ 0.5 (after the first second), rad; null if none */
  tracking_err_rad: Record<string, number | null>;
  control_steps: number;
}

/** The blended skill as the loop's driver: every skill acts, the weights move, the mix goes to the engine. */
class BlendDriver implements SkillsDriver {
  private k = 0;
  private readonly out: Mixed;
  private readonly first: Skill | undefined;
  readonly errSum: number[];
  readonly errN: number[];

  constructor(
    private readonly o: BlendOptions,
    private readonly engine: PhysicsEngine,
    private readonly steps: number,
  ) {
    this.out = mixedFor(o.skills);
    this.first = o.skills.find((x) => x.controller);
    this.errSum = o.skills.map(() => 0);
    this.errN = o.skills.map(() => 0);
  }

  get ref(): BatchState {
    return (this.first ?? this.o.skills[0]).ref;
  }
  get targets(): Float32Array {
    return this.out.targets;
  }

  /** the first policy starts the episode (default pose), the others join where it stands */
  async reset(e: number): Promise<void> {
    if (this.first) await this.first.controller!.reset(e);
    for (const x of this.o.skills) if (x !== this.first) await x.join(e);
  }

  forget(e: number): void {
    for (const x of this.o.skills) x.controller?.forget(e);
  }

  async act(): Promise<void> {
    const dt = this.o.skills[0].stepDt;
    if (this.k >= this.steps) {
      for (const x of this.o.skills) await x.act(); // the loop's closing act: the references only
      return;
    }
    this.o.onStep?.(this.k * dt);
    this.o.weights.step(dt);
    for (const x of this.o.skills) await x.act();
    mix(this.o.skills, this.o.weights.current, this.out);
    this.engine.setGains(this.out.kp, this.out.kd, this.out.effort);
    this.engine.setTargets(this.out.targets);
  }

  advance(): void {
    for (const x of this.o.skills) x.advance();
    this.k++;
  }

  /** After the first second: each skill's error to its own targets on the joints it weighs ≥ 0.5. */
  observe(k: number, s: BatchState, alive: Uint8Array): void {
    if ((k - 1) * this.o.skills[0].stepDt < 1) return;
    const nj = s.nj,
      w = this.o.weights.current;
    this.o.skills.forEach((x, i) => {
      for (let e = 0; e < alive.length; e++) {
        if (!alive[e]) continue;
        for (let j = 0; j < nj; j++)
          if (x.drives[j] && w[i][j] >= 0.5) {
            this.errSum[i] += Math.abs(s.jointPos[e * nj + j] - x.targets[e * nj + j]);
            this.errN[i]++;
          }
      }
    });
  }
}

export async function runBlend(o: BlendOptions): Promise<BlendResult> {
  checkRates(o.skills, 'blend');
  const steps = Math.round(o.seconds / o.skills[0].stepDt);
  let d: BlendDriver | null = null;
  const { out, fall } = await runSkills({
    engine: o.engine,
    skills: o.skills,
    steps,
    driver: (engine) => (d = new BlendDriver(o, engine, steps)),
    anchor: o.anchor,
    scenario: o.scenario,
    episodes: o.episodes,
    name: 'blend',
  });
  const drv = d!;
  return {
    survived_s: out.survived[0],
    seconds: o.seconds,
    fall,
    control_steps: out.done,
    tracking_err_rad: Object.fromEntries(o.skills.map((x, i) => [x.name, drv.errN[i] ? drv.errSum[i] / drv.errN[i] : null])),
  };
}
