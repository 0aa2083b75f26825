/**
 * `--record`: one Recorder (motion/formats/record.ts) per env of a batch, fed every control step by the episode
 * loop (state k, the step's raw actions and PD targets, the joint torques of the state) until the env terminates
 * (a terminated env is parked on the reference: not recorded). Files per episode: `<name>.csv` (BeyondMimic CSV),
 * `<name>.npz` (BeyondMimic NPZ, bodies by FK) and `<name>.json` (actions, PD targets, torques per step).
 */
import type { RobotModel } from '../model/types';
import { Recorder } from '../motion/formats/record';
import type { BatchState } from '../physics/types';

export interface EpisodeRecording {
  /** episode name (file stem) */
  name: string;
  files: Record<string, Uint8Array>;
}

export class EpisodeRecorders {
  private readonly recs: Recorder[];
  private readonly stopped: Uint8Array;

  constructor(
    readonly model: RobotModel,
    controlDt: number,
    names: string[],
    actionNames?: string[],
  ) {
    // the rate in the name: `--motion <name>.csv` reads it back at the right rate
    const hz = `_${+(1 / controlDt).toFixed(3)}hz`;
    this.recs = names.map((name, env) => new Recorder(model, controlDt, { env, name: name + hz, ...(actionNames ? { actionNames } : {}) }));
    this.stopped = new Uint8Array(names.length);
  }

  /** env e terminated at step k: nothing from k on (the loop parks it) */
  stop(e: number): void {
    this.stopped[e] = 1;
  }

  step(state: BatchState, actions: Float32Array | null, targets: Float32Array | null): void {
    const nj = state.nj;
    this.recs.forEach((r, e) => {
      if (this.stopped[e]) return;
      const na = r.actionNames.length;
      r.push(state, {
        ...(actions ? { actions: actions.subarray(e * na, (e + 1) * na) } : {}),
        ...(targets ? { targets: targets.subarray(e * nj, (e + 1) * nj) } : {}),
      });
    });
  }

  recordings(): EpisodeRecording[] {
    return this.recs.filter((r) => r.nSteps > 0).map((r) => ({ name: r.name, files: r.files() }));
  }
}

/** A file-safe episode name: variant, clip (without its extension and any rate in its name), scenario, episode index. */
export const recordingName = (variant: string, clip: string, scenario: string, index: number): string =>
  [variant, clip.replace(/\.[a-z0-9]+$/i, '').replace(/[_\-.]\d+(?:\.\d+)?\s*hz/gi, ''), scenario, `ep${index}`]
    .join('__')
    .replace(/[^\w-]+/g, '_');
