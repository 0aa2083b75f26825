// Issue 14, app side: the Record button records the run (core Recorder) and downloads a .zip with the BeyondMimic
// CSV, NPZ and the JSON of actions / PD targets / torques; the CSV read back through our loader gives the robot's
// numbers. The Video button records the 3D view to WebM: 2 s of SIMULATED time (100 control steps at 50 Hz), the
// file's length (its block timecodes, parsed here by our WebM reader) matches the recorder's wall-clock time.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import type { Page } from 'playwright-core';
import { loadRobot } from '../../src/core/model/index';
import { readMotionFile } from '../../src/core/motion/formats/read';
import { parseRecordingJson } from '../../src/core/motion/formats/record';
import { webmTiming } from '../../src/app/record/webm';
import { useApp, useSharedPage, withApp, state, loadG1Dance, type Problems } from './app-server';
import { loadG1 } from '../unit/model-helpers';

const app = useApp();

async function runSteps(page: Page, n: number): Promise<void> {
  const s0 = (await state(page)).step as number;
  await page.waitForFunction((s) => (window as any).__mimic.getState().step >= s, s0 + n, { timeout: 180_000 });
}
/** Pause and let the frame in flight finish (three animation frames). */
async function pause(page: Page): Promise<void> {
  await page.click('#pause');
  await page.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => r())))),
  );
}
/** Click and take the download it starts: its file name and bytes. */
async function download(page: Page, selector: string): Promise<{ name: string; bytes: Uint8Array }> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click(selector)]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) };
}

/** Record `steps` control steps, pause, stop: the zip's files, the robot's state at the stop, the steps counted. */
async function recordRun(page: Page, steps: number) {
  await page.click('#record-run');
  await runSteps(page, steps);
  await pause(page);
  const s = await state(page);
  const counted = Number(await page.getAttribute('#record-run', 'data-steps'));
  const { name, bytes } = await download(page, '#record-run');
  return { name, files: unzipSync(bytes), s, counted, zipBytes: bytes };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

describe('app: Record and Video', { timeout: 400_000 }, () => {
  describe('on the built-in defaults (one page: the video, then the run)', () => {
    const shared = useSharedPage(app);
    const onShared = (body: (page: Page, problems: Problems) => Promise<void>): Promise<void> => body(shared.page, shared.problems);
    it('Video: 2 s of simulated time to WebM; its block timecodes span the recorder time; size > 8 KB', async () => {
      await onShared(async (page, problems) => {
        const dt = (await state(page)).controlDt as number;
        await page.click('#record-video');
        await runSteps(page, Math.round(2 / dt));
        const { name, bytes } = await download(page, '#record-video');
        expect(name).toMatch(/\.webm$/);
        await page.waitForSelector('#record-video[data-seconds]');
        const wall = Number(await page.getAttribute('#record-video', 'data-seconds'));
        const simulated = Number(await page.getAttribute('#record-video', 'data-sim-seconds'));
        const t = webmTiming(bytes, name);
        const span = t.lastBlock - t.firstBlock;
        console.log(
          `[video] ${bytes.length} B, ${t.blocks} blocks, span ${span.toFixed(3)} s, recorder ${wall} s, simulated ${simulated} s`,
        );
        expect(simulated).toBeGreaterThanOrEqual(2 - 1e-6);
        expect(wall).toBeGreaterThanOrEqual(1.9); // at speed 1 the simulation runs no faster than real time
        // frames are stamped by the recorder's (wall) clock, the last one at the stop: the file lasts at least the 2 s
        // of simulated time less the first frame's capture delay, and no longer than the recorder ran
        expect(span).toBeGreaterThan(1.5);
        expect(span).toBeLessThan(wall + 0.3);
        expect(t.blocks).toBeGreaterThanOrEqual(5);
        // frames with the scene in them: 16-40 KB seen here (the scene lowers its detail on a slow renderer, and a
        // lower detail compresses better); 2 s of a blank view in the background colour made 2.6 KB
        expect(bytes.length).toBeGreaterThan(8_000);
        expect(problems.list).toEqual([]);
      });
    });

    it('Record (built-in controller): CSV / NPZ / JSON; the CSV read back by our loader equals the robot at the stop', async () => {
      const robot = loadRobot('humanoid29.xml', readFileSync('public/robots/humanoid29.xml', 'utf8'));
      await onShared(async (page, problems) => {
        const { name, files, s, counted, zipBytes } = await recordRun(page, 40);
        expect(name).toMatch(/_50hz\.zip$/);
        const csvName = Object.keys(files).find((f) => f.endsWith('.csv'))!;
        expect(Object.keys(files).sort()).toEqual([csvName, csvName.replace('.csv', '.json'), csvName.replace('.csv', '.npz')]);
        const [clip] = readMotionFile(csvName, files[csvName], robot);
        expect(clip.fps).toBe(50);
        expect(clip.nFrames).toBe(counted);
        expect(counted).toBeGreaterThanOrEqual(40);
        const nj = robot.joints.length,
          last = clip.nFrames - 1;
        const names = s.jointNames as string[];
        const jp = names.map((n) => clip.jointPos[last * nj + clip.jointNames.indexOf(n)]);
        expect(maxDiff(jp, s.robot.jointPos)).toBeLessThan(1e-5);
        expect(maxDiff(clip.rootPos.subarray(last * 3, last * 3 + 3), s.robot.rootPos)).toBeLessThan(1e-5);
        expect(maxDiff(clip.rootQuat.subarray(last * 4, last * 4 + 4), s.robot.rootQuat)).toBeLessThan(1e-5);
        // the NPZ (IsaacLab order, bodies by FK) gives the same joints by name
        const [npz] = readMotionFile(csvName.replace('.csv', '.npz'), files[csvName.replace('.csv', '.npz')], robot);
        expect(npz.nFrames).toBe(clip.nFrames);
        expect(
          maxDiff(
            names.map((n) => npz.jointPos[last * nj + npz.jointNames.indexOf(n)]),
            jp,
          ),
        ).toBeLessThan(1e-5);
        // the JSON: per step PD targets (the reference joints for the built-in controller) and torques
        const rec = parseRecordingJson(strFromU8(files[csvName.replace('.csv', '.json')]), 'rec.json');
        expect(rec.targets).toHaveLength(counted);
        expect(rec.targets[last]).toHaveLength(nj);
        expect(maxDiff(rec.clip.jointPos.subarray(last * nj), clip.jointPos.subarray(last * nj))).toBeLessThan(1e-6);
        expect(Math.max(...rec.torques.flat().map(Math.abs))).toBeGreaterThan(0.1);
        // the downloaded .zip dropped back on the app: its CSV, NPZ and JSON become three clips of the same length
        await page.setInputFiles('#file-input', [{ name, mimeType: 'application/zip', buffer: Buffer.from(zipBytes) }]);
        await page.waitForFunction(() => (window as any).__mimic.getState().segments.length === 3, undefined, { timeout: 60_000 });
        const back = await state(page);
        expect(back.segments.map((g: { out: number }) => +g.out.toFixed(4))).toEqual(Array(3).fill(+((counted - 1) / 50).toFixed(4)));
        expect(back.errors.filter((e: { kind: string }) => e.kind !== 'Note')).toEqual([]);
        expect(problems.list).toEqual([]);
      });
    });
  });

  it('Record with the real dance policy: the JSON holds its 29 raw actions per step', async () => {
    const g1 = loadG1('xml');
    await withApp(app, async (page, problems) => {
      await loadG1Dance(page);
      const { files, s, counted } = await recordRun(page, 10);
      expect(s.simHost).toBe('worker'); // recorded where it ran: in the simulation worker
      const json = Object.keys(files).find((f) => f.endsWith('.json'))!;
      const rec = parseRecordingJson(strFromU8(files[json]), json);
      expect(rec.actionNames).toHaveLength(29);
      expect(rec.actions).toHaveLength(counted);
      const full = rec.actions.filter((a) => a.length === 29);
      expect(full.length).toBeGreaterThanOrEqual(counted - 1);
      expect(full.flat().every(Number.isFinite)).toBe(true);
      expect(Math.max(...full.flat().map(Math.abs))).toBeGreaterThan(0);
      const csv = Object.keys(files).find((f) => f.endsWith('.csv'))!;
      const [clip] = readMotionFile(csv, files[csv], g1);
      const nj = g1.joints.length,
        last = clip.nFrames - 1;
      const jp = (s.jointNames as string[]).map((n) => clip.jointPos[last * nj + clip.jointNames.indexOf(n)]);
      expect(maxDiff(jp, s.robot.jointPos)).toBeLessThan(1e-5);
      expect(problems.list).toEqual([]);
    });
  });
});
