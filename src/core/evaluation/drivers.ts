/**
 * The drivers of the episode loop (loop.ts), each prepared into one `PreparedDriver`: a single policy
 * (PolicyController; an embedded reference's length probed first), the built-in controller on a reference
 * ('reference', with an optional assist wrench, or 'zero' gains), or a caller's own driver (composed and
 * blended skills: policy/compose.ts, policy/blend.ts). The loop has one definition; only this part differs.
 */
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import { diagnoseReference, type ReferenceWarning } from '../motion/diagnose';
import { ReferenceTrack } from '../motion/reference';
import type { MotionClip } from '../motion/types';
import type { BatchState, PhysicsEngine } from '../physics/types';
import { BuiltinController, builtinGains } from '../policy/builtin';
import type { PolicyConfig } from '../policy/config';
import { PolicyController } from '../policy/controller';
import { embeddedSteps } from '../policy/embedded-steps';
import { probeReferenceLength } from '../policy/reference-length';
import type { ReferenceSource } from '../policy/refio';
import { onTerrain } from '../physics/terrain-reference'; // terrain (issue 16)
import { defaultPose, standingHeight, type StartMode } from '../policy/start';
import { LIMITS } from '../validate';
import type { EndRule } from './ends';
import { takeSession, giveBackSession } from './session-cache';
import { holdClip } from './setup';

export type DriverKind = 'policy' | 'reference' | 'zero';

/** What the loop needs of a controller (PolicyController, BuiltinController, a composed or blended skill). */
export interface EpisodeDriver {
  readonly ref: BatchState;
  /** PD targets after act (n × nj, model joint order) */
  readonly targets?: Float32Array;
  act(): Promise<void> | void;
  advance(): void;
  reset(e: number, step: number): Promise<void> | void;
  /** forget env e's policy state (last action, observation history, recurrent state) after it was parked */
  forget(e: number): void;
}

/** A driver ready to run, with what the loop reports of it. */
export interface PreparedDriver {
  driver: EpisodeDriver;
  /** a single policy's controller (non-finite counting, observation noise, start notes) */
  policy: PolicyController | null;
  builtin: BuiltinController | null;
  /** reference steps available (Infinity: the caller's seconds set the length) */
  refSteps: number;
  clipName: string;
  notes: string[];
  /** first reference step (an embedded reference's broken first frame dropped) */
  firstStep: number;
  referenceWarnings: ReferenceWarning[];
  /** the start stands the robot in place (default pose): initial-state noise moves it from there, not from the reference */
  startsInPlace: boolean;
  /** what ends an episode (default: BeyondMimic's terms) */
  ends?: EndRule;
  /** the driver's own measurements, every step k ≥ 1 before act (state k; step k − 1's targets still in place) */
  observe?: (k: number, state: BatchState, alive: Uint8Array) => void;
  release(): Promise<void>;
}

/** What preparing a policy or the built-in controller needs (a subset of the loop's spec). */
export interface DriverInputs {
  model: RobotModel;
  raw: PhysicsEngine;
  driver: DriverKind;
  config: PolicyConfig | null;
  policy?: { bytes: Uint8Array; file: string };
  clip?: MotionClip;
  track?: ReferenceTrack;
  decimation: number;
  seconds?: number;
  start: StartMode;
  gainScale?: number;
  assist?: number;
  repair?: boolean;
}

/** A phase-conditioned policy without a clip: a reference standing still in its default pose for its motion length. */
function standingTrack(model: RobotModel, cfg: PolicyConfig, controlDt: number): ReferenceTrack {
  const q = defaultPose(model, cfg);
  const clip = holdClip(model, [0, 0, standingHeight(model, q)], [1, 0, 0, 0], q, cfg.motionSeconds!, 'default pose (no clip)');
  return new ReferenceTrack(model, clip, controlDt);
}

export async function preparePolicy(s: DriverInputs, engine: PhysicsEngine, controlDt: number): Promise<PreparedDriver> {
  const cfg = s.config!,
    file = s.policy!.file,
    notes: string[] = [];
  const bytes = s.policy!.bytes;
  const session = await takeSession(bytes, cfg, file); // kept between batches (session-cache.ts)
  try {
    let track: ReferenceSource | undefined = s.track ?? (s.clip ? new ReferenceTrack(s.model, s.clip, controlDt) : undefined);
    let clipName = s.clip?.name ?? '';
    if (cfg.embeddedReference) {
      if (s.clip) notes.push(`clip ${s.clip.name} not used: the policy carries its own reference`);
      track = undefined;
      clipName = `${file} (embedded reference)`;
    } else if (!track && cfg.motionSeconds) {
      track = standingTrack(s.model, cfg, controlDt);
      clipName = 'default pose (no clip)';
      notes.push(`no clip: ${cfg.motionSeconds} s of motion (the policy's phase length); errors are relative to its default pose`);
    }
    const ctl = new PolicyController({ model: s.model, engine, config: cfg, session, track, start: s.start, file, gainScale: s.gainScale });
    let firstStep = 0,
      referenceWarnings: ReferenceWarning[] = [];
    if (cfg.embeddedReference) {
      const obsSize = ctl.obs.length / ctl.n;
      const len = await probeReferenceLength(session, cfg, obsSize, file);
      notes.push(
        `embedded reference: ${len.last + 1} steps (${(len.last * controlDt).toFixed(2)} s), found by probing time_step (${len.probes} runs; ` +
          `${len.failsPastEnd ? 'the graph fails' : 'the outputs stop changing'} past the last frame)`,
      );
      // diagnose (and run) no further than the episode can go: its time cap, else the clip-length limit
      const horizon = Math.min(
        len.last,
        s.seconds !== undefined ? Math.ceil(s.seconds / controlDt) + 1 : Infinity,
        Math.round(LIMITS.maxEpisodeSeconds / controlDt),
      );
      if (horizon < len.last) notes.push(`embedded reference diagnosed over its first ${horizon + 1} steps (the episode's length)`);
      const d = diagnoseReference(s.model, await embeddedSteps(session, cfg, s.model, obsSize, horizon, controlDt, file), {
        repair: s.repair && horizon === len.last,
      });
      referenceWarnings = d.warnings;
      firstStep = d.start;
      ctl.setLastStep(horizon === len.last ? d.end - 1 : len.last);
    }
    if (session.batchNote) notes.push(session.batchNote);
    if (cfg.heldJoints?.names.length) notes.push(`joints not driven by the policy, held by PD: ${cfg.heldJoints.names.join(', ')}`);
    return {
      driver: ctl,
      policy: ctl,
      builtin: null,
      refSteps: ctl.nSteps - firstStep,
      clipName,
      notes,
      firstStep,
      referenceWarnings,
      startsInPlace: s.start === 'default-pose',
      release: () => giveBackSession(bytes, cfg, file, session),
    };
  } catch (e) {
    await session.release();
    throw e;
  }
}

export function prepareBuiltin(s: DriverInputs, engine: PhysicsEngine, controlDt: number): PreparedDriver {
  if (!s.track && !s.clip) fail('PolicyError', '<episode>', 'clip', `the ${s.driver} driver needs a motion clip`);
  const track = s.track ?? new ReferenceTrack(s.model, s.clip!, controlDt);
  const assist = s.driver === 'reference' ? (s.assist ?? 0) : 0;
  const raised = onTerrain(track, engine.options.terrain); // terrain (issue 16)
  const ctl = new BuiltinController({ model: s.model, engine, track: raised, assist, decimation: s.decimation });
  const zeros = s.model.joints.map(() => 0);
  if (s.driver === 'zero') s.raw.setGains(zeros, zeros);
  else if (s.gainScale !== undefined && s.gainScale !== 1) {
    const g = builtinGains(s.model),
      k = s.gainScale;
    s.raw.setGains(
      g.kp.map((x) => x * k),
      g.kd.map((x) => x * k),
      s.model.joints.map((j) => j.effortLimit),
    );
  }
  const notes = assist > 0 ? [`built-in controller with an assistive root wrench (assist ${assist}): not a physical controller`] : [];
  return {
    driver: ctl,
    policy: null,
    builtin: ctl,
    refSteps: track.nSteps,
    clipName: s.clip?.name ?? 'reference',
    notes,
    firstStep: 0,
    referenceWarnings: [],
    startsInPlace: false,
    release: async () => {},
  };
}
