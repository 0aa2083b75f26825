/**
 * The three drivers of the robot: kinematic replay of the reference, the built-in controller (PD on the
 * reference joint angles + an optional assistive wrench on the pelvis), an ONNX policy (the core
 * PolicyController: one control step for the app, the CLI and the tests; gpu-driver.ts gives it a WebGPU
 * observation backend). A driver runs one control step: it reads the reference at step s and advances the
 * physics by one control period.
 */
import { onTerrain } from '../core/physics/terrain-reference';
import type { PhysicsEngine, BatchState } from '../core/physics/types';
import type { DriverKind } from '../core/motion/timeline';
import type { LiveReference } from './live-reference';
import { BuiltinController } from '../core/policy/builtin';
import { PolicyController } from '../core/policy/controller';
import { probeReferenceLength } from '../core/policy/reference-length';
import { PolicySession } from '../core/policy/session';
import type { PolicyConfig } from '../core/policy/config';
import type { StartModeInput } from '../core/policy/start';
import { controlStep } from '../core/physics/control';
import { obsObjectsFor } from './objects-state';
import { StepQueue } from './step-queue';

/** A reference the driver brings itself (a policy with an embedded reference). */
export interface OwnReference {
  /** env 0 of it is the current reference */
  ref: BatchState;
  /** its length in control steps */
  nSteps: number;
}

export interface Driver {
  readonly kind: DriverKind;
  /** last control step's inference time, ms (policy) */
  latencyMs: number;
  /** one control step at reference step s */
  step(s: number): Promise<void> | void;
  /** put the robot on the reference at step s (start, scrub, loop, fallen) */
  reset(s: number): void;
  dispose(): void;
  /** the driver's own reference, when it carries one: the ghost, the metrics and the transport use it */
  ownReference?(): OwnReference | null;
  /** take the robot back (its PD gains) after another driver had it */
  resume?(): void;
}

export function resetOnReference(engine: PhysicsEngine, ref: LiveReference, s: number): void {
  const f = ref.frame(s);
  engine.reset(0, {
    rootPos: f.rootPos,
    rootQuat: f.rootQuat,
    rootLinVel: f.rootLinVel,
    rootAngVel: f.rootAngVel,
    jointPos: f.jointPos,
    jointVel: f.jointVel,
  });
}

/** Replay: the robot IS the reference (no physics). */
export class ReplayDriver implements Driver {
  readonly kind = 'replay' as const;
  latencyMs = 0;
  step(): void {}
  reset(): void {}
  dispose(): void {}
}

/** Built-in controller (core BuiltinController): PD on the reference joint angles + assist wrench. */
export class BuiltinDriver implements Driver {
  readonly kind = 'builtin' as const;
  latencyMs = 0;
  push: ((engine: PhysicsEngine) => void) | null = null;
  readonly ctrl: BuiltinController;
  constructor(
    private readonly engine: PhysicsEngine,
    ref: LiveReference,
    private readonly decimation: number,
    assist: number,
  ) {
    this.ctrl = new BuiltinController({ model: engine.model, engine, track: onTerrain(ref, engine.options.terrain), assist, decimation }); // terrain: issue 16
  }
  set assist(v: number) {
    this.ctrl.assist = Math.min(1, Math.max(0, v));
  }
  step(s: number): void {
    this.ctrl.refStep[0] = s;
    this.ctrl.act(); // PD targets = reference joint angles
    for (let k = 0; k < this.decimation; k++) {
      this.ctrl.applyAssist(); // clears forces, then the assist wrench from the current state
      this.push?.(this.engine);
      this.engine.step();
    }
  }
  reset(s: number): void {
    this.ctrl.reset(0, s);
  }
  resume(): void {
    this.ctrl.applyGains();
  }
  dispose(): void {
    this.engine.clearForces(0);
  }
}

/** What a policy driver is made from: the engine, the live reference, the policy's config and its ONNX file. */
export interface PolicyInputs {
  engine: PhysicsEngine;
  ref: LiveReference;
  config: PolicyConfig;
  bytes: Uint8Array;
  file: string;
}

/**
 * The controller of a policy driver: its session, the live reference as the track (or, for a policy that
 * carries its reference, that reference with its probed length), the 'ground' start.
 */
export async function createPolicyController(
  { engine, ref, config, bytes, file }: PolicyInputs,
  start: StartModeInput = 'ground',
): Promise<PolicyController> {
  const session = await PolicySession.create(bytes, config, { file });
  try {
    const ctrl = new PolicyController({
      model: engine.model,
      engine,
      config,
      session,
      track: config.embeddedReference ? undefined : ref,
      start,
      file,
      objects: obsObjectsFor(engine), // objects
    });
    if (config.embeddedReference) ctrl.setLastStep((await probeReferenceLength(session, config, ctrl.obs.length / ctrl.n, file)).last);
    return ctrl;
  } catch (e) {
    await session.release().catch(() => undefined);
    throw e;
  }
}

/** An ONNX policy (core PolicyController) tracking the live reference, or its own; the backend is the controller's. */
export class PolicyDriverBase implements Driver {
  readonly kind = 'policy' as const;
  latencyMs = 0;
  push: ((engine: PhysicsEngine) => void) | null = null;
  /** control steps run on the GPU observation path (gpu-driver.ts; none here) */
  gpuSteps = 0;
  protected disposed = false;
  /** the step in flight and a reset in progress (an embedded reference is fetched); dispose() waits for both */
  protected readonly queue = new StepQueue();

  constructor(
    protected readonly engine: PhysicsEngine,
    readonly ctrl: PolicyController,
  ) {}

  resume(): void {
    this.ctrl.applyGains();
  }

  /** what builds the observations now */
  get obsOn(): 'cpu' | 'gpu' {
    return 'cpu';
  }

  ownReference(): OwnReference | null {
    return this.ctrl.config.embeddedReference ? { ref: this.ctrl.ctx.ref, nSteps: this.ctrl.nSteps } : null;
  }

  step(s: number): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return this.queue.track(this.run(s));
  }

  /** the policy's part of a control step (the controller's act; the GPU driver adds its fallback) */
  protected act(): Promise<void> {
    return this.ctrl.act();
  }

  private async run(s: number): Promise<void> {
    await this.queue.ready();
    this.ctrl.refStep[0] = s;
    const t0 = performance.now();
    await this.act();
    if (this.disposed) return; // replaced while inferring: the new driver owns the robot now
    this.latencyMs = performance.now() - t0;
    this.engine.clearForces(0);
    this.push?.(this.engine);
    controlStep(this.engine, this.ctrl.config.decimation);
    this.ctrl.advance(); // the gait clock of holosoma walkers moves after each action (refStep is set again next step)
  }

  reset(s: number): void {
    this.queue.reset(() => this.ctrl.reset(0, s));
  }

  dispose(): void {
    this.disposed = true;
    this.engine.clearForces(0);
    void this.queue.idle().then(() => this.release());
  }

  /** free what the driver holds, once nothing is in flight */
  protected release(): void {
    void this.ctrl.session.release().catch(() => undefined);
  }
}

/** The policy driver with CPU observations. */
export class PolicyDriver extends PolicyDriverBase {
  static async create(p: PolicyInputs): Promise<PolicyDriver> {
    return new PolicyDriver(p.engine, await createPolicyController(p));
  }
}
