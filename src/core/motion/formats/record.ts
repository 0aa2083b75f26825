/**
 * Recorder: the simulated robot's trajectory, one entry per control step, for one environment of a batch.
 * Feed it from an episode loop (`push(state, { actions, targets, torques })`), then write the trajectory as a
 * BeyondMimic CSV or NPZ (readable by our loaders, usable as a reference) or as a JSON recording with the
 * policy's actions, the PD targets and the joint torques per step (`parseRecordingJson` reads it back).
 */
import { fail } from '../../errors';
import { parseJson } from '../../validate';
import type { RobotModel } from '../../model/types';
import type { BatchState } from '../../physics/types';
import { emptyClip, setFrame } from '../sample';
import type { MotionClip } from '../types';
import { descriptionOrder } from './common';
import { writeBeyondMimicCsv, writeBeyondMimicNpz } from './write';

export const RECORDING_FORMAT = 'mimic-bench-recording-v1';

export interface RecordExtras {
  /** the policy's raw actions this step (policy joint order, see `actionNames`) */
  actions?: ArrayLike<number>;
  /** PD position targets (robot joint order) */
  targets?: ArrayLike<number>;
  /** joint torques (robot joint order); default: state.jointTorque */
  torques?: ArrayLike<number>;
}

export interface RecorderOptions {
  /** which environment of the batch (default 0) */
  env?: number;
  name?: string;
  /** names of the action entries (the policy's joint order); default: the robot's joints */
  actionNames?: string[];
}

export interface Recording {
  clip: MotionClip;
  actionNames: string[];
  actions: number[][];
  targets: number[][];
  torques: number[][];
}

export class Recorder {
  readonly rootPos: number[] = [];
  readonly rootQuat: number[] = [];
  readonly jointPos: number[] = [];
  readonly actions: number[][] = [];
  readonly targets: number[][] = [];
  readonly torques: number[][] = [];
  private readonly env: number;
  readonly name: string;
  readonly actionNames: string[];

  constructor(
    readonly robot: RobotModel,
    readonly controlDt: number,
    opts: RecorderOptions = {},
  ) {
    if (!(controlDt > 0)) fail('MotionError', 'recorder', 'controlDt', `control step must be > 0 (got ${controlDt})`);
    this.env = opts.env ?? 0;
    this.name = opts.name ?? 'recording';
    this.actionNames = opts.actionNames ?? descriptionOrder(robot);
  }

  get nSteps(): number {
    return this.rootPos.length / 3;
  }

  /** Record one control step of env `opts.env` (after the physics step). */
  push(state: BatchState, extras: RecordExtras = {}): void {
    const e = this.env,
      nj = state.nj;
    if (nj !== this.robot.joints.length)
      fail('MotionError', this.name, 'push', `state has ${nj} joints, the robot ${this.robot.joints.length}`);
    if (e >= state.n) fail('MotionError', this.name, 'push', `env ${e} is not in a batch of ${state.n}`);
    const list = (v: ArrayLike<number> | undefined, n: number, what: string) => {
      if (v === undefined) return [];
      if (v.length !== n) fail('MotionError', this.name, `step ${this.nSteps} ${what}`, `${v.length} values, expected ${n}`);
      return Array.from(v);
    };
    const actions = list(extras.actions, this.actionNames.length, 'actions');
    const targets = list(extras.targets, nj, 'targets');
    const torques = list(extras.torques ?? state.jointTorque.subarray(e * nj, (e + 1) * nj), nj, 'torques');
    this.rootPos.push(...state.rootPos.subarray(e * 3, e * 3 + 3));
    this.rootQuat.push(...state.rootQuat.subarray(e * 4, e * 4 + 4));
    this.jointPos.push(...state.jointPos.subarray(e * nj, (e + 1) * nj));
    this.actions.push(actions);
    this.targets.push(targets);
    this.torques.push(torques);
  }

  /** The trajectory as a clip at the control rate (robot joint order). */
  toClip(): MotionClip {
    if (!this.nSteps) fail('MotionError', this.name, 'recording', 'nothing recorded');
    return {
      name: this.name,
      fps: 1 / this.controlDt,
      nFrames: this.nSteps,
      jointNames: descriptionOrder(this.robot),
      rootPos: Float32Array.from(this.rootPos),
      rootQuat: Float32Array.from(this.rootQuat),
      jointPos: Float32Array.from(this.jointPos),
    };
  }

  writeCsv(): string {
    return writeBeyondMimicCsv(this.toClip(), this.robot);
  }
  writeNpz(): Uint8Array {
    return writeBeyondMimicNpz(this.toClip(), this.robot);
  }

  /** The three recordings by file name (`<name>.csv`, `<name>.npz`, `<name>.json`), e.g. for `--record DIR`. */
  files(): Record<string, Uint8Array> {
    const safe = this.name.replace(/[^\w.-]+/g, '_'),
      enc = new TextEncoder();
    return {
      [`${safe}.csv`]: enc.encode(this.writeCsv()),
      [`${safe}.npz`]: this.writeNpz(),
      [`${safe}.json`]: enc.encode(this.writeJson()),
    };
  }

  writeJson(): string {
    const clip = this.toClip(),
      nj = clip.jointNames.length;
    return JSON.stringify({
      format: RECORDING_FORMAT,
      name: this.name,
      robot: this.robot.name,
      control_dt: this.controlDt,
      joint_names: clip.jointNames,
      action_names: this.actionNames,
      steps: this.actions.map((a, k) => ({
        t: k * this.controlDt,
        root_pos: this.rootPos.slice(k * 3, k * 3 + 3),
        root_quat_wxyz: this.rootQuat.slice(k * 4, k * 4 + 4),
        joint_pos: this.jointPos.slice(k * nj, (k + 1) * nj),
        actions: a,
        pd_targets: this.targets[k],
        torques: this.torques[k],
      })),
    });
  }
}

/** Read a JSON recording back (clip + per-step actions, targets, torques). */
export function parseRecordingJson(text: string, file: string): Recording {
  const doc = parseJson(text, file, 'JSON') as Record<string, unknown>;
  if (doc.format !== RECORDING_FORMAT) fail('ParseError', file, 'key format', `not a ${RECORDING_FORMAT} file`);
  const names = doc.joint_names as string[],
    steps = doc.steps as Record<string, number[]>[],
    dt = Number(doc.control_dt);
  if (!Array.isArray(names) || !Array.isArray(steps) || !steps.length || !(dt > 0))
    fail('ParseError', file, 'keys', 'joint_names, steps, control_dt missing or empty');
  const nj = names.length,
    n = steps.length;
  const clip = emptyClip(typeof doc.name === 'string' ? doc.name : 'recording', 1 / dt, names, n);
  steps.forEach((s, k) => {
    if (s.joint_pos?.length !== nj || s.root_pos?.length !== 3 || s.root_quat_wxyz?.length !== 4)
      fail('ParseError', file, `steps[${k}]`, 'root_pos/root_quat_wxyz/joint_pos of the wrong length');
    setFrame(clip, k, s.root_pos, s.root_quat_wxyz, s.joint_pos);
  });
  return {
    clip,
    actionNames: (doc.action_names as string[]) ?? names,
    actions: steps.map((s) => s.actions ?? []),
    targets: steps.map((s) => s.pd_targets ?? []),
    torques: steps.map((s) => s.torques ?? []),
  };
}
