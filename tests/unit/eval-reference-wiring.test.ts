// Reference diagnostics wired into the CLI: a clip with a teleporting first frame is diagnosed, repaired and
// completes (real dance policy); --no-repair keeps the frame; a NaN frame is a named warning with its frame;
// --fps reads a CSV whose name carries no rate (LAFAN1 layout).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './eval-cli-inproc';

const A = '../shared/assets';
const DANCE = `${A}/policies/g1-dance-102`;
const rows = readFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, 'utf8').trim().split('\n');
const dir = mkdtempSync(join(tmpdir(), 'mimic-refwire-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the dance clip with row f changed by `edit` (columns: x y z qx qy qz qw joints...) */
function clipWith(name: string, f: number, edit: (cols: number[]) => void, src = rows): string {
  const out = src.map((l, i) => {
    if (i !== f) return l;
    const c = l.split(',').map(Number);
    edit(c);
    return c.join(',');
  });
  const path = join(dir, name);
  writeFileSync(path, out.join('\n') + '\n');
  return path;
}

describe('reference diagnostics in the CLI', () => {
  it('a teleporting first frame: diagnosed, dropped by default, the episode completes', async () => {
    const clip = clipWith('teleport_60hz.csv', 0, (c) => {
      c[0] += 1.5;
      c[1] -= 0.8;
    });
    const r = await cli(['--motion', clip, '--seconds', '1', '--engine', 'mujoco']);
    expect(r.code, r.stderr).toBe(0);
    const codes = r.out.reference_warnings.map((w) => w.code);
    expect(codes[0]).toBe('dropped_frame');
    expect(r.out.reference_warnings[0].frames).toEqual([0]);
    expect(r.out.reference_warnings[0].message).toMatch(/frame 0 \(first\) is broken \(root_jump/);
    expect(codes).not.toContain('root_jump'); // gone once the frame is dropped
    expect(r.out.success).toBe(true);
    expect(r.out.survived_s).toBe(1);
    // --no-repair keeps the frame: the jump is reported, nothing dropped
    const k = await cli(['--motion', clip, '--seconds', '0.2', '--no-repair']);
    expect(k.code, k.stderr).toBe(0);
    const kept = k.out.reference_warnings;
    expect(kept.map((w) => w.code)).toContain('root_jump');
    expect(kept.map((w) => w.code)).not.toContain('dropped_frame');
    expect(kept.find((w) => w.code === 'root_jump')!.frames).toEqual([0]);
  }, 240_000);

  it('a NaN frame in a CSV is a named error (file, line, column); --fps gives the rate of a LAFAN1-style CSV', async () => {
    const bad = clipWith('nan_60hz.csv', 700, (c) => {
      c[9] = NaN;
    });
    const e = await cli(['--motion', bad, '--seconds', '0.2']);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/MotionError in nan_60hz\.csv at line 701, column 10/);
    // no rate in the name: --fps 60 (the LAFAN1 default would be 30 fps)
    const clip = clipWith('lafan_style.csv', -1, () => {});
    const r = await cli(['--motion', clip, '--seconds', '0.5', '--fps', '60']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.out.clip).toBe('lafan_style.csv');
    expect(r.out.success).toBe(true);
    expect(r.out.reference_warnings).toEqual([]);
    const slow = await cli(['--motion', clip, '--seconds', '0.5']);
    expect(slow.code, slow.stderr).toBe(0);
    // read at 30 fps the same rows move half as fast: the tracking error differs
    expect(slow.out.mean_joint_err_rad).not.toBe(r.out.mean_joint_err_rad);
  }, 240_000);
});
