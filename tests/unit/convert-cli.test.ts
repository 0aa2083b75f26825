/**
 * `npm run convert`: files written, read back; named errors on stderr, non-zero exit. One run is spawned as a user
 * would (a bad input: the message on stderr, exit 1); the others call the same entry (runConvert) in this process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConvert } from '../../src/cli/convert';
import { readMotionFile } from '../../src/core/motion/formats/read';
import { isaacLabOrder } from '../../src/core/motion/formats/common';
import { loadG1 } from './model-helpers';

const ROBOT = '../shared/assets/g1/g1_29dof_rev_1_0.xml';
const dir = mkdtempSync(join(tmpdir(), 'convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/convert.ts', ...args], { encoding: 'utf8' });
const g1 = loadG1('xml');

describe('convert CLI', () => {
  it('PHC joblib pickle (two clips) → one BeyondMimic CSV per clip, same numbers as reading the pickle', () => {
    const out: string[] = [],
      err: string[] = [];
    runConvert(
      ['tests/fixtures/motion/phc_joblib_p4.pkl', join(dir, 'out.csv'), '--robot', ROBOT],
      (s) => out.push(s),
      (s) => err.push(s),
    );
    expect(out.join('\n')).toMatch(/out_walk_a\.csv: PHC\/ASAP motion_lib pickle → csv, 12 frames at 30 Hz/);
    expect(err.join('\n')).toMatch(/note: walk_b: root quaternion read as xyzw/);
    const src = readMotionFile('p.pkl', new Uint8Array(readFileSync('tests/fixtures/motion/phc_joblib_p4.pkl')), g1)[1];
    const [back] = readMotionFile(join(dir, 'out_walk_b.csv'), new Uint8Array(readFileSync(join(dir, 'out_walk_b.csv'))), g1, { fps: 30 });
    let e = 0;
    for (let i = 0; i < src.jointPos.length; i++) e = Math.max(e, Math.abs(src.jointPos[i] - back.jointPos[i]));
    expect(e).toBeLessThan(1e-6);
  }, 180_000);
  it('in-process: SONIC folder → BeyondMimic NPZ with every body, resampled', () => {
    const clip = join(dir, 'sonic', 'hop');
    mkdirSync(clip, { recursive: true });
    const n = 5,
      order = isaacLabOrder(g1);
    const rows = (h: string[], f: (k: number) => number[]) =>
      [h.join(','), ...Array.from({ length: n }, (_, k) => f(k).join(','))].join('\n');
    writeFileSync(
      join(clip, 'joint_pos.csv'),
      rows(
        order.map((_, j) => `joint_${j}`),
        (k) => order.map((_, j) => 0.01 * j * k),
      ),
    );
    writeFileSync(
      join(clip, 'body_pos.csv'),
      rows(['body_0_x', 'body_0_y', 'body_0_z'], (k) => [0.1 * k, 0, 0.8]),
    );
    writeFileSync(
      join(clip, 'body_quat.csv'),
      rows(['body_0_w', 'body_0_x', 'body_0_y', 'body_0_z'], () => [1, 0, 0, 0]),
    );
    writeFileSync(join(clip, 'metadata.txt'), 'Body part indexes:\n[0]\n');
    const quiet = () => undefined;
    runConvert([join(dir, 'sonic'), join(dir, 'hop.npz'), '--robot', ROBOT, '--out-fps', '25'], quiet, quiet);
    const [back] = readMotionFile('hop.npz', new Uint8Array(readFileSync(join(dir, 'hop.npz'))), g1);
    expect([back.fps, back.nFrames, back.bodyNames!.length]).toEqual([25, 3, g1.bodies.length]);
    expect(back.jointPos[back.jointNames.indexOf(order[7]) + 2 * 29]).toBeCloseTo(0.01 * 7 * 4, 5);
  }, 180_000);
  it('in-process: reference diagnostics are printed; a teleporting first frame is dropped unless --no-repair', () => {
    const rows = Array.from({ length: 30 }, (_, f) => [0.01 * f + (f === 0 ? 2 : 0), 0, 0.79, 0, 0, 0, 1, ...Array(29).fill(0)].join(','));
    const inp = join(dir, 'tele.csv');
    writeFileSync(inp, rows.join('\n'));
    const out: string[] = [],
      err: string[] = [];
    runConvert(
      [inp, join(dir, 'tele_out.csv'), '--robot', ROBOT],
      (s) => out.push(s),
      (s) => err.push(s),
    );
    expect(err.join('\n')).toMatch(/warning: tele: \[dropped_frame\] frame 0 \(first\) is broken \(root_jump\)/);
    expect(out[0]).toMatch(/29 frames at 30 Hz/);
    const kept: string[] = [],
      err2: string[] = [];
    runConvert(
      [inp, join(dir, 'tele_kept.csv'), '--robot', ROBOT, '--no-repair'],
      (s) => kept.push(s),
      (s) => err2.push(s),
    );
    expect(kept[0]).toMatch(/30 frames at 30 Hz/);
    expect(err2.join('\n')).toMatch(/\[root_jump\] root jumps between frames 0→1/);
  }, 180_000);
  it('spawned, bad input: a named error on stderr and exit 1; usage errors and other named errors in-process', () => {
    const bad = join(dir, 'bad.pkl');
    writeFileSync(bad, 'not a pickle');
    const r = run(bad, join(dir, 'x.csv'), '--robot', ROBOT);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ParseError in .*bad\.pkl at byte 0: not a Python pickle/);
    // the same entry point in-process (no spawn; the process maps these to exit 1 and usage errors to exit 2)
    const quiet = () => undefined;
    expect(() => runConvert(['tests/fixtures/motion/gmr_p4.pkl', join(dir, 'z.csv')], quiet, quiet)).toThrow(/--robot is required/);
    expect(() =>
      runConvert(['tests/fixtures/motion/gmr_wxyz_mislabelled.pkl', join(dir, 'y.csv'), '--robot', ROBOT], quiet, quiet),
    ).toThrow(/MotionError .* --quat-order wxyz/);
    expect(() => runConvert(['tests/fixtures/motion/gmr_p4.pkl', join(dir, 'z.bvh'), '--robot', ROBOT], quiet, quiet)).toThrow(
      /ParseError in .*z\.bvh at file: cannot write "\.bvh"/,
    );
    expect(() => runConvert(['a.pkl', 'b.csv', '--robot', ROBOT, '--fps', '-3'], quiet, quiet)).toThrow(/--fps expects a rate > 0/);
  }, 180_000);
});
