/**
 * ProtoMotions-style failure rates (NVlabs ProtoMotions: the evaluation reports, per termination term, the
 * fraction of episodes it ended). Computed over a group's episodes from each episode's termination reason:
 *   rate(term) = #episodes ended by term / #episodes, with a 95 % Wilson interval.
 * Terms: the BeyondMimic terms the episode loop checks, simulation_error (the physics diverged) and invalid
 * (non-finite actions or metrics, see verdict.ts); "completed" = no termination.
 */
import { r6, wilson } from '../stats';
import type { MetricSetDoc } from './types';

export const protoMotionsDoc: MetricSetDoc = {
  id: 'protomotions',
  name: 'ProtoMotions-style failure rate per termination term',
  source: 'NVlabs ProtoMotions (evaluation: per-termination-term failure rates); terms from BeyondMimic',
  success: 'completed = no termination term fired',
  metrics: [
    { key: 'completed', label: 'completed', unit: 'fraction', formula: '#episodes with no termination / #episodes' },
    { key: 'anchor_height', label: 'anchor height', unit: 'fraction', formula: '#episodes ended by the anchor height term / #episodes' },
    {
      key: 'anchor_orientation',
      label: 'anchor orientation',
      unit: 'fraction',
      formula: '#episodes ended by the anchor orientation term / #episodes',
    },
    {
      key: 'end_effector_height',
      label: 'end-effector height',
      unit: 'fraction',
      formula: '#episodes ended by the end-effector height term / #episodes',
    },
    {
      key: 'simulation_error',
      label: 'simulation error',
      unit: 'fraction',
      formula: '#episodes ended by a physics divergence / #episodes',
    },
    { key: 'invalid', label: 'invalid', unit: 'fraction', formula: '#episodes whose actions or metrics were non-finite / #episodes' },
  ],
};

export interface TermRate {
  count: number;
  rate: number | null;
  ci95: [number, number] | null;
}

/** The term an episode ended by (its termination reason's first word), 'invalid' or 'completed'. */
export function termOf(ep: { termination: string | null; status?: string }): string {
  if (ep.status === 'invalid') return 'invalid';
  if (ep.termination === null) return 'completed';
  return ep.termination.split(/[\s:(]/)[0];
}

export function failureRates(eps: { termination: string | null; status?: string }[]): Record<string, TermRate> {
  const out: Record<string, TermRate> = {};
  const n = eps.length;
  const terms = protoMotionsDoc.metrics.map((m) => m.key);
  for (const e of eps) {
    const t = termOf(e);
    if (!terms.includes(t)) terms.push(t);
  }
  for (const t of terms) {
    const k = eps.filter((e) => termOf(e) === t).length;
    out[t] = { count: k, rate: n ? r6(k / n) : null, ci95: n ? wilson(k, n) : null };
  }
  return out;
}
