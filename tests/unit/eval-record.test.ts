// `--record DIR`: per episode the simulated trajectory as BeyondMimic CSV, NPZ (bodies by FK) and a JSON of actions,
// PD targets and torques; every file reads back through our own loaders to the same numbers.
// The CLI's main runs in this process (eval-cli-inproc.ts); the process entry is checked by eval-cli.test.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMotionFile } from '../../src/core/motion/formats/read';
import { parseRecordingJson } from '../../src/core/motion/formats/record';
import { parseMotionNpz } from '../../src/core/motion/npz';
import { evalMain } from './eval-cli-inproc';
import { danceArgs } from './eval-cli-spawn';
import { loadG1 } from './policy-fixture';

const dir = mkdtempSync(join(tmpdir(), 'mimic-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
};

describe('--record DIR', () => {
  it('writes CSV + NPZ + JSON per episode that read back to the same numbers', async () => {
    const r = await evalMain(danceArgs({ engine: 'mujoco', seconds: 0.4, json: true, quiet: true, record: dir }));
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files.length).toBe(3);
    const stem = files[0].replace(/\.csv$/, '');
    expect(files).toEqual([`${stem}.csv`, `${stem}.json`, `${stem}.npz`]);
    expect(stem).toMatch(/G1_Take_102_bvh__nominal.*__ep0_50hz$/);
    const robot = loadG1();
    const rec = parseRecordingJson(readFileSync(join(dir, `${stem}.json`), 'utf8'), `${stem}.json`);
    const n = rec.clip.nFrames;
    expect(n).toBe(21); // control steps 0..20 at 50 Hz
    expect(rec.actions.every((a) => a.length === 29)).toBe(true);
    expect(rec.targets.every((a) => a.length === robot.joints.length)).toBe(true);
    expect(rec.torques.every((a) => a.length === robot.joints.length && a.every(Number.isFinite))).toBe(true);
    expect(Math.max(...rec.actions.flat().map(Math.abs))).toBeGreaterThan(0.01);
    // the robot moved
    expect(maxDiff(rec.clip.jointPos.subarray(0, 29), rec.clip.jointPos.subarray((n - 1) * 29))).toBeGreaterThan(0.01);
    // CSV (rate from its name) and NPZ through the readers: the same trajectory
    const csv = readMotionFile(`${stem}.csv`, new Uint8Array(readFileSync(join(dir, `${stem}.csv`))), robot)[0];
    expect(csv.fps).toBe(50);
    expect(csv.nFrames).toBe(n);
    const names = robot.joints.map((j) => j.name);
    const byName = (c: { jointNames: string[]; jointPos: Float32Array; nFrames: number }) =>
      Float32Array.from(
        { length: c.nFrames * names.length },
        (_, k) => c.jointPos[Math.floor(k / names.length) * c.jointNames.length + c.jointNames.indexOf(names[k % names.length])],
      );
    expect(maxDiff(byName(csv), byName(rec.clip))).toBeLessThan(1e-5);
    expect(maxDiff(csv.rootPos, rec.clip.rootPos)).toBeLessThan(1e-5);
    expect(maxDiff(csv.rootQuat, rec.clip.rootQuat)).toBeLessThan(1e-5);
    const npzBytes = new Uint8Array(readFileSync(join(dir, `${stem}.npz`)));
    const npz = readMotionFile(`${stem}.npz`, npzBytes, robot)[0];
    expect(npz.nFrames).toBe(n);
    expect(maxDiff(byName(npz), byName(rec.clip))).toBeLessThan(1e-6);
    expect(maxDiff(npz.rootPos, rec.clip.rootPos)).toBeLessThan(1e-6);
    // bodies by FK: the pelvis body is the root
    const withBodies = parseMotionNpz(
      npzBytes,
      `${stem}.npz`,
      undefined,
      robot.bodies.map((b) => b.name),
    );
    expect(withBodies.bodyPos).toBeDefined();
    expect(
      maxDiff(
        withBodies.bodyPos!.filter((_, k) => k % (robot.bodies.length * 3) < 3),
        rec.clip.rootPos,
      ),
    ).toBeLessThan(1e-5);
  }, 240_000);
});
