import { readFileSync, readdirSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { MimicError } from '../../src/core/errors';
import { parseMotionCsv, writeMotionCsv } from '../../src/core/motion/csv';
import { parseBvh, bvhWorldPoses } from '../../src/core/motion/bvh';
import { parseNpy, writeNpy } from '../../src/core/motion/npy';
import { parseMotionNpz, writeMotionNpz } from '../../src/core/motion/npz';
import type { MotionClip } from '../../src/core/motion/types';
import { caught } from './policy-fixture';

const G1 = '../shared/assets/g1/g1_29dof_rev_1_0.xml';
const DANCE = '../shared/assets/policies/g1-dance-102/G1_Take_102.bvh_60hz.csv';
const BVH_DIR = '../shared/assets/bvh';
// joint names in MJCF document order, read directly (this test does not depend on the robot loader)
const g1Joints = [...readFileSync(G1, 'utf8').matchAll(/<joint name="([^"]+)"[^>]*axis=/g)].map((m) => m[1]);

/** Expect a MimicError of `kind` whose message names `file` and contains `where`. */
function expectMimic(f: () => unknown, kind: string, file: string, where: RegExp): MimicError {
  const m = caught(f);
  expect(m.kind).toBe(kind);
  expect(m.file).toBe(file);
  expect(m.where).toMatch(where);
  return m;
}

describe('motion CSV', () => {
  const text = readFileSync(DANCE, 'utf8');
  it('loads the real dance clip: 1,749 frames at 60 Hz (fps from the file name), xyzw → wxyz', () => {
    expect(g1Joints.length).toBe(29);
    const clip = parseMotionCsv(text, 'G1_Take_102.bvh_60hz.csv', g1Joints);
    expect(clip.fps).toBe(60);
    expect(clip.nFrames).toBe(1749);
    expect(clip.jointNames).toEqual(g1Joints);
    // first row: x,y,z,w = -0.008241,0.036538,0.018276,0.999131 (normalised)
    expect(clip.rootQuat[0]).toBeCloseTo(0.999131, 3);
    expect(clip.rootQuat[1]).toBeCloseTo(-0.008241, 4);
    expect(clip.rootPos[2]).toBeCloseTo(0.779582, 5);
    expect(clip.jointPos[0]).toBeCloseTo(-0.191897, 5);
  });
  it('round-trips through writeMotionCsv, and writes columns in the requested order by name', () => {
    const clip = parseMotionCsv(text, 'dance_60hz.csv', g1Joints);
    const again = parseMotionCsv(writeMotionCsv(clip, g1Joints), 'x.csv', g1Joints, 60);
    let maxErr = 0;
    for (let i = 0; i < clip.jointPos.length; i++) maxErr = Math.max(maxErr, Math.abs(clip.jointPos[i] - again.jointPos[i]));
    expect(maxErr).toBeLessThan(1e-6);
    const reversed = [...g1Joints].reverse();
    const rev = parseMotionCsv(writeMotionCsv(clip, reversed), 'r.csv', reversed, 60);
    expect(rev.jointPos[28]).toBeCloseTo(clip.jointPos[0], 5);
  });
  it('bad input: wrong column count, bad quaternions, zero frames, fps missing or 0', () => {
    const good = text.split('\n').slice(0, 3);
    const row = good[1].split(',');
    expectMimic(
      () => parseMotionCsv([good[0], row.slice(0, 30).join(',')].join('\n'), 'a_60hz.csv', g1Joints),
      'ParseError',
      'a_60hz.csv',
      /line 2/,
    );
    const zeroQ = [...row];
    zeroQ[3] = zeroQ[4] = zeroQ[5] = zeroQ[6] = '0';
    expectMimic(() => parseMotionCsv(zeroQ.join(','), 'z_60hz.csv', g1Joints), 'MotionError', 'z_60hz.csv', /line 1/);
    const big = [...row];
    big[6] = '1.3';
    const e = expectMimic(
      () => parseMotionCsv(good[0] + '\n' + big.join(','), 'b_60hz.csv', g1Joints),
      'MotionError',
      'b_60hz.csv',
      /line 2/,
    );
    expect(e.detail).toMatch(/not unit/);
    const drift = [...row];
    drift[6] = String(Number(row[6]) * 1.002);
    const ok = parseMotionCsv(drift.join(','), 'd_60hz.csv', g1Joints);
    expect(Math.hypot(...ok.rootQuat)).toBeCloseTo(1, 6);
    const nan = [...row];
    nan[10] = 'NaN';
    expectMimic(() => parseMotionCsv(nan.join(','), 'n_60hz.csv', g1Joints), 'MotionError', 'n_60hz.csv', /line 1, column 11/);
    expectMimic(() => parseMotionCsv('\n\n', 'e_60hz.csv', g1Joints), 'MotionError', 'e_60hz.csv', /line/);
    expectMimic(() => parseMotionCsv(good[0], 'nofps.csv', g1Joints), 'MotionError', 'nofps.csv', /fps/);
    expectMimic(() => parseMotionCsv(good[0], 'x.csv', g1Joints, 0), 'MotionError', 'x.csv', /fps/);
  });
});

function synthClip(n: number, nj: number, nb: number): MotionClip {
  const f = (k: number) => Float32Array.from({ length: n * k }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const quat = new Float32Array(n * nb * 4);
  for (let i = 0; i < n * nb; i++) {
    const a = i * 0.01;
    quat.set([Math.cos(a), 0, 0, Math.sin(a)], i * 4);
  }
  const rootQuat = new Float32Array(n * 4);
  const rootPos = new Float32Array(n * 3);
  const bodyPos = f(nb * 3);
  for (let k = 0; k < n; k++) {
    rootQuat.set(quat.subarray(k * nb * 4, k * nb * 4 + 4), k * 4);
    rootPos.set(bodyPos.subarray(k * nb * 3, k * nb * 3 + 3), k * 3);
  }
  return {
    name: 's',
    fps: 50,
    nFrames: n,
    jointNames: Array.from({ length: nj }, (_, j) => `j${j}`),
    rootPos,
    rootQuat,
    jointPos: f(nj),
    jointVel: f(nj),
    bodyNames: Array.from({ length: nb }, (_, b) => `b${b}`),
    bodyPos,
    bodyQuat: quat,
    bodyLinVel: f(nb * 3),
    bodyAngVel: f(nb * 3),
  };
}

/** A Fortran-order float64 .npy written by hand (as numpy does for np.asfortranarray). */
function fortranNpy(cOrder: Float64Array, shape: number[]): Uint8Array {
  let h = `{'descr': '<f8', 'fortran_order': True, 'shape': (${shape.join(', ')}), }`;
  h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
  const data = new Float64Array(cOrder.length);
  const [r, c] = shape;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = cOrder[i * c + j];
  const out = new Uint8Array(10 + h.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(new TextEncoder().encode(h), 10);
  out.set(new Uint8Array(data.buffer), 10 + h.length);
  return out;
}

describe('motion NPZ', () => {
  it('round-trips BeyondMimic keys, stored and deflated', () => {
    const clip = synthClip(20, 5, 3);
    for (const compress of [false, true]) {
      const bytes = writeMotionNpz(clip, { compress });
      const back = parseMotionNpz(bytes, 'm.npz');
      expect(back.nFrames).toBe(20);
      expect(back.fps).toBe(50);
      expect(back.jointNames).toEqual(clip.jointNames);
      expect(back.bodyNames).toEqual(clip.bodyNames);
      expect(Array.from(back.jointPos)).toEqual(Array.from(clip.jointPos));
      expect(back.rootPos[3 * 7 + 1]).toBeCloseTo(clip.bodyPos![7 * 9 + 1], 6);
      expect(back.bodyQuat![4 * 11]).toBeCloseTo(clip.bodyQuat![4 * 11], 6);
    }
  });
  it('reads float64 Fortran-order arrays and an int fps; names passed by the caller', () => {
    const n = 4,
      nj = 2,
      nb = 1;
    const jp = Float64Array.from({ length: n * nj }, (_, i) => i * 0.1);
    const q = new Float64Array(n * 4).map((_, i) => (i % 4 === 0 ? 1 : 0));
    const bytes = zipSync({
      'fps.npy': writeNpy(Int32Array.of(30), [1]),
      'joint_pos.npy': fortranNpy(jp, [n, nj]),
      'joint_vel.npy': writeNpy(new Float64Array(n * nj), [n, nj]),
      'body_pos_w.npy': writeNpy(new Float32Array(n * nb * 3), [n, nb, 3]),
      'body_quat_w.npy': writeNpy(q, [n, nb, 4]),
      'body_lin_vel_w.npy': writeNpy(new Float32Array(n * nb * 3), [n, nb, 3]),
      'body_ang_vel_w.npy': writeNpy(new Float32Array(n * nb * 3), [n, nb, 3]),
    });
    const clip = parseMotionNpz(bytes, 'f.npz', ['a', 'b'], ['pelvis']);
    expect(clip.fps).toBe(30);
    expect(Array.from(clip.jointPos).map((v) => +v.toFixed(5))).toEqual(Array.from(jp).map((v) => +v.toFixed(5)));
    expect(parseNpy(fortranNpy(jp, [n, nj]), 'f', 'k').data[3]).toBeCloseTo(0.3, 12);
  });
  it('bad input: missing key, mismatched shapes, bad quaternion, missing joint names → MimicError naming the key', () => {
    const clip = synthClip(6, 3, 2);
    const entries = (drop: string, replace?: [string, Uint8Array]) => {
      const bytes = writeMotionNpz(clip);
      const files: Record<string, Uint8Array> = Object.fromEntries(Object.entries(unzipSync(bytes)).filter(([k]) => k !== drop));
      if (replace) files[replace[0]] = replace[1];
      return zipSync(files);
    };
    expectMimic(() => parseMotionNpz(entries('body_quat_w.npy'), 'm.npz'), 'ParseError', 'm.npz', /key body_quat_w/);
    expectMimic(
      () => parseMotionNpz(entries('', ['joint_vel.npy', writeNpy(new Float32Array(5 * 3), [5, 3])]), 'm.npz'),
      'MotionError',
      'm.npz',
      /key joint_vel/,
    );
    expectMimic(
      () => parseMotionNpz(entries('', ['body_lin_vel_w.npy', writeNpy(new Float32Array(6 * 3 * 3), [6, 3, 3])]), 'm.npz'),
      'MotionError',
      'm.npz',
      /key body_lin_vel_w/,
    );
    expectMimic(
      () => parseMotionNpz(entries('', ['body_quat_w.npy', writeNpy(new Float32Array(6 * 2 * 4), [6, 2, 4])]), 'm.npz'),
      'MotionError',
      'm.npz',
      /key body_quat_w/,
    );
    expectMimic(() => parseMotionNpz(entries('joint_names.npy'), 'm.npz'), 'MotionError', 'm.npz', /key joint_pos/);
    expectMimic(() => parseMotionNpz(new Uint8Array([1, 2, 3]), 'm.npz'), 'ParseError', 'm.npz', /zip/);
  });
});

describe('BVH', () => {
  const files = readdirSync(BVH_DIR).filter((f) => f.endsWith('.bvh'));
  it('parses every clip in the folder (38 joints incl. end sites, 120 fps, frame count from the header)', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const text = readFileSync(`${BVH_DIR}/${f}`, 'utf8');
      const b = parseBvh(text, f);
      expect(b.nFrames).toBe(Number(/Frames:\s*(\d+)/.exec(text)![1]));
      expect(1 / b.frameTime).toBeCloseTo(120, 0);
      expect(b.boneIndex.has('LeftFoot') && b.boneIndex.has('RightHand')).toBe(true);
      const nb = b.bones.length,
        p = new Float64Array(nb * 3),
        q = new Float64Array(nb * 4);
      bvhWorldPoses(b, 1, p, q);
      const head = b.boneIndex.get('Head')!,
        foot = b.boneIndex.get('LeftFoot')!;
      expect(p[head * 3 + 1]).toBeGreaterThan(p[foot * 3 + 1] + 10); // Y up: head well above the foot
    }
  });
  it('bad input: truncated, channel counts, NaN/Inf, zero frames, frame time 0 → ParseError with a line number', () => {
    const text = readFileSync(`${BVH_DIR}/${files[0]}`, 'utf8').replace(/\r\n/g, '\n');
    const lines = text.split('\n');
    const motion = lines.findIndex((l) => l.startsWith('MOTION'));
    const cut = lines.slice(0, motion + 10).join('\n');
    expect(expectMimic(() => parseBvh(cut, 't.bvh'), 'ParseError', 't.bvh', /line \d+/).detail).toMatch(/truncated/);
    expectMimic(() => parseBvh(lines.slice(0, 40).join('\n'), 'h.bvh'), 'ParseError', 'h.bvh', /line \d+/);
    const ch = [...lines];
    ch[8] = ch[8].replace('CHANNELS 3', 'CHANNELS 4');
    expectMimic(() => parseBvh(ch.join('\n'), 'c.bvh'), 'ParseError', 'c.bvh', /line 9/);
    const short = [...lines];
    short[motion + 5] = short[motion + 5].trim().split(/\s+/).slice(1).join(' ');
    expectMimic(() => parseBvh(short.join('\n'), 's.bvh'), 'ParseError', 's.bvh', new RegExp(`line ${motion + 6}`));
    for (const bad of ['NaN', 'Inf', '-Infinity']) {
      const v = [...lines];
      v[motion + 7] = v[motion + 7].replace(/^\s*\S+/, bad);
      expectMimic(() => parseBvh(v.join('\n'), 'v.bvh'), 'ParseError', 'v.bvh', new RegExp(`line ${motion + 8}`));
    }
    const z = [...lines];
    z[motion + 1] = 'Frames: 0';
    expectMimic(() => parseBvh(z.join('\n'), 'z.bvh'), 'ParseError', 'z.bvh', new RegExp(`line ${motion + 2}`));
    const ft = [...lines];
    ft[motion + 2] = 'Frame Time: 0';
    expectMimic(() => parseBvh(ft.join('\n'), 'f.bvh'), 'ParseError', 'f.bvh', new RegExp(`line ${motion + 3}`));
  });
});
