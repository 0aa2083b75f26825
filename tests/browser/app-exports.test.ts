// Real-export shapes dropped on the app (issue 10): an embedded-reference export (BeyondMimic interface, its
// reference selected by time_step and clamped past its last frame) dropped ALONE plays on its own reference, for
// its own length, and the Run box names its family; a policy saved with external weights loads when both files are
// dropped together; without its .data file it is a named error and the app keeps playing what it had.
// The Evaluate panel with that embedded-reference export (issue 10): no clip is dropped on the panel, so it runs on
// the policy's own reference; the report names that reference (not the timeline's clip) and the episode ends at
// the probed length (100 frames at 50 Hz = 2 s), not the timeline clip's.
// The three tests share one page (the export dropped once, by whichever needs it first); each leaves it playing.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beyondMimicMeta, externalDataExport } from '../unit/families-fixture';
import { embeddedExport } from '../unit/policy-fixture';
import { useApp, useSharedPage, drawEvery, expectClean, expectNoErrors, DANCE, SMALL, state, type Problems } from './app-server';
import { openEvaluate, runEvaluation, setField } from './eval-panel-helpers';

const app = useApp();
// what is tested is the state, the panels and the report, not the drawing: a small view
const shared = useSharedPage(app, { viewport: SMALL });
const FRAMES = 100; // 2 s at 50 Hz

const file = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

const withPage = (body: (page: Page, problems: Problems) => Promise<void>): Promise<void> => body(shared.page, shared.problems);

const waitPolicy = (page: Page, family: string) =>
  page.waitForFunction(
    (f) => {
      const s = (
        window as unknown as { __mimic: { getState(): { driver: string; busy: boolean; policy: { family: string } | null } } }
      ).__mimic.getState();
      return s.driver === 'policy' && !s.busy && s.policy?.family === f;
    },
    family,
    { timeout: 120_000 },
  );

/** the embedded-reference export (BeyondMimic interface), dropped alone */
async function dropEmbedded(page: Page): Promise<void> {
  await page.setInputFiles('#file-input', [file('policy.onnx', embeddedExport(FRAMES, true, beyondMimicMeta()))]);
  await waitPolicy(page, 'beyondmimic');
}

describe('real export shapes dropped on the app', { timeout: 600_000 }, () => {
  it('an embedded-reference export dropped alone plays its own reference for its own length; the Run box names the family', async () => {
    await withPage(async (page, problems) => {
      await dropEmbedded(page);
      const s0 = await state(page);
      expectNoErrors(s0, problems);
      expect(s0.policy).toMatchObject({ family: 'beyondmimic', source: 'metadata', embedded: true });
      // the transport shows the policy's own motion length (100 frames at 50 Hz), not the built-in clip's
      expect(s0.status.duration).toBeGreaterThan(1.9);
      expect(s0.status.duration).toBeLessThan(2.1);
      // its reference moves the joints by 0.01 rad per frame: after a second of play the ghost has moved
      await page.waitForFunction(
        () => (window as unknown as { __mimic: { getState(): { time: number } } }).__mimic.getState().time > 1.0,
        undefined,
        { timeout: 120_000 },
      );
      const s1 = await state(page);
      expect(Math.max(...s1.reference.jointPos.map((q: number) => Math.abs(q)))).toBeGreaterThan(0.2);
      await page.click('#tabbtn-drive').catch(() => {});
      expect(await page.locator('body').innerText()).toMatch(/beyondmimic · config from metadata · carries its reference/);
      expectNoErrors(s1, problems);
      expect(problems.list).toEqual([]);
    });
  });

  it("Evaluate panel: runs on the policy's own reference: the report names it and the episode ends at its probed length", async () => {
    await withPage(async (page, problems) => {
      const s = await state(page);
      if (!(s.driver === 'policy' && s.policy?.family === 'beyondmimic')) await dropEmbedded(page);
      await page.evaluate(() => (window as any).__mimicDebug.setDrawInterval(1000)); // the worker gets the CPU
      const timelineClips: string[] = (await state(page)).segments.map((g: { clipId: string }) => g.clipId);
      expect(timelineClips.length).toBeGreaterThan(0); // the timeline holds a clip the panel must not use
      await page.click('#pause');
      await openEvaluate(page);
      // a drop on the panel's zone is the panel's own (the app does not load the files); Clear goes back to no clips
      const assets = (await state(page)).assets.length;
      const dt = await page.evaluateHandle(() => {
        const d = new DataTransfer();
        d.items.add(new File(['0,0,0.78,0,0,0,1\n'], 'one_60hz.csv'));
        d.items.add(new File(['not a clip'], 'notes.txt'));
        return d;
      });
      await page.dispatchEvent('#eval-drop', 'drop', { dataTransfer: dt });
      await expect.poll(() => page.locator('#eval-clip-files').getAttribute('data-count')).toBe('2');
      expect((await state(page)).assets.length).toBe(assets);
      expect(await page.locator('#drop-hint').isHidden()).toBe(true);
      await page.click('#eval-clip-clear');
      expect(await page.locator('#eval-clip-files').getAttribute('data-count')).toBe('0');
      await page.selectOption('#eval-scenario', 'nominal');
      await page.selectOption('#eval-engine', 'rapier');
      await setField(page, '#eval-episodes', '1');
      await setField(page, '#eval-workers', '1');
      await setField(page, '#eval-seconds', '0'); // the whole motion: its own length decides
      await runEvaluation(page, 300_000);
      const status = await page.locator('#eval-status').innerText();
      console.log(`${status} · timeline: ${timelineClips.join(', ')}`);
      expect(status).toMatch(/^done in .* clips: policy\.onnx: its own reference/);
      const groups = JSON.parse((await page.locator('#eval-tables').getAttribute('data-groups'))!);
      expect(groups.length).toBe(1);
      expect(groups[0].clip).toMatch(/policy\.onnx \(embedded reference\)/);
      // ends at the probed length of the reference (frames 0..99 at 50 Hz), not the timeline clip's
      expect(groups[0].clip_s[0]).toBeGreaterThan(1.9);
      expect(groups[0].clip_s[0]).toBeLessThan(2.1);
      const summary = JSON.parse((await page.locator('#eval-summary').getAttribute('data-summary'))!);
      expect(summary.episodes).toBe(1);
      expect(summary.survived_s).toBeLessThanOrEqual(groups[0].clip_s[0] + 1e-9);
      expect(Number.isFinite(summary.mpjpe_m)).toBe(true);
      // the report names the policy's reference, never the timeline's clip
      const html = (await page.locator('#eval-report').getAttribute('srcdoc'))!;
      expect(html).toContain('policy.onnx (embedded reference)');
      for (const id of timelineClips)
        expect(html).not.toContain(
          id
            .split(':')
            .pop()!
            .replace(/\.\w+$/, ''),
        );
      const rows = JSON.parse((await page.locator('#eval-clips').getAttribute('data-rows'))!);
      expect(rows.map((r: { clip: string }) => r.clip)).toEqual([groups[0].clip]);
      await expectClean(page, problems);
      // back to playing with the view drawn, on the Drive tab, for the next test on this page
      await drawEvery(page);
      await page.click('#play');
      await page.click('#tabbtn-drive');
    });
  });

  it('policy.onnx + policy.onnx.data dropped together load; without the .data: a named error, the previous driver keeps playing', async () => {
    await withPage(async (page, problems) => {
      const { model, data } = externalDataExport(154, 'policy.onnx.data');
      const yaml = readFileSync(`${DANCE}/deploy.yaml`);
      await page.setInputFiles('#file-input', [
        file('policy.onnx', model),
        file('policy.onnx.data', data),
        { name: 'deploy.yaml', mimeType: 'text/yaml', buffer: yaml },
      ]);
      await waitPolicy(page, 'unitree-rl-lab');
      const s0 = await state(page);
      expectNoErrors(s0, problems);
      const t0 = s0.time;
      await page.waitForFunction(
        (t) => (window as unknown as { __mimic: { getState(): { time: number } } }).__mimic.getState().time > t + 0.5,
        t0,
        { timeout: 120_000 },
      );

      await page.setInputFiles('#file-input', [file('lonely.onnx', model)]);
      await page.waitForFunction(
        () => (window as unknown as { __mimic: { getState(): { errors: unknown[] } } }).__mimic.getState().errors.length > 0,
        undefined,
        { timeout: 60_000 },
      );
      const s1 = await state(page);
      expect(s1.errors.map((e: { message: string }) => e.message).join('\n')).toMatch(/policy\.onnx\.data/);
      expect(s1.driver).toBe('policy');
      const t1 = s1.time;
      await page.waitForFunction(
        (t) => (window as unknown as { __mimic: { getState(): { time: number } } }).__mimic.getState().time > t + 0.3,
        t1,
        { timeout: 60_000 },
      );
      expect(problems.list).toEqual([]);
    });
  });
});
