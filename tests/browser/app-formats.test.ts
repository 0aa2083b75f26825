// Issue 14, app side: every motion format the core reads goes through the app's drop / picker. A PHC pickle with
// two clips and a LAFAN CSV (its rate asked) dropped together → three named clips in the library, played; a SONIC
// folder, a viewer JSON, a BONES-SEED CSV, holosoma and GMR NPZ → one clip each, with the readers' notes as
// messages; broken files → named errors and nothing loaded before lost.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { loadRobot } from '../../src/core/model/index';
import { isaacLabOrder } from '../../src/core/motion/formats/common';
import { writeNpy, writeNpyStrings } from '../../src/core/motion/npy';
import { useApp, useSharedPage, openApp, clearLibrary, state, SHOTS, SMALL, type Problems } from './app-server';

const app = useApp();
// the state and the messages are tested, not the drawing: a small view; the two tests share one page
const shared = useSharedPage(app, { viewport: SMALL });
const withApp = (_: unknown, body: (page: Page, problems: Problems) => Promise<void>): Promise<void> => body(shared.page, shared.problems);
const robot = loadRobot('humanoid29.xml', readFileSync('public/robots/humanoid29.xml', 'utf8'));
const desc = robot.joints.map((j) => j.name);
const nj = desc.length;
const dof = (f: number, j: number) => 0.2 * Math.sin(f / 10 + j / 7);
const buf = (x: string | Uint8Array) => Buffer.from(x);
const file = (name: string, x: string | Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: buf(x) });

/** LAFAN1 retargeted CSV: no header, x y z qx qy qz qw + joints in description order. */
function lafanCsv(n: number): string {
  return Array.from({ length: n }, (_, f) => [0.01 * f, 0, 0.79, 0, 0, 0, 1, ...desc.map((_, j) => dof(f, j))].join(',')).join('\n');
}

function viewerJson(n: number): string {
  const frames = Array.from({ length: n }, (_, f) => f);
  return JSON.stringify({
    joint_pos: frames.map((f) => desc.map((_, j) => dof(f, j))),
    root_pos: frames.map((f) => [0, 0.01 * f, 0.79]),
    root_quat: frames.map(() => [1, 0, 0, 0]),
  });
}

function seedCsv(n: number): string {
  const header = ['Frame', 'root_translateX', 'root_translateY', 'root_translateZ', 'root_rotateX', 'root_rotateY', 'root_rotateZ'];
  const rows = Array.from({ length: n }, (_, f) => [f, f, 0, 79, 0, 0, 0, ...desc.map((_, j) => (dof(f, j) * 180) / Math.PI)].join(','));
  return [[...header, ...desc.map((j) => `${j}_dof`)].join(','), ...rows].join('\n');
}

function holosomaNpz(n: number): Uint8Array {
  const jp = new Float32Array(n * (7 + nj));
  for (let f = 0; f < n; f++) jp.set([0, 0, 0.79, 1, 0, 0, 0, ...desc.map((_, j) => dof(f, j))], f * (7 + nj));
  const unit = (k: number) => new Float32Array(n * k * 4).map((_, i) => (i % 4 === 0 ? 1 : 0));
  return zipSync({
    'fps.npy': writeNpy(Float64Array.of(50), [1]),
    'joint_names.npy': writeNpyStrings(desc),
    'body_names.npy': writeNpyStrings(['pelvis']),
    'joint_pos.npy': writeNpy(jp, [n, 7 + nj]),
    'joint_vel.npy': writeNpy(new Float32Array(n * (6 + nj)), [n, 6 + nj]),
    'body_pos_w.npy': writeNpy(new Float32Array(n * 3), [n, 1, 3]),
    'body_quat_w.npy': writeNpy(unit(1), [n, 1, 4]),
    'body_lin_vel_w.npy': writeNpy(new Float32Array(n * 3), [n, 1, 3]),
    'body_ang_vel_w.npy': writeNpy(new Float32Array(n * 3), [n, 1, 3]),
  });
}

function gmrNpz(n: number): Uint8Array {
  const pos = new Float64Array(n * 3).map((_, i) => (i % 3 === 2 ? 0.79 : 0));
  const rot = new Float64Array(n * 4).map((_, i) => (i % 4 === 3 ? 1 : 0));
  const d = new Float64Array(n * nj).map((_, i) => dof(Math.floor(i / nj), i % nj));
  return zipSync({
    'fps.npy': writeNpy(Int32Array.of(30), [1]),
    'root_pos.npy': writeNpy(pos, [n, 3]),
    'root_rot.npy': writeNpy(rot, [n, 4]),
    'dof_pos.npy': writeNpy(d, [n, nj]),
  });
}

/** A SONIC folder on disk (IsaacLab joint order, root = body 0, w,x,y,z). */
function sonicFolder(dir: string, n: number): void {
  const order = isaacLabOrder(robot);
  const rows = (hdr: string[], f: (k: number) => number[]) =>
    [hdr.join(','), ...Array.from({ length: n }, (_, k) => f(k).join(','))].join('\n');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    `${dir}/joint_pos.csv`,
    rows(
      order.map((_, j) => `joint_${j}`),
      (k) => order.map((name) => dof(k, desc.indexOf(name))),
    ),
  );
  writeFileSync(
    `${dir}/joint_vel.csv`,
    rows(
      order.map((_, j) => `joint_vel_${j}`),
      () => order.map(() => 0),
    ),
  );
  writeFileSync(
    `${dir}/body_pos.csv`,
    rows(['body_0_x', 'body_0_y', 'body_0_z'], () => [0, 0, 0.79]),
  );
  writeFileSync(
    `${dir}/body_quat.csv`,
    rows(['body_0_w', 'body_0_x', 'body_0_y', 'body_0_z'], () => [1, 0, 0, 0]),
  );
  writeFileSync(`${dir}/metadata.txt`, `Metadata for: jump\n=====\n\nBody part indexes:\n[0]\n\nTotal timesteps: ${n}\n`);
}

const mine = async (page: Page) =>
  ((await state(page)).assets as { kind: string; name: string; builtin: boolean }[]).filter((a) => !a.builtin);
const waitClips = (page: Page, n: number) =>
  page.waitForFunction(
    (k) => (window as any).__mimic.getState().assets.filter((a: any) => a.kind === 'clip' && !a.builtin).length >= k,
    n,
    {
      timeout: 60_000,
    },
  );
/** Wait until the simulation has run `n` more control steps (bounded by simulated steps, not wall time). */
async function runSteps(page: Page, n: number): Promise<void> {
  const s0 = (await state(page)).step as number;
  await page.waitForFunction((s) => (window as any).__mimic.getState().step >= s, s0 + n, { timeout: 120_000 });
}
const messages = async (page: Page) =>
  ((await state(page)).errors as { kind: string; message: string }[]).map((e) => `${e.kind}: ${e.message}`);
const notNotes = (m: string[]) => m.filter((x) => !/^(Note|MotionWarning):/.test(x));

describe('app: motion formats in', { timeout: 480_000 }, () => {
  it('a two-clip pickle and a LAFAN CSV dropped together: three named clips, the rate asked, notes shown, played', async () => {
    await withApp(app, async (page, problems) => {
      const asked: string[] = [];
      page.on('dialog', (d) => {
        asked.push(d.message());
        void d.accept('25');
      });
      const pkl = readFileSync('tests/fixtures/motion/phc_two_clips_p2.pkl');
      const dt = await page.evaluateHandle(
        ([p, csv]) => {
          const d = new DataTransfer();
          d.items.add(new File([new Uint8Array(p)], 'phc_two_clips_p2.pkl'));
          d.items.add(new File([csv], 'walk_lafan.csv', { type: 'text/csv' }));
          return d;
        },
        [[...pkl], lafanCsv(40)] as const,
      );
      await page.dispatchEvent('#scene', 'dragenter', { dataTransfer: dt });
      await page.dispatchEvent('#scene', 'drop', { dataTransfer: dt });
      await waitClips(page, 3);
      expect((await mine(page)).map((a) => a.name)).toEqual(['walk_a', 'walk_b', 'walk_lafan']);
      expect(asked.join(' ')).toMatch(/Frame rate of walk_lafan\.csv/);
      await runSteps(page, 10);
      const s = await state(page);
      expect(s.source).toBe('timeline');
      expect(s.segments.map((g: { clipId: string }) => g.clipId.split(':')[1])).toEqual(['walk_a', 'walk_b', 'walk_lafan']);
      // durations from the readers: the fixtures' 12 and 9 frames at 30 fps; the CSV's 40 frames at the asked 25 Hz
      expect(s.segments.map((g: { out: number }) => +g.out.toFixed(4))).toEqual([+(11 / 30).toFixed(4), +(8 / 30).toFixed(4), 1.56]);
      expect(s.currentSegment).not.toBeNull();
      const m = await messages(page);
      expect(notNotes(m)).toEqual([]);
      expect(m.join('\n')).toMatch(/walk_a read as .*pickle/i);
      expect(m.join('\n')).toMatch(/walk_lafan read as .*25 Hz/);
      // "Save with files" and the archive opened in a fresh browser: the same three clips on the timeline
      const [d] = await Promise.all([page.waitForEvent('download'), page.click('#session-save-all')]);
      const zip = readFileSync(await d.path());
      const b = await openApp(app, { viewport: SMALL });
      try {
        b.page.on('dialog', (x) => void x.accept('25'));
        await b.page.setInputFiles('#session-load', { name: 'mimic-session.zip', mimeType: 'application/zip', buffer: zip });
        await b.page.waitForFunction(
          () => (window as any).__mimic.getState().segments.some((g: any) => g.clipId.includes('walk_lafan')),
          undefined,
          {
            timeout: 60_000,
          },
        );
        const sb = await state(b.page);
        const seg = (x: { segments: { clipId: string; out: number }[] }) =>
          x.segments.map((g) => [g.clipId.split(':')[1], +g.out.toFixed(4)]);
        expect(seg(sb)).toEqual(seg(s));
        expect(notNotes(await messages(b.page))).toEqual([]);
        expect(b.problems.list).toEqual([]);
      } finally {
        await b.ctx.close();
      }
      expect(problems.list).toEqual([]);
    });
  });

  it('SONIC folder, viewer JSON, BONES-SEED CSV, holosoma and GMR NPZ: one clip each; broken files are named errors, nothing lost', async () => {
    const dir = `${SHOTS}/sonic-${process.pid}`;
    rmSync(dir, { recursive: true, force: true });
    sonicFolder(`${dir}/jump`, 30);
    await withApp(app, async (page, problems) => {
      await clearLibrary(page); // what an earlier test on this page loaded is gone
      await page.setInputFiles('#folder-input', `${dir}/jump`);
      await waitClips(page, 1);
      await page.setInputFiles('#file-input', [
        file('viewer_clip.json', viewerJson(20)),
        file(
          'motions.json',
          JSON.stringify({
            format: 'tracking-motion-index-v1',
            base_path: '.',
            motions: [{ name: 'viewer walk', file: 'viewer_clip.json' }],
          }),
        ),
        file('seed_walk.csv', seedCsv(24)),
        file('holo.npz', holosomaNpz(15)),
        file('gmr_out.npz', gmrNpz(12)),
      ]);
      await waitClips(page, 5);
      await runSteps(page, 5);
      expect((await mine(page)).map((a) => a.name).sort()).toEqual(['gmr_out', 'holo', 'jump', 'seed_walk', 'viewer walk']);
      const s = await state(page);
      // segment lengths from each reader's frames and rate: viewer 50 Hz, SEED 120 Hz, holosoma 50 Hz, GMR 30 Hz
      const lengths = (s.segments as { out: number }[]).map((g) => +g.out.toFixed(4)).sort();
      expect(lengths).toEqual([19 / 50, 23 / 120, 14 / 50, 11 / 30].map((x) => +x.toFixed(4)).sort());
      const m = (await messages(page)).join('\n');
      expect(notNotes(await messages(page))).toEqual([]);
      for (const f of [
        /jump read as SONIC folder/,
        /viewer_clip read as .*viewer/i,
        /seed_walk read as BONES-SEED CSV: .*cm → m/,
        /holo read as holosoma NPZ/,
        /gmr_out read as GMR/,
      ])
        expect(m).toMatch(f);
      // broken: a truncated pickle, a viewer JSON with a short frame → named errors; the clips above stay
      const bad = JSON.parse(viewerJson(3)) as { joint_pos: number[][] };
      bad.joint_pos[1].pop();
      await page.setInputFiles('#file-input', [
        file('broken.pkl', readFileSync('tests/fixtures/motion/phc_two_clips_p2.pkl').subarray(0, 200)),
        file('short_frame.json', JSON.stringify(bad)),
      ]);
      await page.waitForFunction(
        () => (window as any).__mimic.getState().errors.filter((e: any) => e.kind !== 'Note').length >= 2,
        undefined,
        {
          timeout: 60_000,
        },
      );
      const errs = notNotes(await messages(page)).join('\n');
      expect(errs).toMatch(/broken\.pkl/);
      expect(errs).toMatch(/MotionError.*short_frame\.json.*joint_pos, frame 1/);
      expect((await mine(page)).map((a) => a.name).sort()).toEqual(['gmr_out', 'holo', 'jump', 'seed_walk', 'viewer walk']);
      await runSteps(page, 5);
      expect(problems.list).toEqual([]);
    });
    rmSync(dir, { recursive: true, force: true });
  });
});
