// Builds the app once and serves it with `vite preview` on a free port; launches headless Chromium.
import { afterAll, beforeAll, expect } from 'vitest';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { CHROMIUM_BASE_ARGS } from '../../bench/chromium';

/** the built app (MIMIC_APP_DIST: another folder, for a second run beside one in progress) */
export const OUT = process.env.MIMIC_APP_DIST ?? 'test-results/app-dist';
export const SHOTS = 'test-results';

export async function startApp(): Promise<{ url: string; server: PreviewServer }> {
  mkdirSync(SHOTS, { recursive: true });
  await buildOnce();
  const server = await preview({ logLevel: 'error', build: { outDir: OUT }, preview: { port: 0, strictPort: false, host: '127.0.0.1' } });
  const addr = server.httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : 4173;
  return { url: `http://127.0.0.1:${port}/`, server };
}

/** Build once per test run: test files run in sibling forks of one vitest process (same ppid); a lock directory
 *  makes the others wait for the first build, a stamp marks it done. */
async function buildOnce(): Promise<void> {
  const stamp = `${OUT}/.built-by-${process.ppid}`,
    lock = `${OUT}.lock`;
  for (;;) {
    if (existsSync(stamp)) return;
    try {
      mkdirSync(lock);
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone */
      }
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      if (!existsSync(stamp)) {
        await build({ logLevel: 'error', build: { outDir: OUT, emptyOutDir: true } });
        writeFileSync(stamp, '');
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Headless Chromium; `webgpu`: with the SwiftShader Vulkan WebGPU adapter (as tests/browser/gpu-chromium.test.ts), else none. */
export async function launch(opts: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      ...CHROMIUM_BASE_ARGS,
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
      // the page is composited on the CPU (WebGL and WebGPU still run on SwiftShader): with SwiftShader GL compositing,
      // every frame in which anything on the page changed (a chart, the time readout) cost the GPU process a full
      // composite, 70-120 % of a core for one playing page; on the CPU a changed readout costs only its pixels
      '--disable-gpu-compositing',
      // WebGPU only where a file asks for it: without an adapter the app's start-up skips its CPU-vs-GPU measurement
      // (1.5-2.5 s of CPU per page load here), as it does in a browser without WebGPU
      ...(opts.webgpu ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan'] : []),
    ],
  });
}

export interface Problems {
  list: string[];
  /** the app's own reports of errors (console warnings with their stacks), shown when a test finds an error */
  reports: string[];
}
/** Collect page errors and console errors (asserted empty by the tests). */
export function watch(page: Page): Problems {
  const p: Problems = { list: [], reports: [] };
  page.on('pageerror', (e) => p.list.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') p.list.push(`console: ${m.text()}`);
    else if (m.type() === 'warning' && m.text().startsWith('[mimic]')) p.reports.push(m.text());
  });
  return p;
}

/** The app's error list is empty; when it is not, the failure names each error with the stack the app logged. */
export function expectNoErrors(s: MimicState, problems: Problems): void {
  const errors = (s.errors as { kind: string; message: string }[]).map((e) => `${e.kind}: ${e.message}`);
  expect(errors, problems.reports.join('\n')).toEqual([]);
}

export type MimicState = any;
export const state = (page: Page): Promise<MimicState> =>
  page.evaluate(() => (window as unknown as { __mimic: { getState(): unknown } }).__mimic.getState());

export async function waitReady(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const m = (window as unknown as { __mimic?: { getState(): { ready: boolean; busy: string } } }).__mimic;
      return !!m && m.getState().ready && !m.getState().busy;
    },
    undefined,
    { timeout },
  );
}

export const G1 = '../shared/assets/g1';
export const DANCE = '../shared/assets/policies/g1-dance-102';

/** The G1 MJCF with its meshes and the g1-dance-102 export (policy, deploy.yaml, clip), for the file input. */
export function g1DanceFiles(clip = `${DANCE}/G1_Take_102.bvh_60hz.csv`): string[] {
  const meshes = readdirSync(`${G1}/meshes`).map((f) => `${G1}/meshes/${f}`);
  return [`${G1}/g1_29dof_rev_1_0.xml`, ...meshes, `${DANCE}/policy.onnx`, `${DANCE}/deploy.yaml`, clip];
}

/**
 * The tests' draw interval, ms: the view is drawn twice a second (the app's `drawInterval` debugging aid), as the
 * tests read state, not pixels; a test that reads the drawn view sets its own (`drawEvery`), or draws and reads in one
 * task (`__mimicDebug.drawNow`).
 */
export const TEST_DRAW_MS = 500;
/** Draw the page's view at most every `ms` ms (0: at the app's own pace). */
export async function drawEvery(page: Page, ms = TEST_DRAW_MS): Promise<void> {
  await page.evaluate((k) => (window as any).__mimicDebug.setDrawInterval(k), ms);
}

/** A viewport for the tests that do not look at the drawing: fewer pixels for software GL to fill each frame. */
export const SMALL = { width: 960, height: 640 };

/** Wait `n` animation frames of the page: the frame loop has drawn (and stepped) at least n - 1 times since. */
export async function frames(page: Page, n = 3): Promise<void> {
  await page.evaluate(
    (k) =>
      new Promise<void>((done) => {
        const next = (left: number) => (left <= 0 ? done() : requestAnimationFrame(() => next(left - 1)));
        next(k);
      }),
    n,
  );
}

/** Wait until the simulation has taken `n` more control steps than `from` (default: the step count now). */
export async function steps(page: Page, n: number, from?: number, timeout = 120_000): Promise<void> {
  const s0 = from ?? (await state(page)).step;
  await page.waitForFunction((s) => (window as any).__mimic.getState().step >= s, s0 + n, { polling: 50, timeout });
}

/** Wait until every IndexedDB write the app started has settled (a reload then keeps what it wrote). */
export async function storageSettled(page: Page, atLeast = 1): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const w = (window as any).__mimic.getState().storage;
      return w.started >= n && w.settled === w.started;
    },
    atLeast,
    { polling: 50, timeout: 60_000 },
  );
}

/** Milliseconds since `t0`, for the set-up costs the files log. */
const since = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

export interface Opened {
  page: Page;
  ctx: BrowserContext;
  problems: Problems;
}
/** A new page on the app, watched for errors, once the app is ready; in a fresh context (own IndexedDB) unless given one. */
export async function openApp(
  app: { url: string; browser: Browser },
  options: BrowserContextOptions = {},
  given?: BrowserContext,
): Promise<Opened> {
  const t0 = performance.now();
  const ctx = given ?? (await app.browser.newContext({ viewport: { width: 1200, height: 760 }, ...options }));
  const page = await ctx.newPage();
  const problems = watch(page);
  page.setDefaultTimeout(90_000); // a loaded machine: a click or a screenshot may wait for a long task of the page
  if (process.env.MIMIC_THROTTLE) {
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.MIMIC_THROTTLE) });
  }
  await page.goto(app.url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  await waitReady(page, 90_000);
  await drawEvery(page);
  console.log(`set-up: page load to ready ${since(t0)}`);
  return { page, ctx, problems };
}

/** Run a test body on a fresh page (own context), always closing the context. */
export async function withApp(
  app: { url: string; browser: Browser },
  body: (page: Page, problems: Problems, ctx: BrowserContext) => Promise<void>,
  options: BrowserContextOptions = {},
): Promise<void> {
  const { page, ctx, problems } = await openApp(app, options);
  try {
    await body(page, problems, ctx);
  } finally {
    await ctx.close();
  }
}

/** Reload the page and wait until the app is ready again (drawing at the tests' interval again). */
export async function reloadApp(page: Page): Promise<void> {
  await page.reload({ waitUntil: 'domcontentloaded', timeout: 90_000 }); // a loaded machine: more than the 30 s default
  await waitReady(page, 90_000);
  await drawEvery(page);
}

/** Load the G1 and the dance export through the file input; wait until the policy drives the loaded robot. */
export async function loadG1Dance(page: Page, clip?: string, timeout = 90_000): Promise<void> {
  const t0 = performance.now();
  await page.setInputFiles('#file-input', g1DanceFiles(clip));
  await page.waitForFunction(
    () => {
      const s = (window as any).__mimic.getState();
      return s.driver === 'policy' && s.robotName && s.robotName !== 'humanoid29' && !s.busy;
    },
    undefined,
    { timeout },
  );
  console.log(`set-up: G1 + meshes + dance policy loaded ${since(t0)}`);
}

/** Choose a terrain in the Scene panel's select (with the seed field first, for the seeded kinds). */
export async function chooseTerrain(page: Page, choice: string, seed?: number): Promise<void> {
  await page.evaluate(
    ([c, k]) => {
      if (k !== null) (document.getElementById('terrain-seed') as HTMLInputElement).value = String(k);
      const sel = document.getElementById('terrain-choice') as HTMLSelectElement;
      sel.value = c;
      sel.dispatchEvent(new Event('change'));
    },
    [choice, seed ?? null] as const,
  );
}

/** Back to the built-in files through the UI: every file the user loaded removed (library ✕), every message dismissed. */
export async function clearLibrary(page: Page): Promise<void> {
  const mineCount = async () => ((await state(page)).assets as { builtin: boolean }[]).filter((a) => !a.builtin).length;
  for (let n = await mineCount(); n > 0; n = await mineCount()) {
    await page.locator('#library li button[title^="Remove"]').first().click();
    await page.waitForFunction((k) => (window as any).__mimic.getState().assets.filter((a: any) => !a.builtin).length < k, n);
  }
  if ((await state(page)).errors.length) await page.click('#errors-clear');
  await page.waitForFunction(() => !(window as any).__mimic.getState().errors.length && !(window as any).__mimic.getState().busy);
}

/** No error in the app's state and none on the page or its console. */
export async function expectClean(page: Page, problems: Problems): Promise<void> {
  expectNoErrors(await state(page), problems);
  expect(problems.list).toEqual([]);
}

/**
 * One page for the tests of a file or a describe block that do not need a fresh one (opened before the block's first
 * test, closed after its last; register after useApp). Each test leaves it, or puts it back, in the state the next one
 * expects. Scope it to the block of the tests that use it: an open page goes on simulating and drawing, and takes CPU
 * from the pages of the tests after it.
 */
export function useSharedPage(app: { url: string; browser: Browser }, options: BrowserContextOptions = {}): Opened {
  const h = {} as Opened;
  beforeAll(async () => Object.assign(h, await openApp(app, options)));
  afterAll(async () => {
    await h.ctx?.close();
  });
  return h;
}

/** Build/serve the app once per run and launch Chromium for this test file; closed after the file. */
export function useApp(opts: { webgpu?: boolean } = {}): { url: string; browser: Browser } {
  const h = {} as { url: string; browser: Browser; server: PreviewServer };
  beforeAll(async () => {
    const t0 = performance.now();
    const s = await startApp();
    h.url = s.url;
    h.server = s.server;
    h.browser = await launch(opts);
    console.log(`set-up: build (first file of a run) + server + Chromium ${since(t0)}`);
  });
  afterAll(async () => {
    await h.browser?.close();
    await h.server?.close();
  });
  return h;
}
