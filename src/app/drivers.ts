/**
 * The three drivers of the robot: kinematic replay of the reference, the built-in controller (PD on the
 * reference joint angles + an optional assistive wrench on the pelvis), an ONNX policy. A driver runs one
 * control step: it reads the reference at step s and advances the physics by one control period.
 */
import type { PhysicsEngine } from '../core/physics/types';
import type { DriverKind } from '../core/motion/timeline';
import type { LiveReference } from './live-reference';
import type { ReferenceTrack } from '../core/motion/reference';
import { BuiltinController } from '../core/policy/builtin';
import { PolicyController } from '../core/policy/controller';
import { PolicySession } from '../core/policy/session';
import type { PolicyConfig } from '../core/policy/config';
import { controlStep } from '../core/physics/control';

export interface Driver {
  readonly kind: DriverKind;
  /** last control step's inference time, ms (policy) */
  latencyMs: number;
  /** one control step at reference step s */
  step(s: number): Promise<void> | void;
  /** put the robot on the reference at step s (start, scrub, loop, fallen) */
  reset(s: number): void;
  dispose(): void;
}

export function resetOnReference(engine: PhysicsEngine, ref: LiveReference, s: number): void {
  const f = ref.frame(s);
  engine.reset(0, { rootPos: f.rootPos, rootQuat: f.rootQuat, rootLinVel: f.rootLinVel, rootAngVel: f.rootAngVel, jointPos: f.jointPos, jointVel: f.jointVel });
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
  constructor(private readonly engine: PhysicsEngine, ref: LiveReference, private readonly decimation: number, assist: number) {
    this.ctrl = new BuiltinController({ model: engine.model, engine, track: ref as unknown as ReferenceTrack, assist, decimation });
  }
  set assist(v: number) { this.ctrl.assist = Math.min(1, Math.max(0, v)); }
  step(s: number): void {
    this.ctrl.refStep[0] = s;
    this.ctrl.act(); // PD targets = reference joint angles
    for (let k = 0; k < this.decimation; k++) {
      this.ctrl.applyAssist(); // clears forces, then the assist wrench from the current state
      this.push?.(this.engine);
      this.engine.step();
    }
  }
  reset(s: number): void { this.ctrl.reset(0, s); }
  dispose(): void { this.engine.clearForces(0); }
}

/** An ONNX policy (core PolicyController) tracking the live reference. */
export class PolicyDriver implements Driver {
  readonly kind = 'policy' as const;
  latencyMs = 0;
  push: ((engine: PhysicsEngine) => void) | null = null;
  constructor(private readonly engine: PhysicsEngine, readonly ctrl: PolicyController) {}
  static async create(engine: PhysicsEngine, ref: LiveReference, config: PolicyConfig, bytes: Uint8Array, file: string): Promise<PolicyDriver> {
    const session = await PolicySession.create(bytes, config, { file });
    const ctrl = new PolicyController({ model: engine.model, engine, config, session, track: ref as unknown as ReferenceTrack, start: 'reset', file });
    return new PolicyDriver(engine, ctrl);
  }
  async step(s: number): Promise<void> {
    this.ctrl.refStep[0] = s;
    const t0 = performance.now();
    await this.ctrl.act();
    this.latencyMs = performance.now() - t0;
    this.engine.clearForces(0);
    this.push?.(this.engine);
    controlStep(this.engine, this.ctrl.config.decimation);
  }
  reset(s: number): void { void this.ctrl.reset(0, s); }
  dispose(): void { this.engine.clearForces(0); }
}
