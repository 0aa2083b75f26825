/**
 * The one place that decides what an episode's result says. An episode is a success only if it is valid AND
 * ran to the end: valid = at least one scored control step, finite actions throughout (at most
 * NON_FINITE_ACTION_TOLERANCE control steps with a NaN/Inf action) and finite metrics. A metric that could not be
 * computed is null with its reason in metric_notes, never 0; a non-finite value becomes null with the reason
 * "non-finite" and makes the episode invalid. Applied by MetricAccumulator.result (where records are finalised).
 */
import type { SetEpisode } from './metrics/types';

/** Control steps with a non-finite action an episode may have and still be valid. */
export const NON_FINITE_ACTION_TOLERANCE = 0;

export type EpisodeStatus = 'success' | 'failed' | 'invalid';

export const NON_FINITE_NOTE = 'non-finite value (NaN/Inf) in the simulated or reference state';

/** What the verdict reads and writes (EpisodeMetrics has these fields). */
export interface VerdictFields {
  success: boolean;
  status: EpisodeStatus;
  invalid_reasons: string[];
  termination: string | null;
  control_steps: number;
  non_finite_actions: number;
  metric_notes: Record<string, string>;
  sets: Record<string, SetEpisode>;
}

const NOT_METRICS = new Set(['termination', 'success', 'status', 'control_steps', 'non_finite_actions']);

/** Decide status/success of an episode record in place (and null out non-finite metrics); returns it. */
export function applyVerdict<T extends VerdictFields>(m: T, tolerance = NON_FINITE_ACTION_TOLERANCE): T {
  const reasons: string[] = [];
  if (!(m.control_steps >= 1)) reasons.push('no control step was scored');
  if (!(m.non_finite_actions <= tolerance))
    reasons.push(`${m.non_finite_actions} control step(s) with non-finite actions (tolerance ${tolerance})`);
  const bad: string[] = [];
  const rec = m as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(rec)) {
    if (NOT_METRICS.has(k)) continue;
    if (typeof v === 'number' && !Number.isFinite(v)) {
      rec[k] = null;
      m.metric_notes[k] = NON_FINITE_NOTE;
    }
    if (Array.isArray(v) && m.control_steps >= 1 && v.some((x) => typeof x === 'number' && !Number.isFinite(x))) bad.push(k);
    if (m.metric_notes[k] === NON_FINITE_NOTE) bad.push(k);
  }
  for (const [id, s] of Object.entries(m.sets)) {
    for (const [k, v] of Object.entries(s.metrics)) {
      if (v !== null && !Number.isFinite(v)) {
        s.metrics[k] = null;
        s.notes[k] = NON_FINITE_NOTE;
      }
      if (s.notes[k] === NON_FINITE_NOTE) bad.push(`${id}.${k}`);
    }
  }
  if (bad.length) reasons.push(`non-finite metrics: ${[...new Set(bad)].join(', ')}`);
  m.invalid_reasons = reasons;
  m.status = reasons.length ? 'invalid' : m.termination === null ? 'success' : 'failed';
  m.success = m.status === 'success';
  if (reasons.length) {
    for (const s of Object.values(m.sets)) {
      if (s.success === true) {
        s.success = false;
        s.notes.success = 'the episode is invalid';
      }
    }
  }
  return m;
}

/** One word for text output: "success", "terminated (reason)" or "invalid (reasons)". */
export function statusText(m: Pick<VerdictFields, 'status' | 'termination' | 'invalid_reasons'>): string {
  if (m.status === 'invalid') return `invalid (${m.invalid_reasons.join('; ')})`;
  return m.status === 'success' ? 'success' : `terminated (${m.termination})`;
}
