// The app's GPU observation path in headless Chromium with the SwiftShader (Vulkan) WebGPU adapter: the G1 +
// the dance policy, observations forced onto the GPU (WebGPU builder → onnxruntime-web WebGPU EP on the same
// device), all in the simulation worker (its own start-up probe and GPUDevice; the status lines come to the page),
// then the worker stopped as if it had crashed (the page goes on with its own probe and device), then switched back
// to the CPU while playing; and once with the page simulating itself from the start (`?sim=page`). Screenshots go to
// test-results/. Every wait is bounded by the app's own control-step counter (its hook), never by wall time: a loaded
// machine only makes it slower.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp, drawEvery, loadG1Dance, expectNoErrors, SHOTS, state, waitReady, watch, type MimicState } from './app-server';

const app = useApp({ webgpu: true });

const maxAbsDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

/** The status line and the Run box show the forced GPU with the WebGPU EP, as the thread that simulates reported it. */
async function expectGpuStatus(page: Page, where: string): Promise<void> {
  const obs = page.locator('#statusline [data-k=obs]');
  expect(await obs.innerText()).toMatch(/GPU · forced/);
  expect(await obs.getAttribute('title')).toMatch(/^observations: forced GPU \(.+\); policy on the WebGPU EP, obs buffer as input/);
  const drive = await page.locator('#tab-drive').innerText();
  expect(drive).toContain('WebGPU EP');
  expect(drive).toContain(`on the ${where}`);
}

/** After the simulation worker was stopped for testing: that failure, named, is the app's one error. */
function expectWorkerLossOnly(s: MimicState, problems: Parameters<typeof expectNoErrors>[1]): void {
  const errors = (s.errors as { message: string }[]).map((e) => e.message);
  expect(errors, problems.reports.join('\n')).toEqual([expect.stringMatching(/simulation worker failed \(stopped for testing\)/)]);
}

/** Wait until the policy runs on GPU observations and the app is not busy. */
async function onGpu(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = (window as any).__mimic.getState();
      return s.backend === 'gpu' && !s.busy;
    },
    undefined,
    { timeout: 180_000 },
  );
}

/** Play until the app has run `steps` more control steps (its hook's step counter); the joint errors seen on the way. */
async function playSteps(page: Page, steps: number): Promise<{ end: MimicState; errs: number[] }> {
  const s0 = (await state(page)).step as number;
  await page.evaluate(() => ((window as any).__errs = []));
  await page
    .waitForFunction(
      (target) => {
        const s = (window as any).__mimic.getState();
        if (s.metrics.lastJointErr !== null) (window as any).__errs.push(s.metrics.lastJointErr);
        return s.step >= target;
      },
      s0 + steps,
      { timeout: 300_000, polling: 200 },
    )
    .catch(async (e) => {
      console.log(`waiting for ${steps} control steps from ${s0}:`, JSON.stringify((await state(page)).status));
      throw e;
    });
  return { end: await state(page), errs: await page.evaluate(() => (window as any).__errs as number[]) };
}

// SwiftShader runs WebGPU on the CPU: the work is kept small (75 + 10 + 25 control steps) and every wait counts
// control steps, so a loaded 2-core machine makes it slower, not failing; the time-out leaves room for that.
describe('app: observations on the GPU (Chromium, SwiftShader WebGPU)', { timeout: 600_000 }, () => {
  it('forced GPU: the dance policy tracks with WebGPU observations in the worker; after a device loss, and after the worker fails (the page goes on, on its own device), and switched to CPU it keeps playing', async () => {
    const ctx = await app.browser.newContext({ viewport: { width: 1200, height: 760 } });
    const t0 = Date.now();
    const phase = (name: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${name}`);
    try {
      const page = await ctx.newPage();
      const problems = watch(page);
      // every asset (onnxruntime-web's wasm builds included) comes from our own server: no CDN
      const foreign: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(app.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
      });
      await page.goto(app.url, { waitUntil: 'domcontentloaded', timeout: 180_000 });
      await waitReady(page, 180_000);
      await drawEvery(page);
      phase('app ready');
      // the start-up probe ends (answer or time-out) with a reason, never "probing" forever
      await page.waitForFunction(() => (window as any).__mimic.getState().status.obsBackend !== 'probing', undefined, { timeout: 180_000 });
      const probe = (await state(page)).status;
      console.log(`start-up probe: ${probe.obsBackend} — ${probe.obsReason}`);
      // the measured numbers, or (on a machine too loaded to finish the measurement in time) the time-out
      expect(probe.obsReason).toMatch(
        /^auto: (CPU [\d.]+ ms vs GPU [\d.]+ ms at N=1 → (CPU|GPU)|WebGPU measurement did not finish within \d+ s → CPU)/,
      );
      expect(await page.locator('#tab-drive').innerText()).not.toMatch(/probing/i);

      phase('start-up probe done');
      await loadG1Dance(page, undefined, 180_000);
      await page.waitForFunction(() => (window as any).__mimic.getState().backend !== null, undefined, { timeout: 180_000 });

      phase('G1 + dance policy loaded');
      await page.selectOption('#obs-backend', 'gpu');
      await onGpu(page);
      phase('switched to GPU');
      const g0 = await state(page);
      expectNoErrors(g0, problems);
      expect(g0.status.obsBackend).toBe('gpu');
      expect(g0.status.obsReason).toMatch(/^forced GPU/);
      expect(g0.status.obsEp).toBe('webgpu');
      expect(g0.simHost).toBe('worker'); // the WebGPU observations and the WebGPU EP run in the simulation worker
      await expectGpuStatus(page, 'simulation worker');

      // the dance barely moves in its first 2 s: start at 2.5 s
      await page.locator('#scrub').fill(String(2.5 / g0.status.duration));
      await page.waitForFunction(() => (window as any).__mimic.getState().time >= 2.4, undefined, { timeout: 180_000 });
      const start = await state(page);
      const { end: g1, errs } = await playSteps(page, 75);
      phase('played 75 control steps on the GPU');
      await page.screenshot({ path: `${SHOTS}/app-gpu.png` });
      console.log(
        `GPU: ${g1.gpuSteps} control steps, policy ${g1.status.policyMs.toFixed(1)} ms/step, physics ${g1.status.physicsMs.toFixed(2)} ms/step, ` +
          `real-time ×${g1.status.rtf.toFixed(2)}, max joint error ${Math.max(...errs).toFixed(3)} rad`,
      );
      expect(g1.backend).toBe('gpu');
      expect(g1.gpuSteps).toBeGreaterThanOrEqual(75 - 5); // every step on the GPU path (but the few before the scrub)
      expect(maxAbsDiff(g1.robot.jointPos, start.robot.jointPos)).toBeGreaterThan(0.05);
      expect(errs.length).toBeGreaterThan(3);
      expect(Math.max(...errs)).toBeLessThan(0.5);
      expect(g1.robot.rootPos[2]).toBeGreaterThan(0.4);
      expectNoErrors(g1, problems);

      // device lost: the CPU path drives while the builder and the WebGPU session are rebuilt on a new device
      expect(await page.evaluate(() => (window as any).__mimicDebug.loseGpuDevice())).toBe(true);
      await page
        .waitForFunction(() => /device restored/.test((window as any).__mimic.getState().status.obsReason), undefined, { timeout: 180_000 })
        .catch(async (e) => {
          console.log('after the loss:', JSON.stringify((await state(page)).status));
          throw e;
        });
      phase('device restored');
      const r0 = await state(page);
      const { end: r1 } = await playSteps(page, 10);
      console.log(`device loss: ${r1.status.obsReason}; GPU steps ${r0.gpuSteps} → ${r1.gpuSteps}`);
      expect(r1.backend).toBe('gpu');
      expect(r1.simHost).toBe('worker');
      expect(r1.status.obsEp).toBe('webgpu');
      expect(r1.gpuSteps).toBeGreaterThan(r0.gpuSteps);
      expect(r1.metrics.lastJointErr).toBeLessThan(0.5);
      expectNoErrors(r1, problems);

      // the simulation worker fails mid-run: the page simulates on from the worker's last state, the policy built again
      // on GPU observations with the page's own probe and device, and the app says so (the one error from here on)
      await page.click('#pause');
      await page.waitForTimeout(300); // the worker's last tick and snapshot
      const w0 = await state(page);
      expect(await page.evaluate(() => (window as any).__mimicDebug.loseSimWorker())).toBe(true);
      await page.waitForFunction(
        () => {
          const s = (window as any).__mimic.getState();
          return s.simHost === 'page' && s.backend === 'gpu' && s.driver === 'policy' && !s.busy;
        },
        undefined,
        { timeout: 180_000 },
      );
      phase('worker lost: the page simulates on its own device');
      const p0 = await state(page);
      expect(p0.step).toBe(w0.step);
      expect(maxAbsDiff(p0.robot.jointPos, w0.robot.jointPos)).toBeLessThan(1e-4);
      expect(p0.status.obsEp).toBe('webgpu');
      expect(p0.status.obsReason).toMatch(/^forced GPU/);
      await expectGpuStatus(page, 'page');
      expectWorkerLossOnly(p0, problems);
      await page.click('#play');
      const { end: p1, errs: perrs } = await playSteps(page, 10);
      phase('played 10 control steps on the page GPU device');
      expect(p1.simHost).toBe('page');
      expect(p1.backend).toBe('gpu');
      expect(p1.gpuSteps).toBeGreaterThanOrEqual(p0.gpuSteps + 5);
      expect(Math.max(...perrs)).toBeLessThan(0.5);
      expect(p1.robot.rootPos[2]).toBeGreaterThan(0.4);
      expectWorkerLossOnly(p1, problems);

      // back to the CPU while playing: the robot keeps its state and keeps going
      await page.selectOption('#obs-backend', 'cpu');
      await page.waitForFunction(
        () => {
          const s = (window as any).__mimic.getState();
          return s.backend === 'cpu' && s.driver === 'policy' && !s.busy;
        },
        undefined,
        { timeout: 180_000 },
      );
      phase('switched to CPU');
      const c0 = await state(page);
      expect(c0.status.obsReason).toBe('forced CPU');
      expect(c0.status.obsEp).toBe('');
      expect(c0.simHost).toBe('page');
      // no jump: the robot went on from where it was (no seek back, no reset onto the reference), still standing
      expect(c0.step).toBeGreaterThanOrEqual(p1.step);
      expect(c0.robot.rootPos[2]).toBeGreaterThan(0.4);
      expect(c0.fallResets).toBe(p1.fallResets);
      const { end: c1, errs: cerrs } = await playSteps(page, 25);
      phase('played 25 control steps on the CPU');
      console.log(`CPU: policy ${c1.status.policyMs.toFixed(1)} ms/step, max joint error ${Math.max(...cerrs).toFixed(3)} rad`);
      expect(c1.time).toBeGreaterThan(c0.time + 0.45);
      expect(maxAbsDiff(c1.robot.jointPos, c0.robot.jointPos)).toBeGreaterThan(0.05);
      expect(Math.max(...cerrs)).toBeLessThan(0.5);
      expectWorkerLossOnly(c1, problems);
      expect(foreign).toEqual([]);
      expect(problems.list).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('?sim=page: the page simulates the GPU-observation policy itself (its own probe and device), as after a worker failure', async () => {
    const ctx = await app.browser.newContext({ viewport: { width: 960, height: 640 } });
    try {
      const page = await ctx.newPage();
      const problems = watch(page);
      await page.goto(`${app.url}?sim=page`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
      await waitReady(page, 180_000);
      await drawEvery(page);
      await page.selectOption('#obs-backend', 'gpu'); // before the policy: it is built on the GPU at once
      await loadG1Dance(page, undefined, 180_000);
      await onGpu(page);
      const p0 = await state(page);
      expect(p0.simHost).toBe('page');
      expect(p0.status.obsEp).toBe('webgpu');
      await expectGpuStatus(page, 'page');
      const { end: p1 } = await playSteps(page, 10);
      expect(p1.simHost).toBe('page');
      expect(p1.backend).toBe('gpu');
      expect(p1.gpuSteps).toBeGreaterThanOrEqual(p0.gpuSteps + 5);
      expectNoErrors(p1, problems);
      expect(problems.list).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
