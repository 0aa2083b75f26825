/**
 * The evaluation panel: runs the same evaluation as `npm run eval` (src/core/evaluation) on the robot, policy
 * and clips loaded in the app, in Web Workers, with live progress; the panel shows the headline numbers, the
 * self-contained HTML report opens full width in a dialog (iframe srcdoc); JSON / CSV / HTML downloads.
 */
import type { MotionClip } from '../../core/motion/types';
import { runPlan, type EvalPlan } from '../../core/evaluation/plan';
import { episodesCsv, flatSummary, pooled, summaryCsv, toHtml, toJson } from '../../core/evaluation/report';
import { parseScenario, type Scenario } from '../../core/evaluation/scenario';
import type { EvalVariant } from '../../core/evaluation/setup';
import type { EngineKind, EvalResult } from '../../core/evaluation/types';
import nominalText from '../../../seeds/nominal.json?raw';
import pushText from '../../../seeds/push-recovery.json?raw';
import robustText from '../../../seeds/robustness.json?raw';
import { createWebPool, type WebPool } from './pool';

/** What the app gives the panel (src/app/evaluation-tab.ts builds it from its store). */
export interface EvaluationContext {
  getRobot(): { name: string; file: string; text: string; files: { path: string; bytes: Uint8Array }[] } | null;
  getPolicy(): { name: string; file: string; bytes: Uint8Array; yaml?: string; profile?: string } | null;
  getClips(): { id: string; name: string; clip: MotionClip }[];
  reportError?(e: unknown, context?: string): void;
  /** the app's store: its `assist` (built-in controller) is the default assist when no policy is loaded */
  store?: { getState(): { assist?: number } };
}

const SCENARIOS: Record<string, string> = { nominal: nominalText, 'push-recovery': pushText, robustness: robustText };

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
}

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

/** Build the evaluation plan from what is loaded in the app. */
export function planFromContext(
  ctx: EvaluationContext,
  o: { scenario: Scenario; episodes: number; envs: number; seconds?: number; engines: EngineKind[]; assist?: number },
): EvalPlan {
  const robot = ctx.getRobot();
  if (!robot) throw new Error('load a robot first');
  const clips = ctx.getClips();
  if (!clips.length) throw new Error('put a clip on the timeline first');
  const policy = ctx.getPolicy();
  const variants: EvalVariant[] = o.engines.map((engine) => ({
    label: `${policy ? policy.name : `built-in controller (assist ${o.assist ?? 0})`} · ${engine}`,
    engine,
    assist: policy ? undefined : o.assist,
    policy: policy ? { file: policy.file, bytes: policy.bytes, yaml: policy.yaml, profile: policy.profile } : undefined,
    driver: policy ? 'policy' : 'reference',
  }));
  const files: Record<string, Uint8Array> = {};
  for (const f of robot.files.slice(1)) files[f.path] = f.bytes;
  return {
    robot: { file: robot.file, text: robot.text, files },
    variants,
    clips: clips.map((c) => ({ ...c.clip, name: c.name })),
    scenarios: [o.scenario],
    episodes: o.episodes,
    envs: o.envs,
    seconds: o.seconds,
  };
}

export function mountEvaluationPanel(root: HTMLElement, ctx: EvaluationContext): { destroy(): void } {
  const scenarioSel = el('select', { id: 'eval-scenario' });
  for (const k of Object.keys(SCENARIOS)) scenarioSel.append(el('option', { value: k, textContent: k }));
  scenarioSel.value = 'push-recovery';
  const engineSel = el('select', { id: 'eval-engine' });
  for (const [v, t] of [
    ['rapier', 'Rapier'],
    ['mujoco', 'MuJoCo (WASM)'],
    ['rapier,mujoco', 'Rapier vs MuJoCo'],
  ])
    engineSel.append(el('option', { value: v, textContent: t }));
  const episodes = num(4, 1, 256, 1, 'eval-episodes');
  const envs = num(2, 1, 64, 1, 'eval-envs');
  const cores = Math.max(1, Math.min(8, (navigator.hardwareConcurrency || 2) - 1));
  const workers = num(Math.min(2, cores), 1, 16, 1, 'eval-workers');
  const seconds = num(10, 0, 600, 0.5, 'eval-seconds');
  const assist = num(ctx.store?.getState().assist ?? 1, 0, 1, 0.1, 'eval-assist');
  const runBtn = el('button', { id: 'eval-run', textContent: 'Run evaluation' });
  const cancelBtn = el('button', { id: 'eval-cancel', textContent: 'Cancel', disabled: true });
  const bar = el('progress', { id: 'eval-progress', max: 1, value: 0 });
  bar.style.width = '100%';
  const status = el('div', {
    id: 'eval-status',
    className: 'dim num',
    textContent: "Evaluates the loaded robot + policy (or the built-in controller) on the timeline's clips.",
  });
  const summary = el('div', { id: 'eval-summary', className: 'num' });
  summary.style.cssText = 'display:grid;grid-template-columns:1fr 1fr;gap:2px 10px;font-size:14px;margin:6px 0';
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
    el('h2', { textContent: 'Evaluation' }),
    label('Scenario', scenarioSel),
    label('Engine', engineSel),
    label('Episodes', episodes),
    label('Envs per batch', envs),
    label('Workers', workers),
    label('Seconds per episode (0 = whole clip)', seconds),
    label('Assist without a policy (0 = none)', assist),
    el('div', {}, runBtn, ' ', cancelBtn),
    bar,
    status,
    summary,
    openBtn,
    downloads,
    dialog,
  );

  let pool: WebPool | null = null;
  const show = (r: EvalResult) => {
    const html = toHtml(r, `Evaluation · ${r.robot}`);
    frame.srcdoc = html;
    openBtn.disabled = false;
    const s = flatSummary(pooled(r));
    summary.dataset.summary = JSON.stringify(s); // machine-readable (browser test); NaN becomes null
    summary.replaceChildren(
      el('div', { textContent: `success ${(Number(s.success_rate) * 100).toFixed(0)}% of ${s.episodes}` }),
      el('div', { textContent: `survival ${Number(s.survived_s).toFixed(2)} s` }),
      el('div', { textContent: `MPJPE ${(Number(s.mpjpe_m) * 1000).toFixed(1)} mm` }),
      el('div', { textContent: `joint RMSE ${Number(s.joint_pos_rmse_rad).toFixed(3)} rad` }),
    );
    downloads.replaceChildren(
      el('button', { textContent: 'JSON', onclick: () => download('eval.json', toJson(r), 'application/json') }),
      el('button', { textContent: 'CSV (episodes)', onclick: () => download('episodes.csv', episodesCsv(r), 'text/csv') }),
      el('button', { textContent: 'CSV (summary)', onclick: () => download('summary.csv', summaryCsv(r), 'text/csv') }),
      el('button', { textContent: 'HTML report', onclick: () => download('report.html', html, 'text/html') }),
      el('button', {
        textContent: 'Open in a tab',
        onclick: () => window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank'),
      }),
    );
  };

  runBtn.onclick = async () => {
    let plan: EvalPlan;
    try {
      const scenario = parseScenario(SCENARIOS[scenarioSel.value], `seeds/${scenarioSel.value}.json`);
      plan = planFromContext(ctx, {
        scenario,
        episodes: Number(episodes.value) || 1,
        envs: Number(envs.value) || 1,
        seconds: Number(seconds.value) > 0 ? Number(seconds.value) : undefined,
        engines: engineSel.value.split(',') as EngineKind[],
        assist: Math.min(1, Math.max(0, Number(assist.value) || 0)),
      });
    } catch (e) {
      status.textContent = `Cannot run: ${(e as Error).message}`;
      ctx.reportError?.(e, 'evaluation');
      return;
    }
    runBtn.disabled = true;
    cancelBtn.disabled = false;
    bar.value = 0;
    status.textContent = 'starting workers…';
    pool = createWebPool(Number(workers.value) || 1);
    const t0 = performance.now();
    try {
      const r = await runPlan(plan, pool.executors, (p) => {
        bar.value = p.fraction;
        status.textContent = `${(p.fraction * 100).toFixed(0)}% · batches ${p.tasksDone}/${p.tasks} · ${((performance.now() - t0) / 1000).toFixed(1)} s`;
      });
      status.textContent = `done in ${r.timing.wall_s.toFixed(1)} s on ${r.timing.workers} worker(s) · ${r.timing.ms_per_control_step.toFixed(2)} ms per batch control step`;
      show(r);
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
