// The Evaluate panel on a folder of clips (issue 13), in the built app in Chromium: three short clips cut from the
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
import { DANCE, expectClean, loadG1Dance, useApp, withApp } from './app-server';
import { openEvaluate, runEvaluation, setField } from './eval-panel-helpers';

const app = useApp();
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

describe('Evaluate panel: a folder of clips (built app, in Chromium)', { timeout: 600_000 }, () => {
  it('runs every clip of a picked folder with episode progress; table, failed list, aggregates; one clip equals the CLI', async () => {
    const dir = clipFolder();
    await withApp(
      app,
      async (page, problems) => {
        await loadG1Dance(page);
        await page.click('#pause'); // the live sim would compete with the workers
        await openEvaluate(page);
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
          const seen: string[] = [];
          (window as any).__evalSeen = seen;
          const t = setInterval(() => {
            const v = `${count.dataset.done}/${count.dataset.total}`;
            if (count.dataset.total && seen.at(-1) !== v) seen.push(v);
          }, 10);
          (window as any).__evalStop = () => clearInterval(t);
        });
        await runEvaluation(page, 150_000);
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
      },
      { viewport: { width: 1200, height: 900 } },
    );
  });
});
