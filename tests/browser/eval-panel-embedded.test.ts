// The Evaluate panel with an embedded-reference policy (issue 10) in the built app in Chromium: an export with the
// BeyondMimic interface (its reference selected by time_step, clamped past its last frame; built as in
// app-exports.test.ts) dropped alone. No clip is dropped on the panel: it runs on the policy's own reference, the
// report names that reference (not the timeline's clip) and the episode ends at the probed length (100 frames at
// 50 Hz = 2 s), not the timeline clip's.
import { describe, expect, it } from 'vitest';
import { beyondMimicMeta } from '../unit/families-fixture';
import { embeddedExport } from '../unit/policy-fixture';
import { expectClean, state, useApp, withApp } from './app-server';
import { openEvaluate, runEvaluation, setField } from './eval-panel-helpers';

const app = useApp();
const FRAMES = 100; // 2 s at 50 Hz

describe('Evaluate panel: an embedded-reference policy (built app, in Chromium)', { timeout: 600_000 }, () => {
  it("runs on the policy's own reference: the report names it and the episode ends at its probed length", async () => {
    await withApp(app, async (page, problems) => {
      const onnx = embeddedExport(FRAMES, true, beyondMimicMeta());
      await page.setInputFiles('#file-input', [{ name: 'policy.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(onnx) }]);
      await page.waitForFunction(
        () => {
          const s = (window as any).__mimic.getState();
          return s.driver === 'policy' && !s.busy && s.policy?.family === 'beyondmimic';
        },
        undefined,
        { timeout: 120_000 },
      );
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
      await runEvaluation(page, 150_000);
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
    });
  });
});
