/**
 * What the page reads of the simulation, wherever it runs: `Sim` on the page's own thread, or `RemoteSim`, the page's
 * side of the simulation worker (sim-worker/). The frame loop, the transport, the Drive panel, the charts and the
 * test hook read this.
 */
import type { RobotModel } from '../core/model/types';
import type { ReferenceFrame } from '../core/motion/types';
import type { DriverKind } from '../core/motion/timeline';
import type { Metrics } from './sim';
import type { DriverInfo } from './sim-worker/protocol';
import type { ObjectState } from '../core/physics/objects';

export interface EngineInfo {
  name: string;
  dt: number;
  adjustments: string[];
}

export interface SimView {
  /** where the physics, observations and inference run */
  readonly host: 'page' | 'worker';
  readonly model: RobotModel | null;
  readonly dt: number;
  readonly decimation: number;
  readonly step: number;
  readonly time: number;
  /** control steps of the reference tracked */
  readonly nSteps: number;
  /** the drawn robot pose (on the worker: interpolated between its last two snapshots at `prepareDraw`) */
  readonly bodyPos: Float32Array;
  readonly bodyQuat: Float32Array;
  readonly jointPos: Float32Array;
  readonly rootPos: Float32Array;
  readonly com: number[] | null;
  readonly refFrame: ReferenceFrame | null;
  readonly metrics: Metrics;
  readonly rtf: number;
  readonly physicsMs: number;
  readonly lastPush: { body: number; force: number[] } | null;
  readonly replacedFailures: number;
  readonly appNotes: string[];
  /** a control step or tick in flight (the page's simulation) */
  readonly busy: boolean;
  ghostPose(): { pos: Float32Array; quat: Float32Array } | null;
  driverKind(): DriverKind;
  driverInfo(): DriverInfo;
  contactForce(): Float32Array | null;
  physicsRootQuat(): Float32Array | null;
  /** the scene's objects (env 0), null without objects */
  objects(): ObjectState | null;
  /** env 0's base velocity [forward, left, yaw rate] (physical drivers), else null */
  baseVelocity(): [number, number, number] | null;
  engineInfo(): EngineInfo | null;
  /** advance by real time (the page's simulation; the worker keeps its own clock and is only told play / speed / loop) */
  advance(realDt: number, speed: number, loop: boolean, playing: boolean): Promise<number>;
  /** before a draw at `now` (performance.now() ms) */
  prepareDraw(now: number): void;
  seek(t: number): void;
  controlStep(loop: boolean): Promise<void>;
}
