/**
 * A headless locomotion episode: a velocity-command policy steered by a command track on Rapier or MuJoCo,
 * run by the one episode loop (evaluation/loop.ts) with a fall as its end rule and the command metrics. No
 * clip: the reference is the commanded motion (commands.ts commandedClip), the robot starts standing in the
 * policy's default pose ('default-pose'). Reports the planar velocity error (body yaw frame, after the first
 * second) and the yaw-rate error against the clamped command, and every clamp. A scenario (pushes, friction,
 * noise...) and several episodes (a batch, env 0 reported) come with the loop.
 */
import type { RobotModel } from '../model/types';
import { ReferenceTrack } from '../motion/reference';
import { createMujocoEngine, createRapierEngine, type MujocoSource } from '../physics/index';
import type { PhysicsEngine } from '../physics/types';
import { loadPolicyConfig } from '../evaluation/setup';
import type { Fall } from '../evaluation/ends';
import { runEpisodes, type EpisodesOutcome } from '../evaluation/loop';
import { nominalScenario, type Scenario } from '../evaluation/scenario';
import type { PolicyConfig } from './config';
import { CommandSource, commandedClip, type ClampReport, type CommandTrack } from './commands';
import type { PolicyController } from './controller';
import { ARMATURE_NOTE, policyArmature } from './gains';

export { baseVelocity, FALL, fallCheck, VelocityError, type Fall } from '../evaluation/ends';

export type EngineName = 'rapier' | 'mujoco';

export async function makeEngine(
  model: RobotModel,
  engine: EngineName,
  cfg: PolicyConfig,
  adjustments: string[],
  source?: MujocoSource,
  n = 1,
): Promise<PhysicsEngine> {
  const physics: { dt: number; n: number; armature?: number[] } = { dt: cfg.physicsDt, n };
  const a = policyArmature(model, cfg);
  if (a) {
    physics.armature = a;
    adjustments.push(ARMATURE_NOTE);
  }
  return engine === 'rapier' ? createRapierEngine(model, physics) : createMujocoEngine(model, physics, source);
}

export interface LocomotionOptions {
  model: RobotModel;
  modelSource?: MujocoSource;
  engine: EngineName;
  policy: { bytes: Uint8Array; file: string };
  config?: PolicyConfig;
  commands: CommandTrack;
  seconds: number;
  /** perturbations (default: nominal) and episode indices, one env each (default [0]; env 0 is reported) */
  scenario?: Scenario;
  episodes?: number[];
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

/** Env 0's fall, from the loop's end of that env. */
function fallOf(o: EpisodesOutcome, end: { k: number; reason: string; value: number } | null, dt: number): Fall | null {
  if (!end || o.termination[0] === null) return null;
  return { t: end.k * dt, reason: end.reason as Fall['reason'], value: end.value };
}

export async function runLocomotion(o: LocomotionOptions): Promise<LocomotionResult> {
  const cfg = o.config ?? loadPolicyConfig(o.policy, o.model);
  const adjustments: string[] = [],
    episodes = o.episodes ?? [0];
  const engine = await makeEngine(o.model, o.engine, cfg, adjustments, o.modelSource, episodes.length);
  try {
    const commands = new CommandSource(o.commands, cfg.commandRanges ?? null);
    const track = new ReferenceTrack(o.model, commandedClip(o.model, cfg, commands, o.seconds + 1), cfg.stepDt);
    const steps = Math.round(o.seconds / cfg.stepDt);
    let ctl: PolicyController | null = null,
      end: { k: number; reason: string; value: number } | null = null;
    const out = await runEpisodes(
      {
        model: o.model,
        raw: engine,
        driver: 'policy',
        config: cfg,
        policy: o.policy,
        track,
        scenario: o.scenario ?? nominalScenario(),
        episodes,
        physicsDt: cfg.physicsDt,
        decimation: cfg.decimation,
        seconds: o.seconds,
        start: 'default-pose',
        commands,
        ends: 'fall',
      },
      {
        onStart: (p) => (ctl = p.policy),
        onStep: (k) => {
          if (k < steps) o.onStep?.(k * cfg.stepDt, ctl!);
        },
        onTermination: (e, k, t) => {
          if (e === 0 && !end) end = { k, reason: t.reason, value: t.value };
        },
      },
    );
    const c = out.command!;
    return {
      engine: o.engine,
      policy: o.policy.file,
      seconds: o.seconds,
      survived_s: out.survived[0],
      fall: fallOf(out, end, cfg.stepDt),
      cmd_vel_err_m_s: c.vel[0],
      yaw_rate_err_rad_s: c.yaw[0],
      end: c.end[0],
      command_clamps: commands.clampCount,
      clamps: commands.clamps,
      command_ranges: cfg.commandRanges ?? null,
      adjustments: [...adjustments, ...engine.adjustments],
      control_steps: out.done,
    };
  } finally {
    engine.free();
  }
}
