/**
 * The observation-build table (obs-timing.ts) in Chromium on the browser's own WebGPU adapter, plus one policy
 * step per path (GPU observations → onnxruntime-web WebGPU EP vs CPU observations → wasm).
 * Here Chromium's adapter is SwiftShader (a CPU rasteriser): correctness-grade numbers only. On a machine with a
 * real GPU run it as
 *   MIMIC_CHROMIUM_ARGS="--enable-unsafe-webgpu --enable-features=Vulkan" npm run bench -- obs-chromium
 * (MIMIC_CHROMIUM_ARGS replaces the WebGPU/GL flags below; MIMIC_CHROMIUM picks the browser binary).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { chromium } from 'playwright-core';
import { obsTable, OBS_BENCH_NS } from './obs-timing';
import type { BenchOptions, BenchResult } from './obs-page';
import { CHROMIUM_BASE_ARGS, runIfMain, serveRepo, SHARED_ASSETS as assets, SWIFTSHADER_ARGS } from './chromium';

export async function run(): Promise<BenchResult | null> {
  const exe = process.env.MIMIC_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(exe)) {
    console.log(`obs-chromium bench: no Chromium at ${exe} (apt-get install -y chromium); skipped`);
    return null;
  }
  const gpuArgs = process.env.MIMIC_CHROMIUM_ARGS?.split(/\s+/).filter(Boolean) ?? SWIFTSHADER_ARGS;
  const browser = await chromium.launch({ executablePath: exe, args: [...CHROMIUM_BASE_ARGS, ...gpuArgs] });
  const { url, server } = await serveRepo();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${url}bench/obs-page.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 120_000 });
    const policy = `${assets}/policies/g1-dance-102/policy.onnx`;
    const opts: BenchOptions = { ns: OBS_BENCH_NS, policyUrl: existsSync(policy) ? `/@fs${policy}` : null, policyNs: [1, 64, 1024] };
    const r = await page.evaluate((o) => window.__obsBench(o), opts);
    if (problems.length) throw new Error(`bench page errors: ${problems.join('; ')}`);
    const chrome = r.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? r.userAgent;
    console.log(
      `\nObservation build in Chromium (${chrome}, flags: ${gpuArgs.join(' ')}), beyondmimic154, ms per build, median; ` +
        `CPU: ${os.cpus()[0]?.model} ×${os.cpus().length}`,
    );
    console.log(`WebGPU adapter (Chromium): ${r.adapter ?? 'none: CPU only'}`);
    for (const line of obsTable(r.rows)) console.log(line);
    if (r.policy.length) {
      console.log('\nOne policy step (observations + inference + actions on the host), ms, median');
      const head = ['policy', 'N', 'batch', 'GPU obs → WebGPU EP', 'CPU obs → wasm', 'CPU/GPU'];
      const rows = r.policy.map((p) => [
        p.policy,
        String(p.n),
        p.fixedBatch ? 'fixed 1 (N runs)' : 'dynamic',
        p.gpuMs.toFixed(2),
        p.cpuMs.toFixed(2),
        (p.cpuMs / p.gpuMs).toFixed(2),
      ]);
      const w = head.map((h, i) => Math.max(h.length, ...rows.map((t) => t[i].length)));
      for (const line of [head, ...rows]) console.log(line.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
      console.log('(ratio > 1: the GPU path is faster)');
    }
    return r;
  } finally {
    await browser.close();
    await server.close();
  }
}

runIfMain(import.meta.url, run);
