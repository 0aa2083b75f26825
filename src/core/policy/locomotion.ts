/**
 * A headless locomotion episode: a velocity-command policy steered by a command track on Rapier or MuJoCo.
 * No clip: the reference is the commanded motion (commands.ts commandedClip), the robot starts standing in
 * the policy's default pose ('default-pose'), and the only termination is a fall (fallCheck). Reports the
 * planar velocity error (body yaw frame, after the first second) and the yaw-rate error against the
 * clamped command, and every clamp.
 */
import type { RobotModel } from '../model/types';
import { ReferenceTrack } from '../motion/reference';
import { controlStep } from '../physics/control';
import { createMujocoEngine, createRapierEngine, type MujocoSource } from '../physics/index';
import type { BatchState, PhysicsEngine } from '../physics/types';
import { loadPolicyConfig } from '../evaluation/setup';
import type { PolicyConfig } from './config';
import { CommandSource, commandedClip, type ClampReport, type CommandTrack } from './commands';
import { PolicyController } from './controller';
import { ARMATURE_NOTE, policyArmature } from './gains';
import { PolicySession } from './session';

export type EngineName = 'rapier' | 'mujoco';

/** Fall thresholds: anchor below `heightFrac` of its start height, or tilted past `tiltRad`. */
export const FALL = { heightFrac: 0.6, tiltRad: 1.0 };

export interface Fall {
  t: number;
  reason: 'anchor_height' | 'tilt';
  value: number;
}

/** A fall of env e: its anchor's height against the start height, its tilt from upright. */
export function fallCheck(s: BatchState, e: number, anchor: number, startZ: number, t: number): Fall | null {
  const i = e * s.nb + anchor,
    z = s.bodyPos[i * 3 + 2];
  if (z < FALL.heightFrac * startZ) return { t, reason: 'anchor_height', value: z };
  const x = s.bodyQuat[i * 4 + 1],
    y = s.bodyQuat[i * 4 + 2];
  const tilt = Math.acos(Math.min(1, Math.max(-1, 1 - 2 * (x * x + y * y))));
  return tilt > FALL.tiltRad ? { t, reason: 'tilt', value: tilt } : null;
}

/** Root velocity of env e in its yaw frame: [forward, left, yaw rate]. */
export function baseVelocity(s: BatchState, e: number): [number, number, number] {
  const q = s.rootQuat.subarray(e * 4, e * 4 + 4),
    v = s.rootLinVel.subarray(e * 3, e * 3 + 3);
  const yaw = Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]));
  const c = Math.cos(yaw),
    sn = Math.sin(yaw);
  return [c * v[0] + sn * v[1], -sn * v[0] + c * v[1], s.rootAngVel[e * 3 + 2]];
}

export async function makeEngine(
  model: RobotModel,
  engine: EngineName,
  cfg: PolicyConfig,
  adjustments: string[],
  source?: MujocoSource,
): Promise<PhysicsEngine> {
  const physics: { dt: number; armature?: number[] } = { dt: cfg.physicsDt };
  const a = policyArmature(model, cfg);
  if (a) {
    physics.armature = a;
    adjustments.push(ARMATURE_NOTE);
  }
  return engine === 'rapier' ? createRapierEngine(model, { pd: 'motor', ...physics }) : createMujocoEngine(model, physics, source);
}

export interface LocomotionOptions {
  model: RobotModel;
  modelSource?: MujocoSource;
  engine: EngineName;
  policy: { bytes: Uint8Array; file: string };
  config?: PolicyConfig;
  commands: CommandTrack;
  seconds: number;
  onStep?: (t: number, ctl: PolicyController) => void;
}

export interface LocomotionResult {
  engine: EngineName;
  policy: string;
  seconds: number;
  survived_s: number;
  fall: Fall | null;
  /** mean |v_planar − v_cmd| after the first second, m/s (null: shorter than 1 s) */
  cmd_vel_err_m_s: number | null;
  yaw_rate_err_rad_s: number | null;
  /** root position and yaw at the end */
  end: { x: number; y: number; yaw: number };
  command_clamps: number;
  clamps: ClampReport[];
  command_ranges: PolicyConfig['commandRanges'] | null;
  adjustments: string[];
  control_steps: number;
}

/** Velocity-error accumulator (after `after` seconds). */
export class VelocityError {
  private sv = 0;
  private sw = 0;
  private k = 0;
  constructor(readonly after = 1) {}
  add(t: number, cmd: ArrayLike<number>, v: [number, number, number]): void {
    if (t < this.after) return;
    this.sv += Math.hypot(v[0] - cmd[0], v[1] - cmd[1]);
    this.sw += Math.abs(v[2] - cmd[2]);
    this.k++;
  }
  get vel(): number | null {
    return this.k ? this.sv / this.k : null;
  }
  get yaw(): number | null {
    return this.k ? this.sw / this.k : null;
  }
}

export async function runLocomotion(o: LocomotionOptions): Promise<LocomotionResult> {
  const cfg = o.config ?? loadPolicyConfig(o.policy, o.model);
  const adjustments: string[] = [];
  const engine = await makeEngine(o.model, o.engine, cfg, adjustments, o.modelSource);
  const session = await PolicySession.create(o.policy.bytes, cfg, { file: o.policy.file });
  try {
    const commands = new CommandSource(o.commands, cfg.commandRanges ?? null);
    const track = new ReferenceTrack(o.model, commandedClip(o.model, cfg, commands, o.seconds + 1), cfg.stepDt);
    const ctl = new PolicyController({
      model: o.model,
      engine,
      config: cfg,
      session,
      track,
      start: 'default-pose',
      file: o.policy.file,
      commands,
    });
    await ctl.reset();
    const anchor = ctl.ctx.anchorBody,
      s = engine.state,
      startZ = s.bodyPos[anchor * 3 + 2];
    const err = new VelocityError();
    const steps = Math.round(o.seconds / cfg.stepDt);
    let fall: Fall | null = null,
      k = 0;
    for (; k < steps && !fall; k++) {
      await ctl.act();
      o.onStep?.(k * cfg.stepDt, ctl);
      controlStep(engine, cfg.decimation);
      ctl.advance();
      const t = (k + 1) * cfg.stepDt;
      err.add(t, ctl.ctx.command.subarray(0, 3), baseVelocity(s, 0));
      fall = fallCheck(s, 0, anchor, startZ, t);
    }
    const q = s.rootQuat;
    return {
      engine: o.engine,
      policy: o.policy.file,
      seconds: o.seconds,
      survived_s: k * cfg.stepDt,
      fall,
      cmd_vel_err_m_s: err.vel,
      yaw_rate_err_rad_s: err.yaw,
      end: { x: s.rootPos[0], y: s.rootPos[1], yaw: Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3])) },
      command_clamps: commands.clampCount,
      clamps: commands.clamps,
      command_ranges: cfg.commandRanges ?? null,
      adjustments: [...adjustments, ...engine.adjustments],
      control_steps: k,
    };
  } finally {
    await session.release();
    engine.free();
  }
}
