/**
 * The blend of policies as one app driver: each layer is a skill on the app's engine — a policy (tracking the
 * layer's clip, or steered by a command) or the layer's clip played by PD — and their PD targets and gains are
 * mixed per joint (core skills.ts mix) with weights per body part (core blend.ts bodyParts: legs / torso / arms
 * from the robot's tree). Weights and masks change live and smoothly (SmoothWeights, 2 per second); every layer
 * must run at one control rate (refused with both rates named).
 */
import type { Driver, OwnReference } from '../drivers';
import { StepQueue } from '../step-queue';
import type { LayerSpec } from '../store';
import type { MotionClip } from '../../core/motion/types';
import type { PhysicsEngine } from '../../core/physics/types';
import { controlStep } from '../../core/physics/control';
import { bodyParts, SmoothWeights, type BodyParts } from '../../core/policy/blend';
import { checkRates, mix, type Skill } from '../../core/policy/skills';
import { buildSkill, pdSkill, type ConfigOf } from './plan';

export const blendUsesPolicies = (layers: LayerSpec[]): boolean => layers.some((l) => !!l.policy);

/** Ask each layer's per-joint weights from its weight and body-part mask. */
function askWeights(w: SmoothWeights, parts: BodyParts, layers: LayerSpec[], now: boolean): void {
  layers.forEach((l, k) => {
    const m = l.mask;
    w.set(k, l.weight * m.legs, parts.legs, now);
    w.set(k, l.weight * m.torso, parts.torso, now);
    w.set(k, l.weight * Math.max(m.leftArm, m.rightArm), parts.arms, now);
  });
}

export class BlendSkillDriver implements Driver {
  readonly kind = 'policy' as const;
  latencyMs = 0;
  push: ((engine: PhysicsEngine) => void) | null = null;
  private readonly out: { targets: Float32Array; kp: number[]; kd: number[]; effort: number[] };
  private readonly parts: BodyParts;
  private disposed = false;
  private readonly queue = new StepQueue();
  private takeOver: boolean;

  constructor(
    private readonly engine: PhysicsEngine,
    readonly skills: Skill[],
    readonly weights: SmoothWeights,
    layers: LayerSpec[],
    takeOver: boolean,
  ) {
    this.parts = bodyParts(engine.model);
    this.out = { targets: new Float32Array(engine.model.joints.length), kp: [], kd: [], effort: [] };
    this.takeOver = takeOver;
    askWeights(weights, this.parts, layers, true);
  }

  /** New weights / masks: the weights move there smoothly. */
  setLayers(layers: LayerSpec[]): void {
    askWeights(this.weights, this.parts, layers, false);
  }

  step(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return this.queue.track(this.run());
  }

  private async run(): Promise<void> {
    await this.queue.ready();
    const dt = this.skills[0].stepDt,
      t0 = performance.now();
    this.weights.step(dt);
    for (const x of this.skills) await x.act();
    if (this.disposed) return;
    this.latencyMs = performance.now() - t0;
    mix(this.skills, this.weights.current, this.out);
    this.engine.setGains(this.out.kp, this.out.kd, this.out.effort);
    this.engine.setTargets(this.out.targets);
    this.engine.clearForces(0);
    this.push?.(this.engine);
    controlStep(this.engine, this.skills[0].decimation);
    for (const x of this.skills) x.advance();
  }

  reset(): void {
    const take = this.takeOver;
    this.takeOver = false;
    this.queue.reset(async () => {
      const first = this.skills.find((x) => x.controller);
      if (first && !take) await first.controller!.reset();
      for (const x of this.skills) if (x !== first || take) await x.join();
    });
  }

  ownReference(): OwnReference | null {
    return null;
  }

  resume(): void {
    this.engine.setGains(this.out.kp, this.out.kd, this.out.effort);
  }

  dispose(): void {
    this.disposed = true;
    this.engine.clearForces(0);
    void this.queue.idle().then(async () => {
      for (const x of this.skills) await x.release().catch(() => undefined);
    });
  }
}

/** The blend driver of these layers (policy layers need one control rate; clips played by PD follow it). */
export async function buildBlendDriver(
  engine: PhysicsEngine,
  layers: LayerSpec[],
  configOf: ConfigOf,
  clipOf: (id: string) => MotionClip,
  takeOver: boolean,
): Promise<BlendSkillDriver> {
  const model = engine.model,
    skills: (Skill | null)[] = layers.map(() => null);
  try {
    for (const [k, l] of layers.entries()) {
      if (!l.policy) continue;
      const p = configOf(l.policy.id);
      const mode = p.cfg.embeddedReference ? 'embedded' : l.policy.commands ? 'command' : 'clip';
      const name = `layer ${k + 1}: ${p.name}`;
      skills[k] = await buildSkill(model, engine, { mode, commands: l.policy.commands }, p, clipOf(l.clipId), 20, name);
    }
    const lead = skills.find((x): x is Skill => x !== null);
    if (!lead) throw new Error('no policy layer in the blend');
    checkRates(
      skills.filter((x): x is Skill => x !== null),
      'blend',
    );
    const all = skills.map((x, k) => x ?? pdSkill(model, clipOf(layers[k].clipId), lead.stepDt, lead.decimation));
    return new BlendSkillDriver(engine, all, new SmoothWeights(all.length, model.joints.length, 2), layers, takeOver);
  } catch (e) {
    for (const x of skills) await x?.release().catch(() => undefined);
    throw e;
  }
}

/** The weights / masks of the layers changed: a blend driver moves there smoothly. */
export function updateBlendWeights(d: Driver, layers: LayerSpec[]): void {
  if (d instanceof BlendSkillDriver && d.skills.length === layers.length) d.setLayers(layers);
}
