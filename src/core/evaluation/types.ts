/** Plain-data results of an evaluation run (JSON-safe; the same shape in Node and the browser). */
import type { AggregateMetrics, EpisodeMetrics } from './metrics';
import type { EpisodePerturbation } from './scenario';
import type { MetricSettings } from './metric-settings';
import type { ClipDiagnostics } from './clip-diagnostics';
import type { ReferenceWarning } from '../motion/diagnose';
import type { TerrainFacts } from './terrain'; // terrain (issue 16)

export type EngineKind = 'rapier' | 'mujoco';

export interface EpisodeRecord extends EpisodeMetrics {
  /** episode index within its group (perturbations come from rng(seed, index) only) */
  index: number;
  perturbation: EpisodePerturbation;
}

/** What a policy's configuration says about itself (CLI JSON, reports). */
export interface PolicyInfo {
  /** the exporter family identified ('unknown' when none was) */
  policy_family: string;
  /** 'metadata', 'deploy.yaml', 'profile:<name>' */
  config_source: string;
  /** config keys filled from a profile / family default rather than the file */
  filled_from_profile: string[];
  config_warnings: string[];
  /** robot joints the policy does not drive, held by PD */
  held_joints?: string[];
}

/** One cell of the run: a variant (policy × engine × settings) on one clip under one scenario. */
export interface GroupResult extends Partial<PolicyInfo> {
  id: string;
  /** label of the variant, e.g. "policy.onnx · rapier" */
  variant: string;
  policy: string;
  engine: EngineKind;
  clip: string;
  scenario: string;
  seed: number;
  /** the scenario's terrain (issue 16), absent on the flat floor */
  terrain?: TerrainFacts;
  /** evaluated joints (policy order), names */
  joint_names: string[];
  /** every model adjustment the engine made (engine.adjustments) */
  adjustments: string[];
  /** bodies and rates the metric sets used (null: this shard ran none of the group's episodes) */
  metric_settings: MetricSettings | null;
  /** reference diagnostics of the group's clip (null: this shard ran none of the group's episodes) */
  clip_diagnostics: ClipDiagnostics | null;
  /** reference diagnostics (motion/diagnose.ts) of the group's clip or the policy's embedded reference */
  reference_warnings: ReferenceWarning[];
  aggregate: AggregateMetrics;
  episodes: EpisodeRecord[];
}

export interface EvalResult {
  format: 'mimic-bench-eval/1';
  robot: string;
  settings: {
    seconds: number | null;
    episodes: number;
    envs: number;
    start: string;
    /** requested metric settings (null: defaults: key bodies = tracked bodies, frame rate = control rate) */
    metrics: { key_bodies: string[] | null; fps: number | null };
  };
  /** set on a shard's result (--shard I/N); absent from a whole or merged run */
  shard?: { index: number; count: number };
  groups: GroupResult[];
  /** wall-clock numbers; NOT deterministic (the determinism test drops this field) */
  timing: EvalTiming;
}

export interface EvalTiming {
  wall_s: number;
  workers: number;
  /** mean wall time per control step of one batch (all envs of an engine), ms */
  ms_per_control_step: number;
  /** same, divided by the number of envs in the batch */
  ms_per_env_control_step: number;
}
