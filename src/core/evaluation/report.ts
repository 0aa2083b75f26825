/**
 * Reports: JSON and CSV for machines, a self-contained HTML page (inline SVG, no scripts) for people.
 * Variants (policies / engines / settings) are shown side by side, one colour each.
 */
import { terrainHtml } from './terrain'; // terrain (issue 16)
import { aggregate, scalarMetrics, type AggregateMetrics, type ScalarMetric } from './metrics';
import { METRIC_SETS } from './metrics/index';
import { survivalCurve } from './stats';
import { CHART_CSS, barChart, esc, fmt, hBarChart, lineChart } from './svg';
import type { EvalResult, GroupResult } from './types';
import { clipsHtml, definitionsHtml, setsHtml, settingsHtml } from './report-sets';

export { clipsCsv } from './report-sets';

/** Human labels and units of the scalar metrics. */
export const METRIC_LABELS: Record<ScalarMetric, [string, string]> = {
  survived_s: ['Survival time', 's'],
  mean_joint_err_rad: ['Mean |joint error|', 'rad'],
  joint_pos_rmse_rad: ['Joint position RMSE', 'rad'],
  joint_vel_rmse_rad_s: ['Joint velocity RMSE', 'rad/s'],
  mpjpe_m: ['Body position error (MPJPE, global)', 'm'],
  mpjpe_root_rel_m: ['Body position error (root frame)', 'm'],
  mean_anchor_pos_err_m: ['Anchor position error', 'm'],
  anchor_ori_err_rad: ['Anchor orientation error', 'rad'],
  ee_pos_err_m: ['End-effector position error', 'm'],
  torque_rms_nm: ['Torque RMS', 'N·m'],
  power_w: ['Mechanical power Σ|τ·q̇|', 'W'],
  foot_slip_m_s: ['Foot slip in contact', 'm/s'],
  non_finite_actions: ['Non-finite actions', 'count'],
};

/** The summary numbers of one aggregate as a flat object (means; used by the CLI --json output). */
export function flatSummary(a: AggregateMetrics): Record<string, number | [number, number]> {
  const out: Record<string, number | [number, number]> = {
    episodes: a.episodes,
    success_rate: a.success_rate,
    success_ci95: a.success_ci95,
  };
  for (const k of scalarMetrics) out[k] = a.stats[k].mean;
  return out;
}

/** Pooled aggregate over every group (= the group's own when there is one). */
export const pooled = (r: EvalResult): AggregateMetrics => aggregate(r.groups.flatMap((g) => g.episodes));

export const toJson = (r: EvalResult): string => JSON.stringify(r, null, 2) + '\n';

const csvCell = (v: unknown): string => {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String((v as string | null | undefined) ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The columns that name a group in every CSV, and their cells. */
const GROUP_COLUMNS = ['group', 'variant', 'policy', 'engine', 'clip', 'scenario', 'seed'];
const groupCells = (g: EvalResult['groups'][number]): (string | number)[] => [
  g.id,
  g.variant,
  g.policy,
  g.engine,
  g.clip,
  g.scenario,
  g.seed,
];

/** One row per episode. */
export function episodesCsv(r: EvalResult): string {
  const setKeys = METRIC_SETS.filter((d) => d.id !== 'own' && d.id !== 'protomotions').flatMap((d) => d.metrics.map((m) => [d.id, m.key]));
  const head = [
    ...GROUP_COLUMNS,
    'episode',
    'success',
    'status',
    'invalid_reasons',
    'termination',
    'clip_s',
    ...scalarMetrics,
    ...setKeys.map(([id, k]) => `${id}.${k}`),
    'phc.success',
    'beyondmimic.success',
    'pushes',
    'friction',
    'action_delay_steps',
  ];
  const rows = r.groups.flatMap((g) =>
    g.episodes.map((e) => [
      ...groupCells(g),
      e.index,
      e.success,
      e.status,
      (e.invalid_reasons ?? []).join('; '),
      e.termination ?? '',
      e.clip_s,
      ...scalarMetrics.map((k) => e[k]),
      ...setKeys.map(([id, k]) => e.sets?.[id]?.metrics[k] ?? ''),
      e.sets?.phc?.success ?? '',
      e.sets?.beyondmimic?.success ?? '',
      e.perturbation.pushes.length,
      e.perturbation.friction,
      e.perturbation.action_delay_steps,
    ]),
  );
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** One row per group: success rate and the mean and 95% interval of every scalar metric. */
export function summaryCsv(r: EvalResult): string {
  const head = [
    ...GROUP_COLUMNS,
    'episodes',
    'success_rate',
    'success_lo',
    'success_hi',
    'invalid',
    ...scalarMetrics.flatMap((k) => [k, `${k}_lo`, `${k}_hi`]),
  ];
  const rows = r.groups.map((g) => {
    const a = g.aggregate;
    return [
      ...groupCells(g),
      a.episodes,
      a.success_rate,
      ...a.success_ci95,
      a.invalid ?? 0,
      ...scalarMetrics.flatMap((k) => [a.stats[k].mean, ...a.stats[k].ci95]),
    ];
  });
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

/** A rate as a whole percentage. */
const pct = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${Math.round(x * 100)}%`;

/** A mean with its 95 % half-width; no interval from one value, a dash without any. */
function meanCell(s: { mean: number; ci95: [number, number]; n: number; missing: number }): string {
  if (!s.n) return `–${s.missing ? `<br><small>${s.missing} null</small>` : ''}`;
  const half = s.n < 2 ? 'n = 1' : `±${fmt((s.ci95[1] - s.ci95[0]) / 2, 3)}`;
  return `${fmt(s.mean, 4)}<br><small>${half}${s.missing ? ` · ${s.missing} null` : ''}</small>`;
}

/** The definition of one of our scalar metrics (the 'own' set's formula), for the summary's header tooltips. */
const definitionOf = (k: ScalarMetric): string => {
  const m = METRIC_SETS.find((d) => d.id === 'own')?.metrics.find((x) => x.key === k);
  return m ? `${k}: ${m.formula}` : k;
};

/** Self-contained HTML report. */
/** The reference warnings (motion/diagnose.ts) of each clip or embedded reference, once per clip. */
function warningsHtml(r: EvalResult): string {
  const seen = new Set<string>(),
    rows: string[] = [];
  for (const g of r.groups) {
    if (seen.has(g.clip)) continue;
    seen.add(g.clip);
    for (const w of g.reference_warnings ?? []) {
      rows.push(
        `<tr class="f"><td>${esc(g.clip)}</td><td><code>${esc(w.code)}</code></td><td>${w.frames.length ? esc(w.frames.join(', ')) : 'whole clip'}${w.count > w.frames.length && w.frames.length ? ' …' : ''}</td><td>${esc(w.message)}</td></tr>`,
      );
    }
  }
  return (
    `<h2>Reference warnings (${rows.length})</h2>` +
    (rows.length
      ? `<table class="def"><tr><th>clip</th><th>code</th><th>frames</th><th>what</th></tr>${rows.join('')}</table>`
      : '<p class="m">none: every reference passed the checks (jumps, floor, joint limits, quaternions, rate)</p>')
  );
}

export function toHtml(r: EvalResult, title = 'Evaluation report'): string {
  const variants = uniq(r.groups.map((g) => g.variant));
  const cells = uniq(r.groups.map((g) => `${g.clip} · ${g.scenario}`));
  const find = (v: string, c: string): GroupResult | undefined =>
    r.groups.find((g) => g.variant === v && `${g.clip} · ${g.scenario}` === c);
  const parts: string[] = [];
  parts.push(
    `<h1>${esc(title)}</h1><p class="m">robot <b>${esc(r.robot)}</b> · ${r.groups.length} group(s) · ${variants.length} variant(s) · ` +
      `episodes per group ${r.settings.episodes} · ${r.settings.seconds ? `${r.settings.seconds} s cap` : 'full clip'} · start: ${r.settings.start} · ` +
      `batch of ${r.settings.envs} env(s) per engine · wall ${fmt(r.timing.wall_s, 1)} s on ${r.timing.workers} worker(s), ` +
      `${fmt(r.timing.ms_per_control_step, 2)} ms per batch control step</p>`,
  );
  // summary table
  const sumCols = scalarMetrics.filter((k) => k !== 'mean_joint_err_rad');
  parts.push(
    '<h2>Summary</h2><table><tr><th>variant</th><th>clip</th><th>scenario</th><th>success</th>' +
      sumCols
        .map((k) => `<th title="${esc(definitionOf(k))}">${esc(METRIC_LABELS[k][0])}<br><small>${esc(METRIC_LABELS[k][1])}</small></th>`)
        .join('') +
      '</tr>',
  );
  for (const g of r.groups) {
    const a = g.aggregate;
    parts.push(
      `<tr><td>${esc(g.variant)}</td><td>${esc(g.clip)}</td><td>${esc(g.scenario)} <small>seed ${g.seed}</small></td>` +
        `<td>${a.successes}/${a.episodes} = ${pct(a.success_rate)}<br><small>[${pct(a.success_ci95[0])}, ${pct(a.success_ci95[1])}]</small>` +
        `${a.invalid ? `<br><b class="inv">${a.invalid} invalid</b>` : ''}</td>` +
        sumCols.map((k) => `<td>${meanCell(a.stats[k])}</td>`).join('') +
        '</tr>',
    );
  }
  parts.push(
    '</table><p class="m">Means over episodes with 95% intervals (Student t; success rate: Wilson). Success = no termination over the ' +
      'evaluated time (BeyondMimic: anchor height error &gt; 0.25 m, anchor orientation (projected gravity z) difference &gt; 0.8, ' +
      'end-effector height error &gt; 0.25 m) and a valid episode (finite actions and metrics, at least one scored step). ' +
      'Null metrics (could not be computed) are left out of the means and counted; one episode has no interval (n = 1). ' +
      'Each column&#39;s formula: hover its header, or see the last section, <b>Metric definitions and sources</b>.</p>',
  );
  parts.push(terrainHtml(r)); // success against terrain difficulty (issue 16)
  parts.push(warningsHtml(r));
  parts.push(settingsHtml(r));
  parts.push(setsHtml(r));
  parts.push(clipsHtml(r));
  // metric charts per clip × scenario, variants side by side
  parts.push('<h2>Metrics per clip and scenario</h2>');
  parts.push(
    barChart({
      title: 'Success rate',
      unit: '%',
      categories: cells,
      series: variants.map((v) => ({
        name: v,
        values: cells.map((c) => 100 * (find(v, c)?.aggregate.success_rate ?? NaN)),
        lo: cells.map((c) => 100 * (find(v, c)?.aggregate.success_ci95[0] ?? NaN)),
        hi: cells.map((c) => 100 * (find(v, c)?.aggregate.success_ci95[1] ?? NaN)),
      })),
    }),
  );
  for (const k of scalarMetrics) {
    parts.push(
      barChart({
        title: METRIC_LABELS[k][0],
        unit: METRIC_LABELS[k][1],
        categories: cells,
        series: variants.map((v) => ({
          name: v,
          values: cells.map((c) => find(v, c)?.aggregate.stats[k].mean ?? NaN),
          lo: cells.map((c) => find(v, c)?.aggregate.stats[k].ci95[0] ?? NaN),
          hi: cells.map((c) => find(v, c)?.aggregate.stats[k].ci95[1] ?? NaN),
        })),
      }),
    );
  }
  // survival curves
  parts.push('<h2>Survival</h2>');
  for (const c of cells) {
    const series = variants.flatMap((v) => {
      const g = find(v, c);
      if (!g) return [];
      const tmax = Math.max(...g.episodes.map((e) => e.clip_s), 0.02);
      const xs = Array.from({ length: 101 }, (_, i) => (tmax * i) / 100);
      return [
        {
          name: v,
          xs,
          ys: survivalCurve(
            g.episodes.map((e) => e.survived_s),
            xs,
          ),
        },
      ];
    });
    parts.push(lineChart({ title: `Survival · ${c}`, xLabel: 'time (s)', yLabel: 'fraction alive', series, yMax: 1 }));
  }
  // per-joint
  parts.push('<h2>Per joint</h2>');
  for (const c of cells) {
    const gs = variants.map((v) => find(v, c));
    const g0 = gs.find((g) => g);
    if (!g0) continue;
    const series = (f: (a: AggregateMetrics) => number[]) =>
      variants.map((v, i) => ({
        name: v,
        values: g0.joint_names.map((j) => {
          const g = gs[i];
          const k = g ? g.joint_names.indexOf(j) : -1;
          return g && k >= 0 ? f(g.aggregate)[k] : NaN;
        }),
      }));
    parts.push(
      hBarChart({ title: `Mean |joint error| · ${c}`, unit: 'rad', labels: g0.joint_names, series: series((a) => a.joint_err_rad) }),
    );
    parts.push(
      hBarChart({ title: `Torque RMS · ${c}`, unit: 'N·m', labels: g0.joint_names, series: series((a) => a.torque_rms_joint_nm) }),
    );
    parts.push(
      hBarChart({ title: `Torque peak · ${c}`, unit: 'N·m', labels: g0.joint_names, series: series((a) => a.torque_peak_joint_nm) }),
    );
  }
  // adjustments per engine
  parts.push('<h2>Model adjustments per engine</h2>');
  for (const [eng, adj] of uniq(r.groups.map((g) => g.engine)).map(
    (e) => [e, r.groups.find((g) => g.engine === e)!.adjustments] as const,
  )) {
    parts.push(`<h3>${esc(eng)}</h3>${adj.length ? `<ul>${adj.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>` : '<p class="m">none</p>'}`);
  }
  // episodes
  parts.push(
    '<h2>Episodes</h2><table><tr><th>variant</th><th>clip</th><th>scenario</th><th>#</th><th>success</th><th>survived (s)</th><th>termination</th>' +
      '<th>MPJPE (m)</th><th>joint RMSE (rad)</th><th>anchor (m)</th><th>pushes</th><th>friction ×</th><th>delay (steps)</th></tr>',
  );
  for (const g of r.groups) {
    for (const e of g.episodes) {
      const pushes = e.perturbation.pushes
        .map((p) => `${p.body} ${fmt(Math.hypot(...p.force), 0)} N @ ${fmt(p.start_s, 2)} s for ${fmt(p.duration_s, 2)} s`)
        .join('; ');
      parts.push(
        `<tr class="${e.success ? '' : 'f'}"><td>${esc(g.variant)}</td><td>${esc(g.clip)}</td><td>${esc(g.scenario)}</td><td>${e.index}</td><td>${e.status === 'invalid' ? '<b class="inv">invalid</b>' : e.success ? 'yes' : 'no'}</td>` +
          `<td>${fmt(e.survived_s, 2)} / ${fmt(e.clip_s, 2)}</td><td>${esc(e.termination ?? '')}</td><td>${fmt(e.mpjpe_m, 4)}</td><td>${fmt(e.joint_pos_rmse_rad, 4)}</td>` +
          `<td>${fmt(e.mean_anchor_pos_err_m, 4)}</td><td>${esc(pushes)}</td><td>${fmt(e.perturbation.friction, 2)}</td><td>${e.perturbation.action_delay_steps}</td></tr>`,
      );
    }
  }
  parts.push('</table>');
  parts.push(`<section id="definitions">${definitionsHtml()}</section>`);
  const css =
    `body{background:#121418;color:#ddd;font:13px/1.4 system-ui,sans-serif;margin:16px}h1{font-size:20px}h2{font-size:16px;margin-top:24px;border-bottom:1px solid #333}` +
    `table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #333;padding:3px 6px;text-align:right}th{background:#1d2128}td:nth-child(-n+3){text-align:left}` +
    `tr.f td{color:#f08080}.inv{color:#ff5050}table.def td,table.def th{text-align:left}th:nth-child(-n+3){text-align:left}.sorter td:nth-child(n+2),.sorter th:nth-child(n+2){text-align:right}code{color:#cde}small{color:#999}.m{color:#aaa}` +
    CHART_CSS;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>${css}</style></head><body>${parts.join('\n')}</body></html>\n`;
}
