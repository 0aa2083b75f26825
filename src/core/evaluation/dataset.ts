/**
 * Dataset views of a result: one row per clip (pooled over its variants × scenarios × episodes), the failed
 * episodes with their failure time and reason (what `--motion-list failed.txt` re-runs), and dataset-level
 * aggregates over clips (each clip one unit: mean of the per-clip means with a 95 % t interval; the clip
 * success rate — every episode of the clip succeeded — with a Wilson interval).
 */
import { meanStat, r6, wilson, type Stat } from './stats';
import type { EpisodeRecord, EvalResult } from './types';
import type { ClipDiagnostics } from './clip-diagnostics';

/** Columns of the per-clip table: [key, label, unit, value of one episode]. */
export const CLIP_COLUMNS: [string, string, string, (e: EpisodeRecord) => number | null][] = [
  ['success_rate', 'success', '%', (e) => (e.success ? 100 : 0)],
  ['survived_s', 'survived', 's', (e) => e.survived_s],
  ['mpjpe_m', 'MPJPE global', 'm', (e) => e.mpjpe_m],
  ['joint_pos_rmse_rad', 'joint RMSE', 'rad', (e) => e.joint_pos_rmse_rad],
  ['phc.g_mpjpe_mm', 'PHC E_g-mpjpe', 'mm', (e) => e.sets?.phc?.metrics.g_mpjpe_mm ?? null],
  ['phc.mpjpe_mm', 'PHC E_mpjpe', 'mm', (e) => e.sets?.phc?.metrics.mpjpe_mm ?? null],
  ['phc.vel_mm_frame', 'PHC E_vel', 'mm/frame', (e) => e.sets?.phc?.metrics.vel_mm_frame ?? null],
  ['phc.acc_mm_frame2', 'PHC E_acc', 'mm/frame²', (e) => e.sets?.phc?.metrics.acc_mm_frame2 ?? null],
  ['gmt.mpkpe_mm', 'GMT E_mpkpe', 'mm', (e) => e.sets?.gmt?.metrics.mpkpe_mm ?? null],
  ['gmt.mpjpe_rad', 'GMT E_mpjpe', 'rad', (e) => e.sets?.gmt?.metrics.mpjpe_rad ?? null],
];

export interface ClipRow {
  clip: string;
  episodes: number;
  successes: number;
  invalid: number;
  /** per column: the mean over the clip's episodes (null when none is finite) */
  values: Record<string, number | null>;
  /** reference diagnostics of the clip (clip-diagnostics.ts) */
  diagnostics: ClipDiagnostics | null;
}

export interface FailedEpisode {
  clip: string;
  variant: string;
  scenario: string;
  episode: number;
  status: string;
  /** when it failed (s): the termination time */
  failure_s: number;
  reason: string;
}

export function clipRows(r: EvalResult): ClipRow[] {
  const clips = [...new Set(r.groups.map((g) => g.clip))];
  return clips.map((clip) => {
    const eps = r.groups.filter((g) => g.clip === clip).flatMap((g) => g.episodes);
    const values: Record<string, number | null> = {};
    for (const [key, , , f] of CLIP_COLUMNS) {
      const s = meanStat(eps.map((e) => f(e) ?? NaN));
      values[key] = s.n ? s.mean : null;
    }
    const diagnostics = r.groups.find((g) => g.clip === clip && g.clip_diagnostics)?.clip_diagnostics ?? null;
    return {
      clip,
      episodes: eps.length,
      successes: eps.filter((e) => e.success).length,
      invalid: eps.filter((e) => e.status === 'invalid').length,
      values,
      diagnostics,
    };
  });
}

export function failedEpisodes(r: EvalResult): FailedEpisode[] {
  return r.groups.flatMap((g) =>
    g.episodes
      .filter((e) => !e.success)
      .map((e) => ({
        clip: g.clip,
        variant: g.variant,
        scenario: g.scenario,
        episode: e.index,
        status: e.status,
        failure_s: e.survived_s,
        reason: e.status === 'invalid' ? `invalid: ${e.invalid_reasons.join('; ')}` : (e.termination ?? ''),
      })),
  );
}

export interface DatasetAggregate {
  clips: number;
  /** clips whose every episode succeeded */
  clips_succeeded: number;
  clip_success_rate: number | null;
  clip_success_ci95: [number, number] | null;
  /** over clips: mean of the per-clip means, 95 % t interval (every column but success_rate) */
  stats: Record<string, Stat>;
}

export function datasetAggregate(r: EvalResult): DatasetAggregate {
  const rows = clipRows(r);
  const ok = rows.filter((c) => c.episodes > 0 && c.successes === c.episodes).length;
  const stats: Record<string, Stat> = {};
  // the clip success rate has its Wilson interval above; a t interval over 0/100 % values would be meaningless
  for (const [key] of CLIP_COLUMNS) if (key !== 'success_rate') stats[key] = meanStat(rows.map((c) => c.values[key] ?? NaN));
  return {
    clips: rows.length,
    clips_succeeded: ok,
    clip_success_rate: rows.length ? r6(ok / rows.length) : null,
    clip_success_ci95: rows.length ? wilson(ok, rows.length) : null,
    stats,
  };
}

/** failed.txt: one clip path per line (each clip once), for --motion-list. */
export function failedList(r: EvalResult, pathOf: (clip: string) => string = (c) => c): string {
  const clips = [...new Set(failedEpisodes(r).map((f) => f.clip))];
  return clips.map(pathOf).join('\n') + (clips.length ? '\n' : '');
}
