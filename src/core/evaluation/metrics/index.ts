/**
 * The metric sets, their accumulators and their aggregation. Every set reads the same per-step data; per-frame
 * sets (PHC, GMT) sample every `frameStride`-th scored control step, termination sets every step.
 */
import { meanStat, wilson, r6, type Stat } from '../stats';
import { BeyondMimicAccumulator, beyondMimicDoc } from './beyondmimic';
import { GmtAccumulator, gmtDoc } from './gmt';
import { ownDoc } from './own';
import { PhcAccumulator, phcDoc } from './phc';
import { failureRates, protoMotionsDoc, type TermRate } from './protomotions';
import type { MetricSetDoc, SetAccumulator, SetEpisode, SetSelection } from './types';

export type { MetricSetDoc, SetEpisode, SetSelection } from './types';
export { failureRates, termOf, type TermRate } from './protomotions';

/** Every set's documentation, in report order. */
export const METRIC_SETS: MetricSetDoc[] = [ownDoc, phcDoc, gmtDoc, beyondMimicDoc, protoMotionsDoc];

/** Accumulators of the per-episode sets (PHC, GMT, BeyondMimic). */
export function setAccumulators(n: number, sel: SetSelection): SetAccumulator[] {
  return [new PhcAccumulator(n, sel), new GmtAccumulator(n, sel), new BeyondMimicAccumulator(n, sel)];
}

export interface SetAggregate {
  /** episodes whose set success is known (not null) */
  determined: number;
  successes: number;
  success_rate: number | null;
  success_ci95: [number, number] | null;
  /** mean, 95 % t interval, n (finite values) and missing (null) per metric */
  stats: Record<string, Stat>;
}

export interface SetsAggregate {
  phc: SetAggregate;
  gmt: SetAggregate;
  beyondmimic: SetAggregate;
  protomotions: Record<string, TermRate>;
}

function aggregateSet(eps: SetEpisode[], doc: MetricSetDoc, valid: boolean[]): SetAggregate {
  const det = eps.filter((e) => e.success !== null);
  const k = eps.filter((e, i) => e.success === true && valid[i]).length;
  const stats: Record<string, Stat> = {};
  for (const m of doc.metrics) stats[m.key] = meanStat(eps.map((e) => e.metrics[m.key] ?? NaN));
  return {
    determined: det.length,
    successes: k,
    success_rate: doc.success && det.length ? r6(k / det.length) : null,
    success_ci95: doc.success && det.length ? wilson(k, det.length) : null,
    stats,
  };
}

export interface SetsOfEpisode {
  sets?: Record<string, SetEpisode>;
  termination: string | null;
  status?: string;
}

export function aggregateSets(eps: SetsOfEpisode[]): SetsAggregate {
  const valid = eps.map((e) => e.status !== 'invalid');
  const of = (id: string) => eps.map((e) => e.sets?.[id] ?? { success: null, metrics: {}, notes: {} });
  return {
    phc: aggregateSet(of('phc'), phcDoc, valid),
    gmt: aggregateSet(of('gmt'), gmtDoc, valid),
    beyondmimic: aggregateSet(of('beyondmimic'), beyondMimicDoc, valid),
    protomotions: failureRates(eps),
  };
}
