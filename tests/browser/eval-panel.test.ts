// The app's Evaluate tab, built and served by `vite preview` (shared build: tests/browser/app-server.ts), in
// headless Chromium: the shared G1 + dance policy through the file input, a short push-recovery suite in two Web
// Workers, live progress, the report in its iframe, finite metrics, no console errors.
import { describe, expect, it } from 'vitest';
import { useApp, withApp, expectClean, loadG1Dance } from './app-server';
import { openEvaluate, runEvaluation, setField } from './eval-panel-helpers';

const app = useApp();

describe('evaluation panel (built app, in Chromium)', { timeout: 150_000 }, () => {
  it('runs a 2-episode push-recovery suite on the G1 + dance policy in Web Workers and shows the report', async () => {
    await withApp(
      app,
      async (page, problems) => {
        await loadG1Dance(page);
        await page.click('#pause'); // the live sim would compete with the workers for the 2 cores
        await openEvaluate(page);

        await page.selectOption('#eval-scenario', 'push-recovery');
        await page.selectOption('#eval-engine', 'rapier');
        await setField(page, '#eval-episodes', '2');
        await setField(page, '#eval-envs', '1'); // one episode per batch: both workers get one
        await setField(page, '#eval-workers', '2');
        await setField(page, '#eval-seconds', '2');

        // sample the progress bar every 20 ms while the suite runs
        await page.evaluate(() => {
          const bar = document.getElementById('eval-progress') as HTMLProgressElement;
          const seen: number[] = [];
          (window as any).__evalProgress = seen;
          const t = setInterval(() => {
            if (seen.at(-1) !== bar.value) seen.push(bar.value);
          }, 20);
          (window as any).__evalProgressStop = () => clearInterval(t);
        });
        await runEvaluation(page, 90_000);
        await page.evaluate(() => (window as any).__evalProgressStop());

        const status = await page.locator('#eval-status').innerText();
        expect(status).toMatch(/^done in .* on 2 worker\(s\)/);
        const seen: number[] = await page.evaluate(() => (window as any).__evalProgress);
        const partial = seen.filter((v) => v > 0 && v < 1);
        console.log(`progress bar values seen: ${seen.map((v) => v.toFixed(2)).join(' ')} · ${status}`);
        expect(partial.length).toBeGreaterThanOrEqual(2); // live progress, not just 0 → 1
        for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
        expect(seen.at(-1)).toBe(1);

        const summary = JSON.parse((await page.locator('#eval-summary').getAttribute('data-summary'))!);
        expect(summary.episodes).toBe(2);
        for (const k of ['success_rate', 'survived_s', 'mpjpe_m', 'mpjpe_root_rel_m', 'joint_pos_rmse_rad', 'torque_rms_nm']) {
          expect(Number.isFinite(summary[k]), k).toBe(true);
        }
        expect(summary.survived_s).toBeGreaterThan(0);
        expect(summary.survived_s).toBeLessThanOrEqual(2 + 1e-9);
        expect(summary.mpjpe_m).toBeGreaterThan(0);
        expect(summary.mpjpe_m).toBeLessThan(1);
        expect(summary.torque_rms_nm).toBeGreaterThan(0);
        expect(await page.locator('#eval-summary').innerText()).toMatch(/success \d+% of 2/);

        // the report: self-contained HTML in the sandboxed iframe of the full-width dialog, with its summary table
        await page.click('#eval-open-report');
        const frame = page.frameLocator('#eval-report');
        await expect.poll(() => frame.locator('table').count(), { timeout: 10_000 }).toBeGreaterThan(0);
        const table = await frame.locator('table').first().innerText();
        expect(table).toMatch(/success/i);
        expect(table).toMatch(/MPJPE/i);
        expect(table).not.toMatch(/NaN/);
        expect(await page.locator('#eval-downloads button').count()).toBeGreaterThanOrEqual(4);

        await expectClean(page, problems);
      },
      { viewport: { width: 1000, height: 760 } },
    );
  });
});
