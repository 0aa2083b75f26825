/**
 * Blending policies: several skills (skills.ts) drive one robot at once, each on the real state; the PD
 * targets and gains are mixed per joint with weights that change smoothly (rate-limited toward the asked
 * weights). Body-part masks come from the robot's body TREE and its zero-pose geometry, never from names:
 * legs = the chains from the two lowest leaf bodies (one each side) up to their common ancestor; arms = the
 * chains from the two most lateral remaining leaves up to theirs; torso = every other joint.
 */
import { fail } from '../errors';
import { forwardKinematics } from '../model/fk';
import type { RobotModel } from '../model/types';
import { controlStep } from '../physics/control';
import type { PhysicsEngine } from '../physics/types';
import { fallCheck, type Fall } from './locomotion';
import { checkRates, mix, type Skill } from './skills';

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

export async function runBlend(o: BlendOptions): Promise<BlendResult> {
  const { engine, skills, weights } = o;
  checkRates(skills, 'blend');
  const dt = skills[0].stepDt,
    dec = skills[0].decimation,
    nj = skills[0].targets.length,
    s = engine.state;
  const anchor = o.anchor ?? skills.find((x) => x.controller)?.controller!.ctx.anchorBody ?? 0;
  const first = skills.find((x) => x.controller);
  if (first) await first.controller!.reset();
  for (const x of skills) if (x !== first) await x.join();
  const startZ = s.bodyPos[anchor * 3 + 2];
  const out = { targets: new Float32Array(nj), kp: [] as number[], kd: [] as number[], effort: [] as number[] };
  const errSum = skills.map(() => 0),
    errN = skills.map(() => 0);
  const n = Math.round(o.seconds / dt);
  let k = 0,
    fall: Fall | null = null;
  for (; k < n && !fall; k++) {
    o.onStep?.(k * dt);
    weights.step(dt);
    for (const x of skills) await x.act();
    mix(skills, weights.current, out);
    engine.setGains(out.kp, out.kd, out.effort);
    engine.setTargets(out.targets);
    controlStep(engine, dec);
    for (const x of skills) x.advance();
    if (k * dt >= 1) {
      skills.forEach((x, i) => {
        for (let j = 0; j < nj; j++)
          if (x.drives[j] && weights.current[i][j] >= 0.5) {
            errSum[i] += Math.abs(s.jointPos[j] - x.targets[j]);
            errN[i]++;
          }
      });
    }
    fall = fallCheck(s, 0, anchor, startZ, (k + 1) * dt);
  }
  return {
    survived_s: k * dt,
    seconds: o.seconds,
    fall,
    control_steps: k,
    tracking_err_rad: Object.fromEntries(skills.map((x, i) => [x.name, errN[i] ? errSum[i] / errN[i] : null])),
  };
}
