// The app's Evaluate tab, built and served by `vite preview` (shared build: tests/browser/app-server.ts), in
// headless Chromium, on one page with the shared G1 + dance policy loaded once through the file input (the two
// tests share it; the first one run loads it). (1) A short push-recovery suite in two Web Workers, live progress,
// the report in its iframe, finite metrics, no console errors. (2) A folder of clips (issue 13): three short clips cut from the
// shared dance clip (one of them 1 m up in the air: the robot starts on it and falls) plus an unreadable CSV and a
// note, picked as a folder; the episodes-done count advances one by one; the per-clip table has the 3 clips, the
// failed list names the floating one, the aggregates carry 95 % intervals, and the numbers of one clip equal the
// CLI's on the same file (same core code: src/core/evaluation).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { METRIC_SETS } from '../../src/core/evaluation/metrics/index';
import { cli } from '../unit/eval-cli-inproc';
import { DANCE, expectClean, loadG1Dance, state, useApp, useSharedPage } from './app-server';
import { openEvaluate, runEvaluation, setField } from './eval-panel-helpers';

const app = useApp();
// the panel's screenshots are looked at: the view of the former folder test
const shared = useSharedPage(app, { viewport: { width: 1200, height: 900 } });
const SECONDS = '0.5';

/** The folder: cuts of the dance clip (60 Hz, so 1 s each), the floating cut, a broken CSV and a note. */
function clipFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eval-folder-'));
  const lines = readFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, 'utf8').split('\n');
  const cut = (a: number, b: number) => lines.slice(a, b);
  writeFileSync(join(dir, 'a_start_60hz.csv'), cut(0, 60).join('\n') + '\n');
  writeFileSync(join(dir, 'b_middle_60hz.csv'), cut(300, 360).join('\n') + '\n');
  const up = (l: string) =>
    l
      .split(',')
      .map((v, i) => (i === 2 ? String(Number(v) + 1) : v))
      .join(',');
  writeFileSync(join(dir, 'c_float_60hz.csv'), cut(0, 60).map(up).join('\n') + '\n');
  const broken = cut(0, 60);
  broken[3] = broken[3].replace(/^[^,]*,[^,]*,/, 'x,y,');
  writeFileSync(join(dir, 'd_broken_60hz.csv'), broken.join('\n') + '\n');
  writeFileSync(join(dir, 'notes.txt'), 'not a clip\n');
  return dir;
}

const data = async (page: Page, sel: string, key: string): Promise<any> =>
  JSON.parse((await page.locator(sel).getAttribute(`data-${key}`)) ?? 'null');

/** The report in its own page: screenshots (test-results/eval-panel-report-*.png); every set's source and every
 *  metric's definition is shown (rendered text, not just present in the markup). */
async function reportShots(page: Page, html: string): Promise<void> {
  const p = await page.context().newPage();
  try {
    await p.setViewportSize({ width: 1400, height: 1000 });
    await p.setContent(html);
    await p.screenshot({ path: 'test-results/eval-panel-report-top.png' });
    const defs = p.locator('#definitions');
    const box = (await defs.boundingBox())!;
    expect(box.height).toBeGreaterThan(200);
    await p.screenshot({ path: 'test-results/eval-panel-report-definitions.png', fullPage: true, clip: box });
    const text = await defs.innerText();
    for (const d of METRIC_SETS) {
      expect(text).toContain(`Source: ${d.source}`);
      for (const m of d.metrics) expect(text).toContain(m.formula);
    }
    // the summary points to the definitions, and its headers carry each formula
    expect(await p.locator('h2:has-text("Summary") + table + p').innerText()).toMatch(
      /see the last section, Metric definitions and sources/,
    );
    expect(await p.locator('th[title^="mpjpe_root_rel_m: "]').count()).toBe(1);
  } finally {
    await p.close();
  }
}

/** The shared page with the G1 + dance policy loaded (once), paused and drawing once a second (the live sim and the
 *  software-GL drawing would compete with the workers for the 2 cores), on the Evaluate tab. */
async function evaluateOnG1(): Promise<Page> {
  const page = shared.page;
  const s = await state(page);
  if (!(s.driver === 'policy' && s.robotName && s.robotName !== 'humanoid29')) await loadG1Dance(page);
  // an earlier test's report dialog (modal: the page behind it takes no clicks) is closed first
  if (await page.locator('#eval-report-dialog').isVisible()) await page.click('#eval-report-close');
  await expect.poll(() => page.locator('#eval-report-dialog').isVisible()).toBe(false);
  await page.click('#pause');
  await page.evaluate(() => (window as any).__mimicDebug.setDrawInterval(1000));
  await openEvaluate(page);
  return page;
}

describe('Evaluate panel (built app, in Chromium, G1 + dance policy)', { timeout: 600_000 }, () => {
  it('runs a 2-episode push-recovery suite on the G1 + dance policy in Web Workers and shows the report', async () => {
    const page = await evaluateOnG1();
    const problems = shared.problems;

    await page.selectOption('#eval-scenario', 'push-recovery');
    await page.selectOption('#eval-engine', 'rapier');
    await setField(page, '#eval-episodes', '2');
    await setField(page, '#eval-envs', '1'); // one episode per batch: both workers get one
    await setField(page, '#eval-workers', '2');
    await setField(page, '#eval-seconds', '2');

    // sample the progress bar every 20 ms while the suite runs
    await page.evaluate(() => {
      const bar = document.getElementById('eval-progress') as HTMLProgressElement;
      bar.value = 0; // an earlier run's bar on this page is not this run's
      const seen: number[] = [];
      (window as any).__evalProgress = seen;
      const t = setInterval(() => {
        if (seen.at(-1) !== bar.value) seen.push(bar.value);
      }, 20);
      (window as any).__evalProgressStop = () => clearInterval(t);
    });
    await runEvaluation(page, 240_000);
    await page.evaluate(() => (window as any).__evalProgressStop());

    const status = await page.locator('#eval-status').innerText();
    expect(status).toMatch(/^done in .* on 2 worker\(s\)/);
    const seen: number[] = await page.evaluate(() => (window as any).__evalProgress);
    const partial = seen.filter((v) => v > 0 && v < 1);
    console.log(`progress bar values seen: ${seen.map((v) => v.toFixed(2)).join(' ')} · ${status}`);
    // live progress, not just 0 → 1: the panel applied updates before the end. Counted in the panel: the sampler above
    // runs on the page's thread, which a loaded machine can hold up for the whole run (then it sees only 0 and 1)
    const applied = Number(await page.locator('#eval-progress').getAttribute('data-partial'));
    console.log(`partial progress updates applied: ${applied}; sampled: ${partial.length}`);
    expect(applied).toBeGreaterThanOrEqual(2);
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
  });

  // the meshes were loaded as bare names; MuJoCo opens meshdir + file (core/physics/mujoco-files.ts). Before the fix:
  // "failed: ModelError … MuJoCo could not compile the MJCF"
  it('runs the G1 + dance policy on MuJoCo in a Web Worker, from the files as they were loaded', async () => {
    const page = await evaluateOnG1();
    await page.selectOption('#eval-scenario', 'nominal');
    await page.selectOption('#eval-engine', 'mujoco');
    await setField(page, '#eval-episodes', '1');
    await setField(page, '#eval-envs', '1');
    await setField(page, '#eval-workers', '1');
    await setField(page, '#eval-seconds', '1');
    await runEvaluation(page, 240_000);
    const status = await page.locator('#eval-status').innerText();
    console.log(`MuJoCo in the panel: ${status}`);
    expect(status).toMatch(/^done in .* on 1 worker\(s\)/);
    const summary = JSON.parse((await page.locator('#eval-summary').getAttribute('data-summary'))!);
    expect(summary.episodes).toBe(1);
    expect(summary.survived_s).toBeCloseTo(1, 6);
    expect(summary.mpjpe_m).toBeGreaterThan(0);
    expect(summary.mpjpe_m).toBeLessThan(0.2);
    await expectClean(page, shared.problems);
  });

  it('runs every clip of a picked folder with episode progress; table, failed list, aggregates; one clip equals the CLI', async () => {
    const dir = clipFolder();
    const page = await evaluateOnG1();
    const problems = shared.problems;
    await page.setInputFiles('#eval-clip-folder', dir);
    await expect.poll(() => page.locator('#eval-clip-files').getAttribute('data-count')).toBe('5');
    await page.selectOption('#eval-scenario', 'nominal');
    await page.selectOption('#eval-engine', 'rapier');
    await page.selectOption('#eval-start', 'reference'); // ground would put the floating clip on the floor
    await setField(page, '#eval-episodes', '1');
    await setField(page, '#eval-envs', '1');
    await setField(page, '#eval-workers', '1'); // the clips finish one after the other
    await setField(page, '#eval-seconds', SECONDS);

    await page.evaluate(() => {
      const count = document.getElementById('eval-count') as HTMLElement;
      delete count.dataset.done; // an earlier run's count on this page is not this run's
      delete count.dataset.total;
      const seen: string[] = [];
      (window as any).__evalSeen = seen;
      const t = setInterval(() => {
        const v = `${count.dataset.done}/${count.dataset.total}`;
        if (count.dataset.total && seen.at(-1) !== v) seen.push(v);
      }, 10);
      (window as any).__evalStop = () => clearInterval(t);
    });
    await runEvaluation(page, 300_000);
    await page.evaluate(() => (window as any).__evalStop());
    expect(await page.locator('#eval-status').innerText()).toMatch(/^done in .* clips: 3 dropped clip\(s\)/);
    const seen: string[] = await page.evaluate(() => (window as any).__evalSeen);
    console.log(`episodes done seen: ${seen.join(' ')} · ${await page.locator('#eval-count').innerText()}`);
    expect(seen[0]).toBe('0/3');
    expect(seen.at(-1)).toBe('3/3');
    expect(seen.some((v) => v === '1/3' || v === '2/3')).toBe(true); // progress advanced before the end
    expect(await page.locator('#eval-count').innerText()).toMatch(/episodes 3\/3 · 100% · .* done/);
    // the broken CSV is named, with its error, and left out; the note is not a clip
    const note = await page.locator('#eval-clip-note').innerText();
    expect(note).toMatch(/3 clip\(s\) to run · not read: \w+Error in d_broken_60hz\.csv/);
    expect(note).toMatch(/not clips: .*notes\.txt/);

    const rows = await data(page, '#eval-clips', 'rows');
    expect(rows.map((r: { clip: string }) => r.clip)).toEqual(['a_start_60hz.csv', 'b_middle_60hz.csv', 'c_float_60hz.csv']);
    expect(await page.locator('#eval-clips tbody tr').count()).toBe(3);
    const byClip = Object.fromEntries(rows.map((r: { clip: string }) => [r.clip, r]));
    expect(byClip['a_start_60hz.csv'].successes).toBe(1);
    expect(byClip['c_float_60hz.csv'].successes).toBe(0);
    const failed = await data(page, '#eval-failed', 'failed');
    expect(failed.map((f: { clip: string }) => f.clip)).toEqual(['c_float_60hz.csv']);
    expect(failed[0].reason).toMatch(/anchor_height/);
    expect(failed[0].failure_s).toBeGreaterThan(0);
    expect(failed[0].failure_s).toBeLessThan(Number(SECONDS));
    expect(await page.locator('#eval-failed li').first().innerText()).toMatch(/c_float_60hz\.csv .* at 0\.\d\d s \(anchor_height/);
    const agg = await data(page, '#eval-aggregates', 'dataset');
    expect(agg.clips).toBe(3);
    expect(agg.clips_succeeded).toBeLessThanOrEqual(2);
    expect(agg.clip_success_ci95[0]).toBeLessThan(agg.clip_success_rate);
    expect(agg.stats['phc.g_mpjpe_mm'].n).toBe(3);
    expect(agg.stats['phc.g_mpjpe_mm'].ci95[0]).toBeLessThan(agg.stats['phc.g_mpjpe_mm'].ci95[1]);
    expect(await page.locator('#eval-aggregates').innerText()).toMatch(/3 clip\(s\) · every episode successful on \d\/3 = [\d.]+ % \[/);

    // a header click sorts: by MPJPE global, then the other way
    await page.click('#eval-clips th:has-text("MPJPE global")');
    const firstByMpjpe = await page.locator('#eval-clips tbody tr td').first().innerText();
    await page.click('#eval-clips th:has-text("MPJPE global")');
    expect(await page.locator('#eval-clips tbody tr td').first().innerText()).not.toBe(firstByMpjpe);
    // the report names every clip, the failed one in its failed list
    const html = await page.locator('#eval-report').getAttribute('srcdoc');
    for (const c of ['a_start_60hz.csv', 'b_middle_60hz.csv', 'c_float_60hz.csv']) expect(html).toContain(c);
    expect(html).toMatch(/Failed episodes \(1\)/);
    expect(await page.locator('#eval-downloads button', { hasText: 'failed.txt' }).isEnabled()).toBe(true);
    await reportShots(page, html!);
    // the panel as a user sees it (looked at: test-results/eval-panel-*.png)
    await page.locator('#eval-drop').screenshot({ path: 'test-results/eval-panel-drop.png' });
    await page.locator('#eval-count').screenshot({ path: 'test-results/eval-panel-progress.png' });
    await page.locator('#eval-dataset').screenshot({ path: 'test-results/eval-panel-dataset.png' });

    // the CLI on the same file with the same settings: the same numbers for that clip
    const r = await cli(
      ['--motion', join(dir, 'b_middle_60hz.csv'), '--scenario', 'seeds/nominal.json', '--episodes', '1', '--envs', '1'].concat([
        '--seconds',
        SECONDS,
        '--start',
        'reference',
        '--engine',
        'rapier',
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    const mine = byClip['b_middle_60hz.csv'];
    const { diagnostics: _d, ...theirs } = (r.out.clips as Record<string, unknown>[])[0];
    console.log(`b_middle_60hz.csv: app ${JSON.stringify(mine.values)} · CLI ${JSON.stringify(theirs.values)}`);
    expect(theirs).toEqual(mine);
    expect(mine.values['phc.g_mpjpe_mm']).toBeGreaterThan(0);
    await expectClean(page, problems);
  });
});
