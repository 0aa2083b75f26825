/**
 * The evaluation panel: runs the same evaluation as `npm run eval` (src/core/evaluation) on the robot, policy
 * and clips loaded in the app, in Web Workers, with live progress; the panel shows the headline numbers, the
 * self-contained HTML report opens full width in a dialog (iframe srcdoc); JSON / CSV / HTML downloads.
 * Clips: a dropped folder (clip-input.ts, read like the CLI's `--motion DIR`), else the policy's own reference
 * (an embedded-reference or phase-conditioned export, like the CLI without `--motion`), else the timeline's clips.
 * Progress in episodes with an ETA; the per-clip table, failed list and dataset aggregates (dataset-view.ts).
 */
import { runPlan, type EvalPlan } from '../../core/evaluation/plan';
import { failedList } from '../../core/evaluation/dataset';
import { clipsCsv, episodesCsv, flatSummary, pooled, summaryCsv, toHtml, toJson } from '../../core/evaluation/report';
import { parseScenario } from '../../core/evaluation/scenario';
import type { EngineKind, EvalResult } from '../../core/evaluation/types';
import { START_MODES, type StartMode } from '../../core/policy/start';
import { clipInput } from './clip-input';
import type { DroppedClips } from './clips';
import { planFromContext, type EvaluationContext } from './context';
import { datasetView } from './dataset-view';
import { countingEpisodes, episodeTotal, etaSeconds, formatEta } from './progress';
import nominalText from '../../../seeds/nominal.json?raw';
import pushText from '../../../seeds/push-recovery.json?raw';
import robustText from '../../../seeds/robustness.json?raw';
import { createWebPool, type WebPool } from './pool';
import { el } from '../dom';

export type { EvaluationContext } from './context';
export { planFromContext } from './context';

const SCENARIOS: Record<string, string> = { nominal: nominalText, 'push-recovery': pushText, robustness: robustText };

const num = (value: number, min: number, max: number, step: number, id: string): HTMLInputElement =>
  el('input', { id, type: 'number', value: String(value), min: String(min), max: String(max), step: String(step) });

function label(text: string, input: HTMLElement): HTMLLabelElement {
  const l = el('label', {}, el('span', { className: 'dim' }, text), input);
  l.style.cssText = 'display:flex;justify-content:space-between;align-items:center;gap:8px;margin:3px 0';
  return l;
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const CSS =
  '.eval-drop{border:1px dashed var(--line);border-radius:4px;padding:6px;margin:4px 0}.eval-drop.over{border-color:var(--text)}' +
  '.eval-scroll{overflow-x:auto;max-width:100%}' +
  '.eval-table{border-collapse:collapse;font-size:11px;margin:4px 0}.eval-table td,.eval-table th{border:1px solid var(--line);padding:1px 4px;text-align:right}' +
  '.eval-table th{cursor:pointer}.eval-table td:nth-child(3){white-space:nowrap}.eval-table th:first-child,.eval-table td:first-child{text-align:left;max-width:14em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}' +
  '.eval-table tr.failed td{color:#f08080}#eval-failed{font-size:11px;padding-left:18px;margin:2px 0}';

/** The settings part of the panel: scenario, engine, episodes, envs, workers, seconds, assist, start. */
function settingsForm(ctx: EvaluationContext) {
  const scenario = el('select', { id: 'eval-scenario' });
  for (const k of Object.keys(SCENARIOS)) scenario.append(el('option', { value: k, textContent: k }));
  scenario.value = 'push-recovery';
  const engine = el('select', { id: 'eval-engine' });
  for (const [v, t] of [
    ['rapier', 'Rapier'],
    ['mujoco', 'MuJoCo (WASM)'],
    ['rapier,mujoco', 'Rapier vs MuJoCo'],
  ])
    engine.append(el('option', { value: v, textContent: t }));
  const start = el('select', { id: 'eval-start' });
  for (const m of START_MODES) start.append(el('option', { value: m, textContent: m }));
  start.value = 'ground';
  const cores = Math.max(1, Math.min(8, (navigator.hardwareConcurrency || 2) - 1));
  const f = {
    scenario,
    engine,
    start,
    episodes: num(4, 1, 256, 1, 'eval-episodes'),
    envs: num(2, 1, 64, 1, 'eval-envs'),
    workers: num(Math.min(2, cores), 1, 16, 1, 'eval-workers'),
    seconds: num(10, 0, 600, 0.5, 'eval-seconds'),
    assist: num(ctx.store?.getState().assist ?? 1, 0, 1, 0.1, 'eval-assist'),
  };
  const element = el(
    'div',
    {},
    label('Scenario', scenario),
    label('Engine', engine),
    label('Start (ground: the reference pose on the floor)', start),
    label('Episodes per clip', f.episodes),
    label('Envs per batch', f.envs),
    label('Workers', f.workers),
    label('Seconds per episode (0 = whole clip)', f.seconds),
    label('Assist without a policy (0 = none)', f.assist),
  );
  return { element, f };
}

function downloadButtons(r: EvalResult, html: string, dataset: DroppedClips | undefined): HTMLElement[] {
  const failed = failedList(r, (c) => dataset?.paths.get(c.replace(/#.*$/, '')) ?? c);
  return [
    el('button', { textContent: 'HTML report', onclick: () => download('report.html', html, 'text/html') }),
    el('button', { textContent: 'JSON', onclick: () => download('eval.json', toJson(r), 'application/json') }),
    el('button', { textContent: 'CSV (episodes)', onclick: () => download('episodes.csv', episodesCsv(r), 'text/csv') }),
    el('button', { textContent: 'CSV (summary)', onclick: () => download('summary.csv', summaryCsv(r), 'text/csv') }),
    el('button', { textContent: 'CSV (clips)', onclick: () => download('clips.csv', clipsCsv(r), 'text/csv') }),
    el('button', { textContent: 'failed.txt', disabled: !failed, onclick: () => download('failed.txt', failed, 'text/plain') }),
    el('button', {
      textContent: 'Open in a tab',
      onclick: () => window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank'),
    }),
  ];
}

/** The headline numbers of a result (pooled over every episode). */
function headline(r: EvalResult, box: HTMLElement): void {
  const s = flatSummary(pooled(r));
  box.dataset.summary = JSON.stringify(s); // machine-readable (browser tests); NaN becomes null
  box.replaceChildren(
    el('div', { textContent: `success ${(Number(s.success_rate) * 100).toFixed(0)}% of ${s.episodes}` }),
    el('div', { textContent: `survival ${Number(s.survived_s).toFixed(2)} s` }),
    el('div', { textContent: `MPJPE ${(Number(s.mpjpe_m) * 1000).toFixed(1)} mm` }),
    el('div', { textContent: `joint RMSE ${Number(s.joint_pos_rmse_rad).toFixed(3)} rad` }),
  );
}

export function mountEvaluationPanel(root: HTMLElement, ctx: EvaluationContext): { destroy(): void } {
  const { element: settings, f } = settingsForm(ctx);
  const clips = clipInput();
  const runBtn = el('button', { id: 'eval-run', textContent: 'Run evaluation' });
  const cancelBtn = el('button', { id: 'eval-cancel', textContent: 'Cancel', disabled: true });
  const bar = el('progress', { id: 'eval-progress', max: 1, value: 0 });
  bar.style.width = '100%';
  const count = el('div', { id: 'eval-count', className: 'num' });
  const status = el('div', {
    id: 'eval-status',
    className: 'dim num',
    textContent:
      "Evaluates the loaded robot + policy (or the built-in controller) on the dropped clips, the policy's own reference or the timeline's clips.",
  });
  const summary = el('div', { id: 'eval-summary', className: 'num' });
  summary.style.cssText = 'display:grid;grid-template-columns:1fr 1fr;gap:2px 10px;font-size:14px;margin:6px 0';
  const tables = el('div', { id: 'eval-tables' });
  const downloads = el('div', { id: 'eval-downloads' });
  downloads.style.cssText = 'display:flex;gap:6px;flex-wrap:wrap;margin:6px 0';
  const frame = el('iframe', { id: 'eval-report', title: 'evaluation report' });
  frame.setAttribute('sandbox', '');
  const closeBtn = el('button', { id: 'eval-report-close', textContent: 'Close (Esc)' });
  const dialog = el(
    'dialog',
    { id: 'eval-report-dialog', className: 'report' },
    el('div', { className: 'bar' }, el('b', { textContent: 'Evaluation report' }), closeBtn),
    frame,
  );
  closeBtn.onclick = () => dialog.close();
  const openBtn = el('button', {
    id: 'eval-open-report',
    textContent: 'Open the report (full width)',
    disabled: true,
    onclick: () => dialog.showModal(),
  });
  root.append(
    el('style', { textContent: CSS }),
    el('h2', { textContent: 'Evaluation' }),
    clips.element,
    settings,
    el('div', {}, runBtn, ' ', cancelBtn),
    bar,
    count,
    status,
    summary,
    openBtn,
    downloads,
    tables,
    dialog,
  );

  let pool: WebPool | null = null;
  const show = (r: EvalResult, dataset: DroppedClips | undefined) => {
    const html = toHtml(r, `Evaluation · ${r.robot}`);
    frame.srcdoc = html;
    openBtn.disabled = false;
    headline(r, summary);
    tables.replaceChildren(datasetView(r));
    // per group: which clip it ran on and for how long (the clip's own length, or an embedded reference's probed one)
    tables.dataset.groups = JSON.stringify(
      r.groups.map((g) => ({ clip: g.clip, variant: g.variant, scenario: g.scenario, clip_s: g.episodes.map((e) => e.clip_s) })),
    );
    downloads.replaceChildren(...downloadButtons(r, html, dataset));
  };
  const setCount = (done: number, total: number, fraction: number, t0: number) => {
    const elapsed = (performance.now() - t0) / 1000;
    count.dataset.done = String(done);
    count.dataset.total = String(total);
    count.textContent = `episodes ${done}/${total} · ${(fraction * 100).toFixed(0)}% · ${elapsed.toFixed(1)} s · ${fraction >= 1 ? 'done' : formatEta(etaSeconds(elapsed, fraction))}`;
  };

  runBtn.onclick = async () => {
    let built: ReturnType<typeof planFromContext>;
    try {
      const scenario = parseScenario(SCENARIOS[f.scenario.value], `seeds/${f.scenario.value}.json`);
      built = planFromContext(ctx, {
        scenario,
        episodes: Number(f.episodes.value) || 1,
        envs: Number(f.envs.value) || 1,
        seconds: Number(f.seconds.value) > 0 ? Number(f.seconds.value) : undefined,
        engines: f.engine.value.split(',') as EngineKind[],
        assist: Math.min(1, Math.max(0, Number(f.assist.value) || 0)),
        start: f.start.value as StartMode,
        dropped: clips.files(),
        fps: clips.fps(),
      });
    } catch (e) {
      status.textContent = `Cannot run: ${(e as Error).message}`;
      ctx.reportError?.(e, 'evaluation');
      return;
    }
    const { plan, dataset, source } = built;
    if (dataset)
      clips.note(
        `${dataset.sources.length} clip(s) to run` +
          (dataset.notRead.length ? ` · not read: ${dataset.notRead.map((n) => n.error).join(' · ')}` : '') +
          (dataset.ignored.length ? ` · not clips: ${dataset.ignored.join(', ')}` : ''),
      );
    await execute(plan, dataset, source);
  };

  const execute = async (plan: EvalPlan, dataset: DroppedClips | undefined, source: string) => {
    runBtn.disabled = true;
    cancelBtn.disabled = false;
    bar.value = 0;
    bar.dataset.partial = '0';
    status.textContent = `starting workers… (clips: ${source})`;
    const total = episodeTotal(plan);
    let done = 0,
      fraction = 0,
      partial = 0;
    const t0 = performance.now();
    setCount(0, total, 0, t0);
    pool = createWebPool(Number(f.workers.value) || 1);
    const executors = countingEpisodes(pool.executors, (n) => {
      done += n;
      setCount(done, total, fraction, t0);
    });
    try {
      const r = await runPlan(plan, executors, (p) => {
        bar.value = fraction = p.fraction;
        if (fraction > 0 && fraction < 1) bar.dataset.partial = String(++partial); // live updates before the end
        setCount(done, total, fraction, t0);
      });
      status.textContent =
        `done in ${r.timing.wall_s.toFixed(1)} s on ${r.timing.workers} worker(s) · ${r.timing.ms_per_control_step.toFixed(2)} ms ` +
        `per batch control step · clips: ${source}`;
      show(r, dataset);
    } catch (e) {
      status.textContent = (e as Error).message === 'cancelled' ? 'cancelled' : `failed: ${(e as Error).message}`;
      if ((e as Error).message !== 'cancelled') ctx.reportError?.(e, 'evaluation');
    } finally {
      void pool?.close();
      pool = null;
      runBtn.disabled = false;
      cancelBtn.disabled = true;
    }
  };
  cancelBtn.onclick = () => void pool?.close();
  return {
    destroy: () => {
      void pool?.close();
      root.replaceChildren();
    },
  };
}
