/**
 * Messages between the page and the simulation worker (sim-worker/worker.ts). Everything here is plain data
 * (structured clone): the robot model, the reference source (a timeline or a blend of clips), the driver as a
 * spec, and back the state the page draws and reads (a snapshot per worker tick).
 */
import type { RobotModel } from '../../core/model/types';
import type { PhysicsOptions, EnvState } from '../../core/physics/types';
import type { Timeline, DriverKind } from '../../core/motion/timeline';
import type { BlendSpec } from '../../core/motion/blend';
import type { PolicyConfig } from '../../core/policy/config';
import type { StartMode } from '../../core/policy/start';
import type { MotionClip, ReferenceFrame } from '../../core/motion/types';
import type { LayerSpec, ObsMode } from '../store';
import type { Decision } from '../obs-backend';
import type { ObsStatus } from '../obs-policy';
import type { skillInfo } from '../skills/timeline-skills';
import type { ErrorData } from '../../core/errors';
import type { ObjectState } from '../../core/physics/objects';

/** The reference the worker samples: the app's timeline or its blend of clips (sampled the same way as on the page). */
export type SourceSpec =
  | { kind: 'timeline'; timeline: Timeline; nSteps: number; name: string }
  | { kind: 'blend'; blend: BlendSpec; nSteps: number; name: string };

/** A policy as the skill drivers take it (skills/plan.ts PolicyBytes without the page's live command). */
export interface PolicyData {
  cfg: PolicyConfig;
  bytes: Uint8Array;
  name: string;
}

/**
 * A driver the worker builds: replay, the built-in controller, one ONNX policy with its observations where `obs`
 * decides (the worker's probe and GPUDevice: obs-policy.ts), a timeline of policy skills (skills/timeline-skills.ts)
 * or a blend with policy layers (skills/blend-driver.ts); the skill drivers' policies by id, the blend's clips by id.
 */
export type DriverSpec =
  | { kind: 'replay' }
  | { kind: 'builtin'; assist: number }
  | { kind: 'policy'; config: PolicyConfig; bytes: Uint8Array; file: string; start: StartMode; obs: ObsMode }
  | { kind: 'skills'; timeline: Timeline; policies: Record<string, PolicyData>; policyId: string | null; takeOver: boolean }
  | { kind: 'blend'; layers: LayerSpec[]; policies: Record<string, PolicyData>; clips: Record<string, MotionClip>; takeOver: boolean };

/** What the test hook shows of a running skill timeline (skills/timeline-skills.ts skillInfo). */
export type SkillInfo = ReturnType<typeof skillInfo>;

/** The robot's physical state and the control step it is at: what a change of host carries across. */
export interface Handover {
  step: number;
  /** env 0's state, null when no physical driver ran (replay) */
  state: EnvState | null;
}

export type ToWorker =
  | { type: 'robot'; id: number; model: RobotModel; options: Partial<PhysicsOptions>; fallenDelay: number; appNotes: string[] }
  | { type: 'source'; id: number; source: SourceSpec; dt: number; decimation: number }
  | { type: 'driver'; id: number; driver: DriverSpec; dt: number; decimation: number; handover: Handover | null }
  | { type: 'run'; playing: boolean; speed: number; loop: boolean }
  | { type: 'seek'; t: number }
  | { type: 'step'; loop: boolean }
  | { type: 'assist'; value: number }
  | { type: 'push'; push: PushSpec | null }
  /** the blend's weights and masks changed (its policy layers did not) */
  | { type: 'layers'; layers: LayerSpec[] }
  /** hand the robot to the skill at `index` of the running timeline, or `by` places after the running one */
  | { type: 'skill'; index?: number; by?: number }
  /** the steered policy's velocity command (held until the next), null: not steering */
  | { type: 'command'; command: [number, number, number] | null }
  /** stop and free the engine; the reply carries the handover */
  | { type: 'release'; id: number }
  /** the running skill-conditioned policy's skill (keys 1–9); out of range: its PolicyError in the reply */
  | { type: 'skill-condition'; id: number; skill: number }
  /** start / stop recording the run (record/run.ts); the stop's reply carries the files */
  | { type: 'record'; id: number; on: boolean }
  /** compile onnxruntime's wasm now (files are coming: a policy will follow) */
  | { type: 'warm'; id: number }
  /** the observation backend for a mode (the start-up probe first, once): answered at once, not after the queue */
  | { type: 'obs'; id: number; mode: ObsMode }
  /** debugging aid: destroy the worker's GPUDevice as a device loss would (the reply says whether there was one) */
  | { type: 'lose-gpu'; id: number };

/** The mouse push, held until the next push message (null: released), world N at a world point. */
export interface PushSpec {
  body: number;
  force: number[];
  point: number[];
}

/** What the page reads of the running driver (plain data). */
export interface DriverInfo {
  kind: DriverKind;
  latencyMs: number;
  /** the running policy's configuration (null: no policy) */
  config: PolicyConfig | null;
  /** the 'ground' start's shift of the reference, m, and the body it was measured on */
  startShift: { dz: number; body: string | null } | null;
  /** steps of the policy's own reference (a policy that carries one), else null */
  ownSteps: number | null;
  /** a skill-conditioned policy's one-hot skill (env 0), else empty */
  skill: number[];
  /** what builds the policy's observations now (null: no policy driver) */
  obs: 'gpu' | 'cpu' | null;
  /** control steps the policy ran on the GPU path */
  gpuSteps: number;
}

/** The state after the worker's last control step. */
export interface Snapshot {
  /** seeks handled so far (the page drops snapshots taken before its last seek) */
  seeks: number;
  step: number;
  nSteps: number;
  bodyPos: Float32Array;
  bodyQuat: Float32Array;
  jointPos: Float32Array;
  rootPos: Float32Array;
  com: number[] | null;
  refFrame: ReferenceFrame | null;
  ghost: { pos: Float32Array; quat: Float32Array } | null;
  /** physics root pose (env 0) and contact forces, null when replaying */
  contactForce: Float32Array | null;
  /** the scene's objects (env 0 of the engine's ObjectState), null without objects */
  objects: ObjectState | null;
  /** env 0's base velocity [forward, left, yaw rate] (evaluation/ends.ts), null when replaying */
  baseVelocity: [number, number, number] | null;
  /** env 0's whole state (a change of host carries it), null when replaying */
  state: EnvState | null;
  /** metrics of the control steps since the last snapshot (cleared: `metricsCleared`) */
  metrics: { t: number[]; jointErr: number[]; anchorErr: number[]; torque: number[] };
  metricsCleared: boolean;
  rtf: number;
  physicsMs: number;
  lastPush: { body: number; force: number[] } | null;
  replacedFailures: number;
  driver: DriverInfo;
  /** the skill timeline driving (null: none) */
  skills: SkillInfo;
  /** the run being recorded: control steps so far (null: not recording) */
  recordedSteps: number | null;
}

export type FromWorker =
  | { type: 'snapshot'; snapshot: Snapshot }
  | {
      type: 'reply';
      id: number;
      error: ErrorData | null;
      adjustments?: string[];
      handover?: Handover;
      files?: Record<string, Uint8Array>;
      decision?: Decision;
      lost?: boolean;
    }
  /** the observation path's status line (the probe's and the driver's choice, a device loss and its end) */
  | { type: 'status'; status: ObsStatus }
  | { type: 'error'; error: ErrorData }
  | { type: 'fallen'; time: number };
