/**
 * The built app in headless Chromium (software GL, issue 12): the G1 with its meshes and the g1-dance-102 policy
 * (CPU observations), loaded through the file input. Prints the G1 load time, the first frame after load, and
 * over a window of control steps the real-time factor (simulated s / wall s) and the draw rate: first as the app
 * runs by default (the drawing quality follows the draw cost, draws paced so the simulation keeps real time), then
 * in the same page with the full-detail drawing every frame (how the app drew before the pace), side by side. Twice:
 * with the simulation on the page's own thread (`?sim=page`, the app before the simulation worker), then in the
 * simulation worker (the default; app/sim-hosts.ts), and the ratio of the two at full detail.
 * `npm run bench -- app-chromium`; APP_BENCH_STEPS sets the window (default 250 control steps = 5 s simulated).
 */
import { existsSync, readdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { serveBuiltApp, CHROMIUM_BASE_ARGS, runIfMain } from './chromium';

const OUT = 'test-results/bench-app-chromium-dist';
const ARGS = [...CHROMIUM_BASE_ARGS, '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];
const G1 = '../shared/assets/g1';
const DANCE = '../shared/assets/policies/g1-dance-102';

interface Probe {
  now: number;
  step: number;
  dt: number;
  draws: number;
  drawMs: number;
  quality: number;
  triangles: number;
  driver: string;
  robot: string | null;
  busy: unknown;
  ready: boolean;
}

function files(): string[] {
  const meshes = readdirSync(`${G1}/meshes`).map((f) => `${G1}/meshes/${f}`);
  return [`${G1}/g1_29dof_rev_1_0.xml`, ...meshes, `${DANCE}/policy.onnx`, `${DANCE}/deploy.yaml`, `${DANCE}/G1_Take_102.bvh_60hz.csv`];
}

interface HookState {
  step: number;
  controlDt: number;
  drawing: { draws: number; drawMs: number; quality: number; triangles: number };
  driver: string;
  robotName: string | null;
  busy: unknown;
  ready: boolean;
}

const probe = (page: Page): Promise<Probe> =>
  page.evaluate((): Probe => {
    const s = (window as unknown as { __mimic: { getState(): HookState } }).__mimic.getState();
    return {
      now: performance.now(),
      step: s.step,
      dt: s.controlDt,
      draws: s.drawing.draws,
      drawMs: s.drawing.drawMs,
      quality: s.drawing.quality,
      triangles: s.drawing.triangles,
      driver: s.driver,
      robot: s.robotName,
      busy: s.busy,
      ready: s.ready,
    };
  });

async function until(page: Page, ok: (p: Probe) => boolean, timeoutMs: number): Promise<Probe> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const p = await probe(page).catch(() => null);
    if (p && ok(p)) return p;
    if (Date.now() > end) throw new Error(`app-chromium bench: timed out; last state ${JSON.stringify(p)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The simulation and the drawing over a window of control steps. */
export interface Window {
  rtf: number;
  drawFps: number;
  drawMs: number;
  quality: number;
  triangles: number;
  steps: number;
}

export interface AppBenchResult extends Window {
  /** input to visible change, ms (median of 8): a control changed → the next draw issued, plus a draw's cost */
  inputMs: number;
  loadMs: number;
  firstDrawAfterLoadMs: number;
  /** the same page, full detail drawn every frame (the drawing before the pace) */
  fullDetail: Window;
}

async function measureWindow(page: Page, steps: number): Promise<Window> {
  const a = await until(page, (p) => p.step > 0, 120_000);
  const b = await until(page, (p) => p.step >= a.step + steps, 900_000);
  const wall = (b.now - a.now) / 1000;
  return {
    rtf: ((b.step - a.step) * b.dt) / wall,
    drawFps: (b.draws - a.draws) / wall,
    drawMs: b.drawMs,
    quality: b.quality,
    triangles: b.triangles,
    steps: b.step - a.step,
  };
}

/** One control change (the ghost select) to the next draw issued plus a draw's measured cost, ms, in the page. */
const inputToDraw = (page: Page, value: string): Promise<number> =>
  page.evaluate(async (v) => {
    type Hook = { getState(): { drawing: { draws: number; costMs: number } } };
    const h = (window as unknown as { __mimic: Hook }).__mimic;
    const d0 = h.getState().drawing.draws;
    const sel = document.getElementById('ghost') as HTMLSelectElement;
    const t0 = performance.now();
    sel.value = v;
    sel.dispatchEvent(new Event('change', { bubbles: true }));
    while (h.getState().drawing.draws === d0) await new Promise((r) => setTimeout(r, 10));
    return performance.now() - t0 + h.getState().drawing.costMs;
  }, value);

async function inputLatency(page: Page): Promise<number> {
  const ms: number[] = [];
  for (let k = 0; k < 8; k++) {
    await new Promise((r) => setTimeout(r, 400)); // the pace back in force between samples
    ms.push(await inputToDraw(page, k % 2 ? 'beside' : 'off'));
  }
  return ms.sort((a, b) => a - b)[4];
}

/** Load the G1 + dance policy, then measure `steps` control steps as the app runs, then at full detail. */
async function measure(page: Page, url: string, steps: number): Promise<AppBenchResult> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await until(page, (p) => p.ready && !p.busy, 120_000);
  const t0 = await probe(page);
  await page.setInputFiles('#file-input', files());
  const loaded = await until(page, (p) => p.driver === 'policy' && !!p.robot && p.robot !== 'humanoid29' && !p.busy, 300_000);
  const drawn = await until(page, (p) => p.draws > loaded.draws, 60_000);
  await until(page, (p) => p.step > loaded.step + 10, 120_000); // past the first (warm-up) steps
  const paced = await measureWindow(page, steps);
  const inputMs = await inputLatency(page);
  await page.evaluate(() => {
    const d = (window as unknown as { __mimicDebug: { setQuality(q: number): void; setDrawPace(on: boolean): void } }).__mimicDebug;
    d.setQuality(0);
    d.setDrawPace(false);
  });
  await until(page, (p) => p.quality === 0, 10_000);
  const fullDetail = await measureWindow(page, steps);
  return { inputMs, loadMs: loaded.now - t0.now, firstDrawAfterLoadMs: drawn.now - loaded.now, ...paced, fullDetail };
}

const row = (label: string, w: Window): string =>
  `${label.padEnd(34)} ${w.rtf.toFixed(2).padStart(5)}×  ${w.drawFps.toFixed(1).padStart(5)} fps  level ${w.quality}  ${String(w.triangles).padStart(7)} triangles`;

export async function run(): Promise<AppBenchResult | null> {
  const exe = process.env.MIMIC_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(exe) || !existsSync(G1)) {
    console.log(`app-chromium bench: needs Chromium at ${exe} and ${G1}; skipped`);
    return null;
  }
  const { url, server } = await serveBuiltApp(OUT);
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: ARGS });
  try {
    const steps = Number(process.env.APP_BENCH_STEPS ?? 250);
    // the simulation on the page's own thread (`?sim=page`, as before the worker) first, then in the worker
    const runs: [string, AppBenchResult][] = [];
    for (const [host, q] of [
      ['page', '?sim=page'],
      ['worker', ''],
    ]) {
      const ctx = await browser.newContext({ viewport: { width: 1200, height: 760 } });
      runs.push([host, await measure(await ctx.newPage(), url + q, steps)]);
      await ctx.close();
    }
    for (const [host, r] of runs) print(host, r);
    const [page, worker] = runs.map(([, r]) => r);
    console.log(
      `\nfull detail every frame, worker / page: real time ${(worker.fullDetail.rtf / page.fullDetail.rtf).toFixed(2)}×, draw rate ${(worker.fullDetail.drawFps / page.fullDetail.drawFps).toFixed(2)}×`,
    );
    return worker;
  } finally {
    await browser.close();
    await server.close();
  }
}

/** One host's figures. */
function print(host: string, r: AppBenchResult): void {
  console.log(
    `\nG1 + g1-dance-102 (CPU observations) in headless Chromium, software GL; simulation on the ${host === 'page' ? "page's thread" : 'simulation worker'}`,
  );
  console.log(`G1 with meshes + policy loaded      ${r.loadMs.toFixed(0)} ms`);
  console.log(`first draw after the load           ${r.firstDrawAfterLoadMs.toFixed(0)} ms`);
  console.log(`over ${r.steps} control steps each     real time  draw rate  quality  robot per pass`);
  console.log(row('as the app runs (adaptive, paced)', r));
  console.log(row('full detail, every frame', r.fullDetail));
  console.log(`real-time factor, adaptive / full  ${(r.rtf / r.fullDetail.rtf).toFixed(2)}×`);
  console.log(`input to visible change (median)   ${r.inputMs.toFixed(0)} ms (a control changed → next draw + its cost)`);
}

runIfMain(import.meta.url, run);
