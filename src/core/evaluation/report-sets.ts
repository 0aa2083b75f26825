/**
 * Report sections for the metric sets, the per-clip table (sortable without scripts: one pre-sorted table per
 * column, switched by radio buttons in CSS), the failed episodes, the metric settings and every metric's
 * definition and source.
 */
import { CLIP_COLUMNS, clipRows, datasetAggregate, failedEpisodes } from './dataset';
import { METRIC_SETS, type SetAggregate } from './metrics/index';
import { esc, fmt } from './svg';
import type { EvalResult } from './types';

const ci = (s: { mean: number; ci95: [number, number]; n: number; missing: number } | undefined, d = 4): string =>
  !s || !s.n
    ? `–${s?.missing ? `<br><small>${s.missing} null</small>` : ''}`
    : `${fmt(s.mean, d)}<br><small>${s.n < 2 ? 'n = 1' : `[${fmt(s.ci95[0], d)}, ${fmt(s.ci95[1], d)}]`}${s.missing ? ` · ${s.missing} null` : ''}</small>`;

/** Every set's definition: name, source, success criterion and each metric's formula and unit. */
export function definitionsHtml(): string {
  return (
    '<h2>Metric definitions and sources</h2>' +
    METRIC_SETS.map(
      (d) =>
        `<h3>${esc(d.name)} <small>(${esc(d.id)})</small></h3><p class="m">Source: ${esc(d.source)}${d.success ? `<br>Success: ${esc(d.success)}` : '<br>No success criterion of its own.'}` +
        `${d.everyStep ? '<br>Sampled every control step.' : '<br>Sampled once per metric frame (see Metric settings).'}</p>` +
        `<table class="def"><tr><th>key</th><th>metric</th><th>unit</th><th>definition</th></tr>` +
        d.metrics
          .map((m) => `<tr><td>${esc(m.key)}</td><td>${esc(m.label)}</td><td>${esc(m.unit)}</td><td>${esc(m.formula)}</td></tr>`)
          .join('') +
        '</table>',
    ).join('\n')
  );
}

/** The metric settings each group ran with (key bodies, frame rate), deduplicated. */
export function settingsHtml(r: EvalResult): string {
  const seen = new Map<string, string[]>();
  for (const g of r.groups) {
    if (!g.metric_settings) continue;
    const k = JSON.stringify(g.metric_settings);
    seen.set(k, [...(seen.get(k) ?? []), g.variant]);
  }
  const rows = [...seen].map(([k, vs]) => {
    const m = JSON.parse(k) as NonNullable<EvalResult['groups'][0]['metric_settings']>;
    return (
      `<tr><td>${esc([...new Set(vs)].join(', '))}</td><td>${m.control_hz} Hz</td><td>${m.frame_hz} Hz (every ${m.frame_stride} step${m.frame_stride > 1 ? 's' : ''})</td>` +
      `<td>${esc(m.key_bodies.join(', '))}</td><td>${esc(m.tracked_bodies.join(', '))}</td><td>${esc(m.end_effectors.join(', ') || '(none)')}</td><td>${esc(m.anchor)} / ${esc(m.root)}</td></tr>`
    );
  });
  return (
    '<h2>Metric settings</h2><table class="def"><tr><th>variant</th><th>control rate</th><th>metric frame rate (PHC, GMT)</th><th>key bodies (GMT)</th>' +
    '<th>tracked bodies (PHC, MPJPE)</th><th>end effectors</th><th>anchor / root</th></tr>' +
    rows.join('') +
    '</table>' +
    `<p class="m">Requested: key bodies ${esc(r.settings.metrics.key_bodies?.join(', ') ?? 'default (tracked bodies)')}, frame rate ${r.settings.metrics.fps ?? 'default (control rate)'}.</p>`
  );
}

function setTable(r: EvalResult, id: 'phc' | 'gmt' | 'beyondmimic'): string {
  const doc = METRIC_SETS.find((d) => d.id === id)!;
  const head =
    `<tr><th>variant</th><th>clip</th><th>scenario</th>${doc.success ? '<th>success</th>' : ''}` +
    doc.metrics.map((m) => `<th>${esc(m.label)}<br><small>${esc(m.unit)}</small></th>`).join('') +
    '</tr>';
  const rows = r.groups.map((g) => {
    const a: SetAggregate = g.aggregate.sets[id];
    const succ = doc.success
      ? `<td>${a.success_rate === null ? '–' : `${a.successes}/${a.determined} = ${fmt(a.success_rate * 100, 0)}%<br><small>[${fmt(a.success_ci95![0] * 100, 0)}, ${fmt(a.success_ci95![1] * 100, 0)}]</small>`}</td>`
      : '';
    return `<tr><td>${esc(g.variant)}</td><td>${esc(g.clip)}</td><td>${esc(g.scenario)}</td>${succ}${doc.metrics.map((m) => `<td>${ci(a.stats[m.key])}</td>`).join('')}</tr>`;
  });
  return `<h3>${esc(doc.name)}</h3><table>${head}${rows.join('')}</table>`;
}

/** One table per set (group rows: means with 95 % intervals and null counts), plus ProtoMotions' failure rates. */
export function setsHtml(r: EvalResult): string {
  const pm = METRIC_SETS.find((d) => d.id === 'protomotions')!;
  const terms = [...new Set([...pm.metrics.map((m) => m.key), ...r.groups.flatMap((g) => Object.keys(g.aggregate.sets.protomotions))])];
  const pmRows = r.groups.map(
    (g) =>
      `<tr><td>${esc(g.variant)}</td><td>${esc(g.clip)}</td><td>${esc(g.scenario)}</td>` +
      terms
        .map((t) => {
          const x = g.aggregate.sets.protomotions[t];
          return `<td>${x && x.rate !== null ? `${x.count} = ${fmt(x.rate * 100, 0)}%<br><small>[${fmt(x.ci95![0] * 100, 0)}, ${fmt(x.ci95![1] * 100, 0)}]</small>` : '–'}</td>`;
        })
        .join('') +
      '</tr>',
  );
  return (
    '<h2>Metric sets (same episodes, published definitions)</h2>' +
    setTable(r, 'phc') +
    setTable(r, 'gmt') +
    setTable(r, 'beyondmimic') +
    `<h3>${esc(pm.name)}</h3><table><tr><th>variant</th><th>clip</th><th>scenario</th>${terms.map((t) => `<th>${esc(t)}</th>`).join('')}</tr>${pmRows.join('')}</table>`
  );
}

/** Per-clip table, sortable by any column without scripts (worst first), plus dataset aggregates and failures. */
export function clipsHtml(r: EvalResult): string {
  const rows = clipRows(r);
  const cols: [string, string, string][] = [
    ['clip', 'clip', ''],
    ...CLIP_COLUMNS.map(([k, l, u]) => [k, l, u] as [string, string, string]),
  ];
  const sorted = (k: string) =>
    k === 'clip'
      ? [...rows].sort((a, b) => (a.clip < b.clip ? -1 : 1))
      : [...rows].sort((a, b) => {
          const x = a.values[k] ?? -Infinity,
            y = b.values[k] ?? -Infinity;
          return k === 'success_rate' ? x - y : y - x; // worst first
        });
  const radios = cols.map((_, i) => `<input type="radio" name="clipsort" id="cs${i}"${i === 0 ? ' checked' : ''}>`).join('');
  const head =
    '<tr>' +
    cols
      .map(
        ([, l, u], i) =>
          `<th><label for="cs${i}" title="sort by ${esc(l)}">${esc(l)}${u ? `<br><small>${esc(u)}</small>` : ''} ⇅</label></th>`,
      )
      .join('') +
    '<th>episodes</th></tr>';
  const tables = cols
    .map(
      ([k], i) =>
        `<table class="st st${i}">${head}${sorted(k)
          .map(
            (c) =>
              `<tr class="${c.successes < c.episodes ? 'f' : ''}"><td>${esc(c.clip)}</td>${CLIP_COLUMNS.map(([key]) => `<td>${fmt(c.values[key], key === 'success_rate' ? 1 : 4)}</td>`).join('')}` +
              `<td>${c.successes}/${c.episodes}${c.invalid ? ` (${c.invalid} invalid)` : ''}</td></tr>`,
          )
          .join('')}</table>`,
    )
    .join('');
  const css =
    `<style>.sorter input{display:none}.sorter .st{display:none}.sorter label{cursor:pointer;text-decoration:underline dotted}` +
    cols.map((_, i) => `#cs${i}:checked~.st${i}`).join(',') +
    '{display:table}</style>';
  const d = datasetAggregate(r);
  const dataset =
    `<p class="m">Dataset: ${d.clips} clip(s); clips with every episode successful ${d.clips_succeeded}/${d.clips}` +
    (d.clip_success_rate !== null
      ? ` = ${fmt(d.clip_success_rate * 100, 1)}% [${fmt(d.clip_success_ci95![0] * 100, 1)}, ${fmt(d.clip_success_ci95![1] * 100, 1)}]`
      : '') +
    '. Over clips (each clip one unit, 95% t interval): ' +
    CLIP_COLUMNS.filter(([k]) => d.stats[k])
      .map(([k, l, u]) => `${esc(l)} ${fmt(d.stats[k].mean, 4)} [${fmt(d.stats[k].ci95[0], 4)}, ${fmt(d.stats[k].ci95[1], 4)}] ${esc(u)}`)
      .join(' · ') +
    '</p>';
  const failed = failedEpisodes(r);
  const fail =
    `<h3>Failed episodes (${failed.length})</h3>` +
    (failed.length
      ? `<p class="m">failed.txt lists these clips for <code>--motion-list failed.txt</code>.</p><table><tr><th>clip</th><th>variant</th><th>scenario</th><th>#</th><th>failure time (s)</th><th>reason</th></tr>` +
        failed
          .map(
            (f) =>
              `<tr class="f"><td>${esc(f.clip)}</td><td>${esc(f.variant)}</td><td>${esc(f.scenario)}</td><td>${f.episode}</td><td>${fmt(f.failure_s, 2)}</td><td>${esc(f.reason)}</td></tr>`,
          )
          .join('') +
        '</table>'
      : '<p class="m">none</p>');
  const diag =
    '<h3>Reference diagnostics</h3><table><tr><th>clip</th><th>frames</th><th>rate (Hz)</th><th>length (s)</th><th>root height (m)</th>' +
    '<th>max root speed (m/s)</th><th>fastest joint (rad/s)</th><th>joint-limit violations (samples)</th><th>worst excess (rad)</th><th>non-finite</th></tr>' +
    rows
      .map((c) => {
        const d = c.diagnostics;
        if (!d) return `<tr><td>${esc(c.clip)}</td><td colspan="9">–</td></tr>`;
        return (
          `<tr class="${d.non_finite || d.limit_violations ? 'f' : ''}"><td>${esc(c.clip)}</td><td>${d.frames}</td><td>${fmt(d.fps, 1)}</td><td>${fmt(d.seconds, 2)}</td>` +
          `<td>${fmt(d.root_height_m[0], 3)} – ${fmt(d.root_height_m[1], 3)}</td><td>${fmt(d.max_root_speed_m_s, 2)}</td><td>${fmt(d.max_joint_speed_rad_s, 2)} <small>${esc(d.fastest_joint)}</small></td>` +
          `<td>${d.limit_violations}</td><td>${d.limit_violations ? `${fmt(d.max_limit_excess_rad, 3)} <small>${esc(d.worst_limit_joint)}</small>` : '–'}</td><td>${d.non_finite}</td></tr>`
        );
      })
      .join('') +
    '</table>';
  return `<h2>Clips (${rows.length})</h2>${dataset}${css}<div class="sorter">${radios}${tables}</div>${fail}${diag}`;
}

const csvCell = (v: unknown): string => {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String((v as string | null | undefined) ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** clips.csv: one row per clip. */
export function clipsCsv(r: EvalResult): string {
  const head = ['clip', 'episodes', 'successes', 'invalid', ...CLIP_COLUMNS.map(([k]) => k)];
  const rows = clipRows(r).map((c) => [c.clip, c.episodes, c.successes, c.invalid, ...CLIP_COLUMNS.map(([k]) => c.values[k])]);
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
