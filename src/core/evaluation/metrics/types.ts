/**
 * Named metric sets: each computes its own published definitions from the same per-step episode data
 * (the simulated state and the reference, BatchState layout). One file per set; index.ts lists them.
 */
import type { BatchState } from '../../physics/types';

/** Which bodies and joints a set reads (model indices) and how per-frame metrics are sampled. */
export interface SetSelection {
  joints: number[];
  /** tracked bodies (the policy's body list): PHC/OmniH2O body positions */
  tracked: number[];
  /** key bodies (GMT's E_mpkpe); default: the tracked bodies */
  keyBodies?: number[];
  endEffectors: number[];
  anchor: number;
  root: number;
  /** control step, s (for failure times) */
  controlDt?: number;
  /** per-frame metrics use every `frameStride`-th control step (default 1 = the control rate) */
  frameStride?: number;
}

export type State = Pick<BatchState, 'nj' | 'nb' | 'bodyPos' | 'bodyQuat' | 'jointPos'>;

/** One metric of a set: its key in the results, a label, the unit and the formula in words. */
export interface MetricDoc {
  key: string;
  label: string;
  unit: string;
  formula: string;
}

export interface MetricSetDoc {
  id: string;
  name: string;
  /** where the definition comes from (paper + code) */
  source: string;
  /** the set's success criterion, or '' when it has none */
  success: string;
  metrics: MetricDoc[];
  /** true: sampled every control step (terminations); false: every frameStride-th step */
  everyStep?: boolean;
}

/** One episode's numbers under one set. A metric that could not be computed is null, with its reason in notes. */
export interface SetEpisode {
  success: boolean | null;
  metrics: Record<string, number | null>;
  notes: Record<string, string>;
}

export interface SetEpisodeInfo {
  /** the episode loop's termination reason (null: it ran to the end) */
  termination: string | null;
}

export interface SetAccumulator {
  readonly doc: MetricSetDoc;
  reset(e: number): void;
  add(state: State, ref: State, e: number): void;
  result(e: number, info: SetEpisodeInfo): SetEpisode;
}

/** mean = sum / count, or null with a reason when nothing was counted or the sum is not finite. */
export function meanOrNull(sum: number, count: number, key: string, notes: Record<string, string>, why: string, scale = 1): number | null {
  if (count <= 0) {
    notes[key] = why;
    return null;
  }
  const v = (sum / count) * scale;
  if (!Number.isFinite(v)) {
    notes[key] = 'non-finite value (NaN/Inf) in the simulated or reference state';
    return null;
  }
  return Number(v.toPrecision(6));
}

export const dist3 = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number =>
  Math.hypot(a[i] - b[j], a[i + 1] - b[j + 1], a[i + 2] - b[j + 2]);

export const perEnv = (n: number, k: number): Float64Array[] => Array.from({ length: n }, () => new Float64Array(k));
