/**
 * The dataset part of the Evaluate panel, from the same core functions as the CLI's `--motion DIR` JSON
 * (core/evaluation/dataset.ts): the per-clip table (click a header to sort by it), the failed episodes with
 * time and reason, and the dataset aggregates with 95 % intervals. Each part carries its numbers as JSON in a
 * data attribute (for tests and scripts).
 */
import { CLIP_COLUMNS, clipRows, datasetAggregate, failedEpisodes, type ClipRow } from '../../core/evaluation/dataset';
import type { EvalResult } from '../../core/evaluation/types';
import { el } from '../dom';

const fmt = (v: number | null | undefined, d: number): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d);
const digits = (unit: string): number => (unit === '%' ? 0 : unit === 'mm' || unit.startsWith('mm/') ? 2 : 4);

/** The per-clip table; a header click sorts by that column (again: the other way). */
function clipTable(rows: ClipRow[]): HTMLTableElement {
  const table = el('table', { id: 'eval-clips', className: 'eval-table num' });
  table.dataset.rows = JSON.stringify(rows.map(({ diagnostics: _d, ...row }) => row));
  let key = 'clip',
    dir = 1;
  const value = (r: ClipRow, k: string): number | string => (k === 'clip' ? r.clip : (r.values[k] ?? -Infinity));
  const head = el('tr');
  const body = el('tbody');
  const fill = () => {
    const sorted = [...rows].sort((a, b) => {
      const x = value(a, key),
        y = value(b, key);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    body.replaceChildren(
      ...sorted.map((r) =>
        el(
          'tr',
          { className: r.successes < r.episodes ? 'failed' : '' },
          el('td', { textContent: r.clip, title: r.clip }),
          el('td', { textContent: `${r.successes}/${r.episodes}` }),
          ...CLIP_COLUMNS.slice(1).map(([k, , u]) => el('td', { textContent: fmt(r.values[k], digits(u)) })),
        ),
      ),
    );
  };
  const sortBy = (k: string) => () => {
    dir = key === k ? -dir : 1;
    key = k;
    fill();
  };
  head.append(
    el('th', { textContent: 'clip ⇅', onclick: sortBy('clip') }),
    el('th', { textContent: 'ok ⇅', title: 'successful episodes', onclick: sortBy('success_rate') }),
    ...CLIP_COLUMNS.slice(1).map(([k, l, u]) => el('th', { textContent: `${l} (${u}) ⇅`, onclick: sortBy(k) })),
  );
  table.append(el('thead', {}, head), body);
  fill();
  return table;
}

/** Failed episodes: clip, episode, when and why. */
function failedList(r: EvalResult): HTMLElement {
  const failed = failedEpisodes(r);
  const list = el('ol', { id: 'eval-failed' });
  list.dataset.failed = JSON.stringify(failed);
  list.append(
    ...failed.map((f) =>
      el('li', {
        textContent: `${f.clip} · ${f.scenario} #${f.episode} · ${f.variant}: ${f.status} at ${f.failure_s.toFixed(2)} s${f.reason ? ` (${f.reason})` : ''}`,
      }),
    ),
  );
  return el(
    'div',
    {},
    el('h3', { textContent: `Failed episodes (${failed.length})` }),
    failed.length ? list : el('div', { className: 'dim', textContent: 'none' }, list),
  );
}

/** Dataset aggregates over clips: clip success rate (Wilson 95 %) and each metric's mean with its 95 % t interval. */
function aggregates(r: EvalResult): HTMLElement {
  const d = datasetAggregate(r);
  const box = el('div', { id: 'eval-aggregates' });
  box.dataset.dataset = JSON.stringify(d);
  const rate =
    d.clip_success_rate === null
      ? '–'
      : `${(d.clip_success_rate * 100).toFixed(1)} % [${(d.clip_success_ci95![0] * 100).toFixed(1)}, ${(d.clip_success_ci95![1] * 100).toFixed(1)}]`;
  const table = el('table', { className: 'eval-table num' });
  table.append(
    el('tr', {}, el('th', { textContent: 'over clips' }), el('th', { textContent: 'mean' }), el('th', { textContent: '95 % interval' })),
    ...CLIP_COLUMNS.filter(([k]) => d.stats[k]).map(([k, l, u]) => {
      const s = d.stats[k];
      return el(
        'tr',
        {},
        el('td', { textContent: `${l} (${u})` }),
        el('td', { textContent: fmt(s.n ? s.mean : null, digits(u)) }),
        el('td', { textContent: s.n ? `[${fmt(s.ci95[0], digits(u))}, ${fmt(s.ci95[1], digits(u))}]` : '–' }),
      );
    }),
  );
  box.append(
    el('div', { textContent: `${d.clips} clip(s) · every episode successful on ${d.clips_succeeded}/${d.clips} = ${rate}` }),
    el('div', { className: 'eval-scroll' }, table),
  );
  return box;
}

export function datasetView(r: EvalResult): HTMLElement {
  return el(
    'div',
    { id: 'eval-dataset' },
    el('h3', { textContent: 'Clips' }),
    el('div', { className: 'eval-scroll' }, clipTable(clipRows(r))),
    failedList(r),
    el('h3', { textContent: 'Dataset' }),
    aggregates(r),
  );
}
