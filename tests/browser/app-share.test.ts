// Issue 14, app side: the share link. The session's built-in choices (timeline clip, speed, loop, view toggles,
// camera) encoded in the URL hash, opened in a fresh page (own browser context) → the same state. A loaded clip
// cannot travel in a URL: the link leaves it out, says so, and offers the session archive ("Save with files").
// Issue 16: the terrain choice and its seed travel in the link and in the archive's session.json.
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp, withApp, chooseTerrain, waitReady, state } from './app-server';

const app = useApp();

interface Link {
  segments: [string, number, number, string, number][];
  speed: number;
  loop: boolean;
  ghost: string;
  follow: boolean;
  camera: { position: number[]; target: number[] };
  terrain?: { id: string; seed: number };
}
/** The state in a link, decoded here (base64url JSON in `#share=`), independently of the app's code. */
const decode = (url: string): Link => {
  const m = /#share=([A-Za-z0-9_-]+)/.exec(url);
  expect(m).not.toBeNull();
  return JSON.parse(Buffer.from(m![1], 'base64url').toString('utf8')) as Link;
};
async function share(page: Page): Promise<string> {
  await page.click('#share');
  await page.waitForSelector('#share-link:not([hidden])');
  return page.inputValue('#share-link');
}
const notes = async (page: Page) => ((await state(page)).errors as { kind: string; message: string }[]).filter((e) => e.kind === 'Note');

describe('app: share link', { timeout: 300_000 }, () => {
  it('built-in choices and the camera travel in the URL; a fresh page opened on it has the same state', async () => {
    await withApp(app, async (page, problems) => {
      await page.click('#library li[data-id="clip:builtin:squat"] .name');
      await page.selectOption('#speed', '0.5');
      await page.uncheck('#loop');
      await page.selectOption('#ghost', 'over');
      await page.click('#follow'); // follow off: the camera stays where the user put it
      await chooseTerrain(page, 'rough', 11);
      await page.waitForFunction(
        () => {
          const s = (window as any).__mimic.getState();
          return s.terrain === 'rough (seed 11)' && !s.busy;
        },
        undefined,
        { timeout: 120_000 },
      );
      const box = (await page.locator('#scene').boundingBox())!;
      await page.mouse.move(box.x + 30, box.y + 30);
      await page.mouse.down();
      await page.mouse.move(box.x + 130, box.y + 60, { steps: 5 });
      await page.mouse.up();
      const url = await share(page);
      expect(page.url()).toBe(url); // in the address bar too
      const a = decode(url);
      expect(a.segments.map((g) => g[0])).toEqual(['clip:builtin:squat']);
      expect([a.speed, a.loop, a.ghost, a.follow]).toEqual([0.5, false, 'over', false]);
      expect(a.terrain).toEqual({ id: 'rough', seed: 11 });
      const sa = await state(page);

      // a fresh page (own browser context: nothing remembered) opened straight on the link
      const ctx = await app.browser.newContext({ viewport: { width: 1200, height: 760 } });
      const b = { page: await ctx.newPage(), ctx, problems: { list: [] as string[] } };
      b.page.on('pageerror', (e) => b.problems.list.push(e.message));
      try {
        await b.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
        await waitReady(b.page, 90_000);
        const sb = await state(b.page);
        const seg = (s: { segments: { clipId: string; in: number; out: number; driver: string }[] }) =>
          s.segments.map((g) => [g.clipId, +g.in.toFixed(3), +g.out.toFixed(3), g.driver]);
        expect(seg(sb)).toEqual(seg(sa));
        expect([sb.speed, sb.loop, sb.source, sb.driver, sb.robotId]).toEqual([sa.speed, sa.loop, sa.source, sa.driver, sa.robotId]);
        await b.page.waitForFunction(() => (window as any).__mimic.getState().terrain === 'rough (seed 11)', undefined, {
          timeout: 60_000,
        });
        expect(await b.page.inputValue('#terrain-seed')).toBe('11');
        const again = decode(await share(b.page));
        expect([again.ghost, again.follow]).toEqual(['over', false]);
        for (const k of ['position', 'target'] as const)
          again.camera[k].forEach((v, i) => expect(Math.abs(v - a.camera[k][i])).toBeLessThan(1e-3));
        // the camera was really moved by the drag (not the default view on both sides)
        expect(Math.hypot(...a.camera.position.map((v, i) => v - [2.6, -2.8, 1.6][i]))).toBeGreaterThan(0.05);
        expect(b.problems.list).toEqual([]);
      } finally {
        await b.ctx.close();
      }
      expect(problems.list).toEqual([]);
    });
  });

  it('a loaded clip is left out and named; "Save with files" is offered and downloads the session archive', async () => {
    await withApp(app, async (page, problems) => {
      const csv = Array.from({ length: 30 }, (_, f) => [0, 0, 0.79, 0, 0, 0, 1, ...Array(29).fill(0.01 * f)].join(',')).join('\n');
      await page.setInputFiles('#file-input', [{ name: 'my_moves_50hz.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) }]);
      await page.waitForFunction(
        () => (window as any).__mimic.getState().segments.some((g: any) => g.clipId.includes('my_moves')),
        undefined,
        {
          timeout: 60_000,
        },
      );
      const link = decode(await share(page));
      expect(link.segments).toEqual([]);
      expect((await notes(page)).map((n) => n.message).join('\n')).toMatch(/leaves out the loaded my_moves_50hz.*Save with files/);
      await page.waitForSelector('#share-save-all:not([hidden])');
      const [d] = await Promise.all([page.waitForEvent('download'), page.click('#share-save-all')]);
      expect(d.suggestedFilename()).toBe('mimic-session.zip');
      const session = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(await d.path())))['session.json']));
      expect(session.terrain).toEqual({ id: 'flat', seed: 7 });
      expect(problems.list).toEqual([]);
    });
  });
});
