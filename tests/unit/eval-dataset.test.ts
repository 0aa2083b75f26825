// A folder of clips (CSV, a floating CSV that makes the robot fall, a CMU BVH) in one run: per-clip rows,
// the failed clips with time and reason, failed.txt and a re-run of just those with --motion-list.
// The CLI's main runs in this process (eval-cli-inproc.ts); the process entry is checked by eval-cli.test.ts.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetClips } from '../../src/cli/eval-dataset';
import { A, danceArgs, ROBOT } from './eval-cli-spawn';
import { evalMain } from './eval-cli-inproc';
import { readRobot } from '../../src/cli/eval-args';
import { loadRobotSource } from '../../src/core/evaluation/setup';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { writeMotionNpz } from '../../src/core/motion/npz';
import { ReferenceTrack } from '../../src/core/motion/reference';

const CLIP = `${A}/policies/g1-dance-102/G1_Take_102.bvh_60hz.csv`;

describe('eval --motion DIR (a dataset)', () => {
  it('evaluates every clip, lists the failed ones, and --motion-list failed.txt re-runs just those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clips-'));
    const lines = readFileSync(CLIP, 'utf8').split('\n').slice(0, 90);
    writeFileSync(join(dir, 'a_dance_60hz.csv'), lines.join('\n') + '\n');
    // the same clip 1 m up in the air: the robot starts on it and falls (anchor height)
    writeFileSync(
      join(dir, 'b_float_60hz.csv'),
      lines
        .map((l) =>
          l
            .split(',')
            .map((v, i) => (i === 2 ? String(Number(v) + 1) : v))
            .join(','),
        )
        .join('\n') + '\n',
    );
    copyFileSync(`${A}/bvh/09_01.bvh`, join(dir, 'c_run.bvh'));
    // the dance clip as a BeyondMimic NPZ (50 Hz, every body by forward kinematics)
    const model = loadRobotSource(readRobot(ROBOT));
    const csv = parseMotionCsv(
      lines.join('\n') + '\n',
      'a_dance_60hz.csv',
      model.joints.map((j) => j.name),
    );
    writeFileSync(join(dir, 'd_dance.npz'), writeMotionNpz(new ReferenceTrack(model, csv, 0.02).toClip()));
    writeFileSync(join(dir, 'notes.txt'), 'not a clip');
    const rep = join(dir, 'report');
    // --start reference: the robot starts ON each reference (the default, ground, would put the floating clip on the floor)
    const r = await evalMain(
      danceArgs({ motion: dir, seconds: 0.4, workers: 0, start: 'reference', quiet: true, json: true, report: rep }),
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.clips.map((c: { clip: string }) => c.clip)).toEqual(['a_dance_60hz.csv', 'b_float_60hz.csv', 'c_run.bvh', 'd_dance.npz']);
    expect(j.groups.length).toBe(4);
    const byClip = Object.fromEntries(j.clips.map((c: { clip: string; successes: number }) => [c.clip, c.successes]));
    expect(byClip['a_dance_60hz.csv']).toBe(1);
    expect(byClip['b_float_60hz.csv']).toBe(0);
    expect(byClip['d_dance.npz']).toBe(1);
    const float = j.failed.find((f: { clip: string }) => f.clip === 'b_float_60hz.csv');
    expect(float.reason).toMatch(/anchor_height/);
    expect(float.failure_s).toBeGreaterThan(0);
    expect(float.failure_s).toBeLessThan(0.5);
    expect(j.dataset.clips).toBe(4);
    const diag = Object.fromEntries(
      j.clips.map((c: { clip: string; diagnostics: { root_height_m: number[]; frames: number } }) => [c.clip, c.diagnostics]),
    );
    expect(diag['b_float_60hz.csv'].root_height_m[0] - diag['a_dance_60hz.csv'].root_height_m[0]).toBeCloseTo(1, 2); // 4 significant digits
    expect(diag['a_dance_60hz.csv'].frames).toBe(90);
    expect(diag['c_run.bvh'].frames).toBeGreaterThan(10);
    expect(j.dataset.stats['phc.g_mpjpe_mm'].n).toBe(4);
    expect(j.dataset.stats['phc.g_mpjpe_mm'].ci95[0]).toBeLessThan(j.dataset.stats['phc.g_mpjpe_mm'].ci95[1]);
    const failed = readFileSync(join(rep, 'failed.txt'), 'utf8').trim().split('\n');
    expect(failed).toContain(join(dir, 'b_float_60hz.csv'));
    expect(failed).not.toContain(join(dir, 'a_dance_60hz.csv'));
    expect(readFileSync(join(rep, 'clips.csv'), 'utf8').trim().split('\n').length).toBe(5);
    expect(diag['d_dance.npz'].fps).toBe(50);
    const html = readFileSync(join(rep, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script/);
    expect(html).toMatch(/Failed episodes \(\d\)/);
    expect(html).toMatch(/id="cs4"/); // one sort per column
    for (const src of ['SMPLSim', 'GMT', 'BeyondMimic', 'ProtoMotions']) expect(html).toMatch(new RegExp(src));
    // re-run only the failed clips
    const again = await evalMain(danceArgs({ 'motion-list': join(rep, 'failed.txt'), seconds: 0.4, workers: 0, quiet: true, json: true }));
    expect(again.code, again.stderr).toBe(0);
    const k = JSON.parse(again.stdout);
    expect(k.clips.map((c: { clip: string }) => c.clip).sort()).toEqual(failed.map((p) => p.split('/').pop()).sort());
  }, 180_000);

  it('a folder without clips, a glob that matches nothing and a clip listed twice are named errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'empty-'));
    expect(() => datasetClips([dir], [])).toThrow(/MotionError in .*empty-.* at --motion: the folder holds no \.csv\/\.npz\/\.bvh clip/);
    expect(() => datasetClips([join(dir, 'x*.csv')], [])).toThrow(/the pattern matches no/);
    writeFileSync(join(dir, 'a.csv'), '');
    writeFileSync(join(dir, 'list.txt'), '# failed\na.csv\n');
    expect(datasetClips([], [join(dir, 'list.txt')])).toEqual([join(dir, 'a.csv')]);
    expect(() => datasetClips([join(dir, 'a.csv')], [join(dir, 'list.txt')])).toThrow(
      /ParseError in .*a\.csv at --motion: the clip is listed twice/,
    );
  });
});
