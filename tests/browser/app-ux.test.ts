// The app as a daily tool (issue 18), built and served by `vite preview`, in headless Chromium: messages that
// collapse with a count, framing while a travelling clip plays, the transport's time, asset names and dedupe,
// the selection after a reload, sessions with their files, long loads, cold start, the report, shortcuts, and
// clicks answered while drawing is slow. State through the read-only hook; screenshots to test-results/.
// No wall-clock sleeps: waits are on the app's state, the DOM, IndexedDB writes settled or drawn frames. The cold
// start and the report tests share one page (in that order); the others open fresh ones.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import {
  useApp,
  useSharedPage,
  withApp,
  expectClean,
  expectNoErrors,
  drawEvery,
  frames,
  reloadApp,
  storageSettled,
  DANCE,
  SHOTS,
  state,
  type Problems,
} from './app-server';
import { openEvaluate, runEvaluation, setField } from './eval-panel-helpers';

const CSV = `${DANCE}/G1_Take_102.bvh_60hz.csv`;
const BVH = '../shared/assets/bvh/09_01.bvh';
const app = useApp();

const withPage = (body: (page: Page, problems: Problems, ctx: BrowserContext) => Promise<void>): Promise<void> =>
  withApp(app, body, { acceptDownloads: true });

/**
 * Sample the robot's screen box, root travel and simulated time every animation frame until the simulated time
 * reaches `until` s; a screenshot once the root is `shotAt` m from where it started. Bounded by simulated time.
 */
async function followSamples(page: Page, until: number, shotAt: number, shot: string) {
  await page.evaluate(() => {
    const w = window as any;
    const start = w.__mimic.getState().robot.rootPos;
    w.__follow = { boxes: [], far: 0, t: 0 };
    const tick = () => {
      const s = w.__mimic.getState(),
        f = w.__follow;
      f.t = s.time;
      f.boxes.push(s.robotScreenBox);
      f.far = Math.max(f.far, Math.hypot(s.robot.rootPos[0] - start[0], s.robot.rootPos[1] - start[1]));
      if (!f.stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const opts = { polling: 50, timeout: 120_000 };
  await page.waitForFunction(([a, u]) => (window as any).__follow.far > a || (window as any).__follow.t >= u, [shotAt, until], opts);
  if (await page.evaluate((a) => (window as any).__follow.far > a, shotAt)) await page.screenshot({ path: shot });
  await page.waitForFunction((u) => (window as any).__follow.t >= u, until, opts);
  return page.evaluate(() => {
    const f = (window as any).__follow;
    f.stop = true;
    return { boxes: f.boxes as { x0: number; y0: number; x1: number; y1: number }[], far: f.far as number };
  });
}

const mine = (s: any, kind: string) => s.assets.filter((a: any) => a.kind === kind && !a.builtin);

describe('app as a daily tool (built, in Chromium)', { timeout: 240_000 }, () => {
  describe('cold start and the report (one page, closed after them)', () => {
    const shared = useSharedPage(app, { acceptDownloads: true });
    const onShared = (body: (page: Page, problems: Problems) => Promise<void>): Promise<void> => body(shared.page, shared.problems);
    it('cold start, messages with counts, a malformed .json, shortcuts, time, run settings, clicks while drawing at 1 fps', async () => {
      await onShared(async (page, problems) => {
        // cold start (a fresh context: empty HTTP cache): the first frame comes before the app is ready
        const cold = (await state(page)).timings;
        await reloadApp(page);
        await page.waitForFunction(() => (window as any).__mimic.getState().timings.robotVisible !== null);
        const warm = (await state(page)).timings;
        console.log(
          `cold start: first frame ${cold.firstFrame.toFixed(0)} ms, robot ${cold.robotVisible?.toFixed(0)} ms, interactive ${cold.ready.toFixed(0)} ms; ` +
            `warm: first frame ${warm.firstFrame.toFixed(0)} ms, robot ${warm.robotVisible.toFixed(0)} ms, interactive ${warm.ready.toFixed(0)} ms`,
        );
        expect(cold.firstFrame).toBeLessThanOrEqual(cold.ready);
        expect(warm.firstFrame).toBeLessThanOrEqual(warm.ready);

        // the same error three times: one entry, ×3; a malformed .json: a named ParseError with file and line
        const broken = {
          name: 'broken.xml',
          mimeType: 'text/xml',
          buffer: Buffer.from('<mujoco model="x">\n  <worldbody>\n    <body name="a">\n</mujoco>\n'),
        };
        for (let k = 0; k < 3; k++) {
          await page.setInputFiles('#file-input', [broken]);
          await page.waitForFunction(
            (n) => (window as any).__mimic.getState().errors.reduce((a: number, e: any) => a + e.count, 0) >= n,
            k + 1,
          );
        }
        await page.setInputFiles('#file-input', [
          { name: 'profile.json', mimeType: 'application/json', buffer: Buffer.from('{\n  "obs": [1, 2,\n}\n') },
        ]);
        await page.waitForFunction(() => (window as any).__mimic.getState().errors.length === 2);
        const s1 = await state(page);
        const xml = s1.errors.find((e: any) => /broken\.xml/.test(e.message));
        expect(xml.count).toBe(3);
        const json = s1.errors.find((e: any) => /profile\.json/.test(e.message));
        expect(json.kind).toBe('ParseError');
        expect(json.message).toMatch(/profile\.json at line 3, column 1: not valid JSON/);
        expect(await page.locator('#errors li.error').count()).toBe(2);
        expect(await page.locator('#errors li.error .count').first().innerText()).toBe('×3');
        await page.screenshot({ path: `${SHOTS}/ux-messages.png` });
        await page.click('#errors-clear');
        await page.waitForFunction(() => (window as any).__mimic.getState().errors.length === 0);
        expect(await page.locator('#errors li.error').count()).toBe(0);

        // "?" lists the shortcuts; Esc closes
        await page.locator('#scene').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('?');
        await expect.poll(() => page.locator('#shortcuts').isVisible()).toBe(true);
        const help = await page.locator('#shortcuts').innerText();
        for (const k of ['Space', '→', 'F', '?']) expect(help).toContain(k);
        await page.screenshot({ path: `${SHOTS}/ux-shortcuts.png` });
        await page.keyboard.press('Escape');
        await expect.poll(() => page.locator('#shortcuts').isVisible()).toBe(false);

        // time: the position in the clip and the pass while looping, never beyond the clip's length
        await page.selectOption('#speed', '4');
        const dur = (await state(page)).status.duration;
        await page.waitForFunction((d) => (window as any).__mimic.getState().time > 1.2 * d, dur, { timeout: 60_000 });
        // the transport's text shows the second pass (a DOM change, not a fixed time)
        await page.waitForFunction(
          () => Number(/ · loop (\d+)$/.exec(document.getElementById('time')!.textContent ?? '')?.[1]) >= 2,
          undefined,
          {
            timeout: 30_000,
          },
        );
        const text = await page.locator('#time').innerText();
        const m = text.match(/^(\d+\.\d\d) \/ (\d+\.\d\d) s · loop (\d+)$/);
        expect(m, text).not.toBeNull();
        expect(Number(m![1])).toBeLessThanOrEqual(Number(m![2]));
        expect(Number(m![3])).toBeGreaterThanOrEqual(2);
        expect(await page.locator('#run-settings').innerText()).toMatch(/start: ground \(on the reference.* control 50 Hz/);
        expect(await page.locator('#chart-jointErr').getAttribute('data-x-axis')).toBe('simulated time (s)'); // drawn on the canvas

        // clicks are answered within 100 ms while the view draws once a second
        await page.evaluate(() => (window as any).__mimicDebug.setDrawInterval(1000));
        // the fps estimate is a moving average: wait until it has seen the slow drawing (an event, not a fixed time)
        await page.waitForFunction(() => (window as any).__mimic.getState().status.fps < 2, undefined, { timeout: 60_000 });
        const lat: number[] = [];
        for (const id of ['#pause', '#play', '#pause', '#play']) {
          await page.evaluate((sel) => {
            const w = window as any;
            const el = document.querySelector(sel)!;
            w.__clickAt = 0;
            w.__answerAt = 0;
            el.addEventListener(
              'pointerdown',
              () => {
                w.__clickAt = performance.now();
              },
              { once: true, capture: true },
            );
            new MutationObserver((_, o) => {
              if (el.classList.contains('on')) {
                w.__answerAt = performance.now();
                o.disconnect();
              }
            }).observe(el, { attributes: true });
          }, id);
          await page.click(id);
          await page.waitForFunction(() => (window as any).__answerAt > 0, undefined, { timeout: 10_000 });
          lat.push(await page.evaluate(() => (window as any).__answerAt - (window as any).__clickAt));
        }
        const fps = (await state(page)).status.fps;
        console.log(`drawing at ${fps.toFixed(2)} fps: click → answer ${lat.map((x) => x.toFixed(1)).join(', ')} ms`);
        expect(fps).toBeLessThan(2);
        expect(Math.max(...lat)).toBeLessThan(100);
        await drawEvery(page);
        await page.selectOption('#speed', '1'); // the defaults again for the next test on this page
        expect(problems.list).toEqual([]);
      });
    });

    it('the evaluation report opens full width; the panel shows the headline numbers', async () => {
      await onShared(async (page, problems) => {
        await page.click('#pause');
        await openEvaluate(page);
        await page.selectOption('#eval-scenario', 'nominal');
        for (const [sel, v] of [
          ['#eval-episodes', '1'],
          ['#eval-envs', '1'],
          ['#eval-workers', '1'],
          ['#eval-seconds', '1'],
        ])
          await setField(page, sel, v);
        await runEvaluation(page, 120_000);
        expect(await page.locator('#eval-summary').innerText()).toMatch(/success \d+% of 1[\s\S]*MPJPE/);
        await page.click('#eval-open-report');
        const box = (await page.locator('#eval-report-dialog').boundingBox())!;
        const vw = page.viewportSize()!.width;
        console.log(`report dialog: ${box.width.toFixed(0)} px wide of ${vw}`);
        expect(box.width).toBeGreaterThan(0.9 * vw);
        await expect.poll(() => page.frameLocator('#eval-report').locator('table').count(), { timeout: 10_000 }).toBeGreaterThan(0);
        await page.screenshot({ path: `${SHOTS}/ux-report.png` });
        await page.keyboard.press('Escape');
        await expect.poll(() => page.locator('#eval-report-dialog').isVisible()).toBe(false);
        expect(problems.list).toEqual([]);
        await page.click('#play'); // the defaults again for the next test on this page
      });
    });
  });

  it('the follow camera keeps a travelling clip in view; "frame robot" frames it again', async () => {
    await withPage(async (page, problems) => {
      // a run (CMU 09_01, retargeted), looped: each pass starts where the last ended, so the robot travels on
      await page.setInputFiles('#file-input', [BVH]);
      await page.waitForFunction(
        () => (window as any).__mimic.getState().segments.length === 1 && !(window as any).__mimic.getState().busy,
        undefined,
        { timeout: 60_000 },
      );
      await page.click('#driver-replay');
      await page.selectOption('#speed', '2');
      await drawEvery(page, 0); // the follow camera moves at each drawn frame, and the zoom below is read per frame
      const view = (await page.locator('#scene').boundingBox())!;
      // bounded by simulated time: 8 s of running, sampled every drawn frame
      const { boxes, far } = await followSamples(page, 8, 3, `${SHOTS}/ux-follow.png`);
      const heights = boxes.map((b) => b.y1 - b.y0);
      console.log(
        `follow: root travelled up to ${far.toFixed(2)} m; ${boxes.length} samples; box height ${Math.min(...heights).toFixed(0)}–${Math.max(...heights).toFixed(0)} px of ${view.height}`,
      );
      expect(far).toBeGreaterThan(3);
      for (const b of boxes) {
        expect(b.x0).toBeGreaterThan(0);
        expect(b.y0).toBeGreaterThan(0);
        expect(b.x1).toBeLessThan(view.width);
        expect(b.y1).toBeLessThan(view.height);
      }
      expect(Math.min(...heights)).toBeGreaterThan(0.2 * view.height);

      // zoom far out, then "frame robot": back to about half the view's height
      await page.click('#pause');
      await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
      for (let k = 0; k < 8; k++) {
        await page.mouse.wheel(0, 400);
        await frames(page, 1);
      }
      await frames(page, 3); // the controls apply the zoom at the next drawn frame
      const small = (await state(page)).robotScreenBox;
      await page.click('#frame-robot');
      await frames(page, 3); // framed at the next drawn pose
      const framed = (await state(page)).robotScreenBox;
      console.log(`frame robot: box height ${(small.y1 - small.y0).toFixed(0)} px zoomed out → ${(framed.y1 - framed.y0).toFixed(0)} px`);
      expect(framed.y1 - framed.y0).toBeGreaterThan(1.3 * (small.y1 - small.y0));
      expect(framed.y1 - framed.y0).toBeGreaterThan(0.3 * view.height);
      await page.screenshot({ path: `${SHOTS}/ux-framed.png` });
      await expectClean(page, problems);
    });
  });

  it('names a generic policy.onnx by its folder, keeps one copy of the same files, restores the selection after a reload; a long load shows progress and can be cancelled', async () => {
    await withPage(async (page, problems) => {
      // cancelled at its first progress report: nothing from that load is kept
      await page.evaluate(() => {
        const busy = document.getElementById('busy')!;
        const w = window as any;
        w.__labels = [];
        new MutationObserver(() => {
          const p = w.__mimic.getState().progress;
          if (p && !w.__labels.includes(p.label)) w.__labels.push(p.label);
          if (p && w.__cancelOnce) {
            w.__cancelOnce = false;
            (document.getElementById('load-cancel') as HTMLButtonElement).click();
          }
        }).observe(busy, { subtree: true, childList: true, characterData: true, attributes: true });
        w.__cancelOnce = true;
      });
      await page.setInputFiles('#folder-input', DANCE);
      await page.waitForFunction(() => /cancelled/.test((window as any).__mimic.getState().status.note), undefined, { timeout: 60_000 });
      await page.waitForFunction(() => (window as any).__mimic.getState().progress === null);
      expect(mine(await state(page), 'policy')).toEqual([]);
      expect(mine(await state(page), 'clip')).toEqual([]);

      // the folder, twice: one policy named by its folder, one clip
      for (let k = 0; k < 2; k++) {
        await page.setInputFiles('#folder-input', DANCE);
        await page.waitForFunction(
          () => {
            const s = (window as any).__mimic.getState();
            return s.assets.some((a: any) => a.kind === 'policy') && !s.busy && !s.progress;
          },
          undefined,
          { timeout: 90_000 },
        );
      }
      const labels: string[] = await page.evaluate(() => (window as any).__labels);
      console.log(`load progress labels: ${labels.slice(0, 4).join(' | ')} …`);
      expect(labels.some((l) => /^reading /.test(l))).toBe(true);
      expect(labels.some((l) => /^compiling policy\.onnx/.test(l))).toBe(true);
      const s = await state(page);
      expect(mine(s, 'policy').map((a: any) => a.name)).toEqual(['g1-dance-102']);
      expect(mine(s, 'clip').map((a: any) => a.name)).toEqual(['G1_Take_102.bvh_60hz']);

      // a selection: replay of the dance clip; after a reload the same selection
      await page.click('#driver-replay');
      await page.waitForFunction(() => (window as any).__mimic.getState().driver === 'replay');
      const before = await state(page);
      await storageSettled(page, 1); // the folder's files written to IndexedDB (the selection: localStorage, at once)
      await reloadApp(page);
      const after = await state(page);
      expect(after.driver).toBe('replay');
      expect(after.policyId).toBe(before.policyId);
      expect(after.segments.map((g: any) => g.clipId)).toEqual(before.segments.map((g: any) => g.clipId));
      expect(after.robotId).toBe(before.robotId);
      expect(problems.list).toEqual([]);
    });
  });

  it('a session saved with its files opens in a fresh browser; one without them lists every missing file and continues when they are dropped', async () => {
    let zip = '',
      json = '';
    await withPage(async (page) => {
      await page.setInputFiles('#file-input', [CSV, BVH]);
      await page.waitForFunction(() => (window as any).__mimic.getState().segments.length === 2, undefined, { timeout: 60_000 });
      await page.click('#driver-replay');
      await page.waitForFunction(() => (window as any).__mimic.getState().driver === 'replay');
      const [dz] = await Promise.all([page.waitForEvent('download'), page.click('#session-save-all')]);
      zip = `${SHOTS}/ux-session.zip`;
      await dz.saveAs(zip);
      const [dj] = await Promise.all([page.waitForEvent('download'), page.click('#session-save')]);
      json = readFileSync(await dj.path(), 'utf8');
      expect(readFileSync(zip).subarray(0, 2).toString()).toBe('PK');
    });
    // a fresh browser context (no IndexedDB, no files): the archive alone
    await withPage(async (page, problems) => {
      await page.setInputFiles('#session-load', { name: 'mimic-session.zip', mimeType: 'application/zip', buffer: readFileSync(zip) });
      await page.waitForFunction(
        () => (window as any).__mimic.getState().segments.length === 2 && (window as any).__mimic.getState().driver === 'replay',
        undefined,
        { timeout: 60_000 },
      );
      const s = await state(page);
      expect(
        mine(s, 'clip')
          .map((a: any) => a.name)
          .sort(),
      ).toEqual(['09_01', 'G1_Take_102.bvh_60hz']);
      expectNoErrors(s, problems);
      expect(problems.list).toEqual([]);
    });
    // a fresh context with the plain session: both missing files named in one message; dropped → applied
    await withPage(async (page, problems) => {
      await page.setInputFiles('#session-load', { name: 'mimic-session.json', mimeType: 'application/json', buffer: Buffer.from(json) });
      await page.waitForFunction(() => (window as any).__mimic.getState().errors.length > 0, undefined, { timeout: 30_000 });
      const s0 = await state(page);
      expect(s0.errors).toHaveLength(1);
      expect(s0.errors[0].message).toMatch(
        /2 file\(s\) not loaded.*G1_Take_102\.bvh_60hz.*09_01|2 file\(s\) not loaded.*09_01.*G1_Take_102/,
      );
      expect(s0.waitingSession).toBe(true);
      await page.setInputFiles('#file-input', [CSV, BVH]);
      await page.waitForFunction(
        () => !(window as any).__mimic.getState().waitingSession && (window as any).__mimic.getState().driver === 'replay',
        undefined,
        { timeout: 60_000 },
      );
      const s1 = await state(page);
      expect(s1.segments).toHaveLength(2);
      expect(new Set(s1.segments.map((g: any) => g.clipId))).toEqual(new Set(mine(s1, 'clip').map((a: any) => a.id)));
      expect(problems.list).toEqual([]);
    });
  });
});
