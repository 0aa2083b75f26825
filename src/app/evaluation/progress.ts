/**
 * Progress of an evaluation run in episodes: the plan's episode total, the episodes whose batch has finished
 * (each executor wrapped), and an ETA from the elapsed time and the fraction of control steps done.
 */
import { planTasks, type EvalPlan, type Executor } from '../../core/evaluation/plan';

export const episodeTotal = (plan: EvalPlan): number => planTasks(plan).tasks.reduce((n, t) => n + t.job.episodes.length, 0);

/** The executors, each reporting the episodes of a finished batch to `onDone`. */
export function countingEpisodes(executors: Executor[], onDone: (episodes: number) => void): Executor[] {
  return executors.map((ex) => async (job, onProgress) => {
    const out = await ex(job, onProgress);
    onDone(job.episodes.length);
    return out;
  });
}

/** Seconds left at this pace (null until something is done). */
export function etaSeconds(elapsedS: number, fraction: number): number | null {
  if (!(fraction > 0) || !(elapsedS > 0)) return null;
  return Math.max(0, (elapsedS * (1 - fraction)) / fraction);
}

export function formatEta(s: number | null): string {
  if (s === null) return 'ETA …';
  if (s < 60) return `ETA ${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return `ETA ${m} min ${String(Math.ceil(s - 60 * m)).padStart(2, '0')} s`;
}
