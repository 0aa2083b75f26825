// The WebGPU observation path in headless Chromium (SwiftShader adapter): GPU = CPU observations, and
// actions through onnxruntime-web's WebGPU EP = actions through wasm. Vite serves the test page.
import { chromium, type Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_BASE_ARGS, serveRepo, SHARED_ASSETS as assets, SWIFTSHADER_ARGS } from '../../bench/chromium';
import type { PageOptions, PageResult } from './gpu-page';

let server: ViteDevServer;
let browser: Browser;
let result: PageResult;
const errors: string[] = [];

beforeAll(async () => {
  const served = await serveRepo();
  server = served.server;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_BASE_ARGS, ...SWIFTSHADER_ARGS] });
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} ${m.location().url}`);
  });
  // the browser asks for /favicon.ico by itself; any other failed request is an error
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(`${served.url}tests/browser/gpu-page.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 60_000 });
  const opts: PageOptions = {
    g1Url: `/@fs${assets}/g1/g1_29dof_rev_1_0.xml`,
    policyUrl: `/@fs${assets}/policies/g1-dance-102/policy.onnx`,
    ns: [1, 7, 64, 1000],
    policyN: 4,
  };
  result = await page.evaluate((o) => window.__gpuTest(o), opts);
}, 280_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('WebGPU observations in headless Chromium', () => {
  it('has a WebGPU adapter (fails, never skips, when there is none)', () => {
    expect(result.adapter, 'expected a WebGPU adapter in headless Chromium (--enable-unsafe-webgpu, SwiftShader)').not.toBeNull();
    console.log(`Chromium adapter: ${result.adapter}`);
  });

  it('GPU = CPU observations to 1e-5, N = 1, 7, 64, 1000, every layout and term', () => {
    expect(result.obs.length).toBe(4 * 5);
    console.log(result.obs.map((r) => `${r.layout} N=${r.n} max|gpu-cpu|=${r.maxAbs.toExponential(2)}`).join('\n'));
    for (const r of result.obs) expect(r.maxAbs, `${r.layout} N=${r.n}: ${r.where}`).toBeLessThanOrEqual(1e-5);
  });

  it('actions via WebGPU EP from GPU observations (and the wasm fallback) = actions via wasm from CPU observations (1e-3)', () => {
    console.log(result.actions.map((a) => JSON.stringify(a)).join('\n'));
    expect(result.actions.map((a) => `${a.policy}/${a.ep}`)).toEqual(['g1-dance-102/webgpu', 'mlp160/webgpu', 'g1-dance-102/wasm']);
    for (const a of result.actions) {
      expect(a.maxAction, 'actions are not all ~0').toBeGreaterThan(0.05);
      expect(a.maxAbs, `${a.policy}`).toBeLessThanOrEqual(1e-3);
    }
    // the dance export fixes its batch at 1; the session makes it symbolic at load (batch-dim.ts, checked by a probe)
    expect(result.actions[0].fixedBatch).toBe(false);
    expect(result.actions[1].fixedBatch).toBe(false);
  });

  it('no page errors', () => {
    expect(errors.filter((e) => !/favicon\.ico/.test(e))).toEqual([]);
  });
});
