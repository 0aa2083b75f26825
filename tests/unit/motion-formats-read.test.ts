/**
 * Motion formats in: each reader on files made here (or by tests/fixtures/motion/make-pickles.py) in the exact
 * layout of the format, with the numbers checked against the formula that made them, and named errors.
 */
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { MimicError } from '../../src/core/errors';
import { qFromEulerXYZ, qRotate } from '../../src/core/math';
import { writeNpy, writeNpyStrings } from '../../src/core/motion/npy';
import { isaacLabOrder } from '../../src/core/motion/formats/common';
import { readMotionFile, readMotionFolder } from '../../src/core/motion/formats/read';
import type { FormatClip } from '../../src/core/motion/formats/common';
import { loadRobot } from '../../src/core/model';
import { dirResolver, loadG1 } from './model-helpers';
import { caught } from './policy-fixture';

const g1 = loadG1('xml');
const T1_DIR = '../shared/assets/t1/';
const t1 = loadRobot('t1_29dof.xml', readFileSync(T1_DIR + 't1_29dof.xml', 'utf8'), dirResolver(T1_DIR));
const FIX = 'tests/fixtures/motion/';
const enc = (s: string) => new TextEncoder().encode(s);
const desc = g1.joints.map((j) => j.name);

/** The fixtures' motion (same formulas as make-pickles.py), one frame. */
function motionAt(f: number, fps: number, nj: number, phase = 0) {
  const t = f / fps,
    yaw = 0.8 * t + phase;
  return {
    root: [0.5 * t, 0.1 * Math.sin(t), 0.79 + 0.01 * Math.cos(t)],
    xyzw: [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)],
    dof: Array.from({ length: nj }, (_, j) => 0.3 * Math.sin(t + j / 10 + phase)),
  };
}

/** Max |clip joint (by name) − formula| over all frames; `order` = the names the formula's columns follow. */
function jointErr(c: FormatClip, order: string[], fps: number, phase = 0): number {
  let e = 0;
  for (let f = 0; f < c.nFrames; f++) {
    const m = motionAt(f, fps, order.length, phase);
    order.forEach((name, k) => {
      const j = c.jointNames.indexOf(name);
      e = Math.max(e, Math.abs(c.jointPos[f * c.jointNames.length + j] - m.dof[k]));
    });
    e = Math.max(
      e,
      Math.abs(c.rootPos[f * 3 + 2] - m.root[2]),
      Math.abs(c.rootQuat[f * 4] - m.xyzw[3]),
      Math.abs(c.rootQuat[f * 4 + 3] - m.xyzw[2]),
    );
  }
  return e;
}

function expectMimic(f: () => unknown, kind: string, where: RegExp, detail?: RegExp): MimicError {
  const m = caught(f);
  expect(m.kind).toBe(kind);
  expect(m.where).toMatch(where);
  if (detail) expect(m.detail).toMatch(detail);
  return m;
}

function lafanText(n: number, nj: number, fps: number, wxyz = false): string {
  return (
    Array.from({ length: n }, (_, f) => {
      const m = motionAt(f, fps, nj);
      const q = wxyz ? [m.xyzw[3], m.xyzw[0], m.xyzw[1], m.xyzw[2]] : m.xyzw;
      return [...m.root, ...q, ...m.dof].map((v) => v.toFixed(7)).join(',');
    }).join('\n') + '\n'
  );
}

describe('LAFAN1 retargeted CSV', () => {
  it('no header, 30 fps by default (stated), xyzw, the robot decides the joint count (G1 29, T1 29 by name)', () => {
    const [c] = readMotionFile('dance1_subject2.csv', enc(lafanText(40, 29, 30)), g1);
    expect(c.format).toBe('LAFAN1 CSV');
    expect(c.fps).toBe(30);
    expect(c.nFrames).toBe(40);
    expect(c.notes.join(' ')).toMatch(/30 Hz: the LAFAN1 retargeted set is 30 fps/);
    expect(c.notes.join(' ')).toMatch(/read as xyzw/);
    expect(jointErr(c, desc, 30)).toBeLessThan(1e-6);
    const [t] = readMotionFile('walk.csv', enc(lafanText(10, t1.joints.length, 30)), t1, { fps: 60 });
    expect(t.fps).toBe(60);
    expect(t.jointNames).toEqual(t1.joints.map((j) => j.name));
  });
  it('bad input: a wxyz file read as xyzw, wrong joint count, no robot', () => {
    expectMimic(() => readMotionFile('w.csv', enc(lafanText(30, 29, 30, true)), g1), 'MotionError', /root quaternion/, /quatOrder "wxyz"/);
    const ok = readMotionFile('w.csv', enc(lafanText(30, 29, 30, true)), g1, { quatOrder: 'wxyz' })[0];
    expect(jointErr(ok, desc, 30)).toBeLessThan(1e-6);
    expectMimic(() => readMotionFile('h1.csv', enc(lafanText(5, 19, 30)), g1), 'MotionError', /line 1/, /19 joint columns.*29 joints/);
    expectMimic(() => readMotionFile('x.csv', enc(lafanText(5, 29, 30)), undefined), 'MotionError', /line 1/, /robot/);
  });
});

describe('joint order check (real dance clip, columns written in the IsaacLab order)', () => {
  const F = 'G1_Take_102.bvh_60hz.csv';
  const dance = readFileSync(`../shared/assets/policies/g1-dance-102/${F}`, 'utf8').split('\n').slice(0, 120);
  const isaac = isaacLabOrder(g1),
    perm = isaac.map((n) => desc.indexOf(n));
  const shuffled = dance
    .map((l) => {
      const c = l.split(',');
      return [...c.slice(0, 7), ...perm.map((k) => c[7 + k])].join(',');
    })
    .join('\n');
  it('read in description order the values leave the joint ranges: MotionError naming the better order', () => {
    const e = expectMimic(() => readMotionFile('d.csv', enc(shuffled), g1), 'MotionError', /joint columns/, /--joint-order isaaclab/);
    expect(e.detail).toMatch(/0\.0% in the isaaclab order/);
    const [c] = readMotionFile('d.csv', enc(shuffled), g1, { jointOrder: 'isaaclab' });
    const [ref] = readMotionFile('d.csv', enc(dance.join('\n')), g1);
    expect(c.notes.join(' ')).toMatch(/100\.0% of values inside/);
    for (const n of ['left_knee_joint', 'right_elbow_joint']) {
      expect(c.jointPos[60 * 29 + c.jointNames.indexOf(n)]).toBe(ref.jointPos[60 * 29 + ref.jointNames.indexOf(n)]);
    }
  });
});

describe('PHC / ASAP and GMR pickles', () => {
  const files = ['phc_two_clips_p2.pkl', 'phc_joblib_p4.pkl', 'phc_joblib_old_p3.pkl', 'phc_joblib_zlib.pkl'];
  it.each(files)('%s: two named clips, float32 and Fortran float64 arrays rebuilt, xyzw root', (f) => {
    const clips = readMotionFile(f, new Uint8Array(readFileSync(FIX + f)), g1);
    expect(clips.map((c) => [c.name, c.nFrames, c.fps])).toEqual([
      ['walk_a', 12, 30],
      ['walk_b', 9, 30],
    ]);
    expect(clips[0].format).toBe('PHC/ASAP motion_lib pickle');
    expect(jointErr(clips[0], desc, 30)).toBeLessThan(1e-6); // float32
    expect(jointErr(clips[1], desc, 30, 1)).toBeLessThan(1e-6); // float64, Fortran order
    expect(clips[1].rootPos[3 * 5]).toBeCloseTo((0.5 * 5) / 30, 6);
  });
  it('GMR protocol 4 and 5 (numpy scalar fps, in-band buffers)', () => {
    for (const f of ['gmr_p4.pkl', 'gmr_p5.pkl']) {
      const [c] = readMotionFile(f, new Uint8Array(readFileSync(FIX + f)), g1);
      expect([c.format, c.name, c.nFrames, c.fps]).toEqual(['GMR pickle', f.replace('.pkl', ''), 15, 50]);
      expect(jointErr(c, desc, 50, 0.5)).toBeLessThan(1e-6);
    }
  });
  // (Node decodes the package's 'ascii' strings as latin-1 already; browsers use windows-1252, which Latin1Reader avoids)
  it('a Python 2 style pickle (keys and array data as raw byte strings) reads exactly', () => {
    const [c] = readMotionFile('old.pkl', new Uint8Array(readFileSync(FIX + 'phc_py2_style_p2.pkl')), g1);
    expect([c.name, c.nFrames]).toEqual(['old_clip', 7]);
    expect(jointErr(c, desc, 30, 0.3)).toBeLessThan(1e-6); // float32 clip storage
  });
  it('joblib: a unicode joint-name array names the columns, an object array (nested pickle) is skipped', () => {
    const [c] = readMotionFile('n.pkl', new Uint8Array(readFileSync(FIX + 'phc_joblib_named_p4.pkl')), g1);
    expect(c.jointNames).toEqual([...desc].reverse());
    expect(jointErr(c, desc, 30)).toBeLessThan(1e-6);
    expect(c.notes.join(' ')).toMatch(/named by the caller|joint columns named/);
  });
  it('bad input: mislabelled quaternion order, object arrays, truncated and non-pickle bytes', () => {
    const read = (f: string) => () => readMotionFile(f, new Uint8Array(readFileSync(FIX + f)), g1);
    expectMimic(read('gmr_wxyz_mislabelled.pkl'), 'MotionError', /root_rot/, /upside down/);
    expectMimic(read('gmr_object_dtype.pkl'), 'MotionError', /dof_pos/, /numpy object array/);
    const bytes = new Uint8Array(readFileSync(FIX + 'gmr_p4.pkl'));
    expectMimic(() => readMotionFile('cut.pkl', bytes.subarray(0, 900), g1), 'ParseError', /byte \d+/);
    expectMimic(() => readMotionFile('n.pkl', enc('hello'), g1), 'ParseError', /byte 0/);
  });
});

describe('holosoma NPZ', () => {
  const n = 6,
    names = [...desc].reverse(),
    nj = names.length,
    bodies = ['pelvis', 'torso_link'];
  const make = (jpCols = 7 + nj) => {
    const jp = new Float32Array(n * jpCols),
      jv = new Float32Array(n * (6 + nj));
    for (let f = 0; f < n; f++) {
      const m = motionAt(f, 50, nj);
      jp.set([...m.root, m.xyzw[3], 0, 0, m.xyzw[2], ...m.dof].slice(0, jpCols), f * jpCols);
    }
    const quat = new Float32Array(n * 2 * 4).map((_, i) => (i % 4 === 0 ? 1 : 0));
    return zipSync({
      'fps.npy': writeNpy(Float64Array.of(50), [1]),
      'joint_names.npy': writeNpyStrings(names),
      'body_names.npy': writeNpyStrings(bodies),
      'joint_pos.npy': writeNpy(jp, [n, jpCols]),
      'joint_vel.npy': writeNpy(jv, [n, 6 + nj]),
      'body_pos_w.npy': writeNpy(new Float32Array(n * 6), [n, 2, 3]),
      'body_quat_w.npy': writeNpy(quat, [n, 2, 4]),
      'body_lin_vel_w.npy': writeNpy(new Float32Array(n * 6), [n, 2, 3]),
      'body_ang_vel_w.npy': writeNpy(new Float32Array(n * 6), [n, 2, 3]),
    });
  };
  it("root from joint_pos[:, :7] (w,x,y,z), joints by the file's names", () => {
    const [c] = readMotionFile('m.npz', make(), g1);
    expect([c.format, c.nFrames, c.fps]).toEqual(['holosoma NPZ', n, 50]);
    expect(c.jointNames).toEqual(names);
    expect(jointErr(c, names, 50)).toBeLessThan(1e-6);
    expect(c.bodyNames).toEqual(bodies);
  });
  it('a joint_pos without the 7 root columns is not holosoma: read as BeyondMimic, whose shapes then disagree', () => {
    expectMimic(() => readMotionFile('m.npz', make(nj), g1), 'MotionError', /key joint_vel/, /shape \(6,35\) does not match \(6,29\)/);
  });
});

describe('GMR NPZ', () => {
  it('root_pos, root_rot (xyzw), dof_pos named by joint_names; without names the description order is checked', () => {
    const n = 8,
      names = [...desc].reverse();
    const pos = new Float64Array(n * 3),
      rot = new Float64Array(n * 4),
      dof = new Float64Array(n * 29);
    for (let f = 0; f < n; f++) {
      const m = motionAt(f, 30, 29);
      pos.set(m.root, f * 3);
      rot.set(m.xyzw, f * 4);
      dof.set([...m.dof].reverse(), f * 29);
    }
    const files = {
      'fps.npy': writeNpy(Int32Array.of(30), [1]),
      'root_pos.npy': writeNpy(pos, [n, 3]),
      'root_rot.npy': writeNpy(rot, [n, 4]),
      'dof_pos.npy': writeNpy(dof, [n, 29]),
    };
    const [c] = readMotionFile('g.npz', zipSync({ ...files, 'joint_names.npy': writeNpyStrings(names) }), g1);
    expect([c.format, c.fps, c.nFrames]).toEqual(['GMR NPZ', 30, n]);
    expect(jointErr(c, desc, 30)).toBeLessThan(1e-6);
    const [d] = readMotionFile('g.npz', zipSync(files), g1); // no names: description order (columns reversed here)
    expect(d.jointNames).toEqual(desc);
    expectMimic(
      () => readMotionFile('g.npz', zipSync({ ...files, 'root_rot.npy': writeNpy(rot, [n, 2, 2]) }), g1),
      'MotionError',
      /key root_rot/,
    );
  });
});

function sonicFiles(n: number, order: string[], rootIdx = '0 4 10') {
  const rows = (hdr: string[], f: (k: number) => number[]) =>
    [hdr.join(','), ...Array.from({ length: n }, (_, k) => f(k).join(','))].join('\n');
  return {
    'joint_pos.csv': rows(
      order.map((_, j) => `joint_${j}`),
      (k) => motionAt(k, 50, order.length).dof,
    ),
    'joint_vel.csv': rows(
      order.map((_, j) => `joint_vel_${j}`),
      () => order.map(() => 0.5),
    ),
    'body_pos.csv': rows(['body_0_x', 'body_0_y', 'body_0_z', 'body_1_x', 'body_1_y', 'body_1_z'], (k) => [
      ...motionAt(k, 50, 0).root,
      9,
      9,
      9,
    ]),
    'body_quat.csv': rows(['body_0_w', 'body_0_x', 'body_0_y', 'body_0_z'], (k) => {
      const q = motionAt(k, 50, 0).xyzw;
      return [q[3], 0, 0, q[2]];
    }),
    'metadata.txt': `Metadata for: clip\n=====\n\nBody part indexes:\n[${rootIdx}]\n\nTotal timesteps: ${n}\n`,
  };
}

describe('SONIC folder and IsaacLab joint order', () => {
  it('IsaacLab order (breadth-first) equals the order of the real dance policy (deploy.yaml joint_ids_map)', () => {
    const y = parseYaml(readFileSync('../shared/assets/policies/g1-dance-102/deploy.yaml', 'utf8')) as { joint_ids_map: number[] };
    expect(isaacLabOrder(g1)).toEqual(y.joint_ids_map.map((k) => desc[k]));
  });
  it('a folder of two clips: IsaacLab joint order, 50 Hz, root from column group 0, joint_vel read', () => {
    const order = isaacLabOrder(g1);
    const files: Record<string, Uint8Array> = {};
    for (const [dir, n] of [
      ['jump', 8],
      ['wave', 5],
    ] as const) {
      for (const [k, v] of Object.entries(sonicFiles(n, order))) files[`${dir}/${k}`] = enc(v);
    }
    files['wave/info.txt'] = enc('shapes ...');
    const clips = readMotionFolder('dataset', files, g1);
    expect(clips.map((c) => [c.name, c.nFrames, c.fps, c.format])).toEqual([
      ['jump', 8, 50, 'SONIC folder'],
      ['wave', 5, 50, 'SONIC folder'],
    ]);
    expect(jointErr(clips[0], order, 50)).toBeLessThan(1e-6);
    expect(clips[0].jointVel![3]).toBe(0.5);
  });
  it('bad input: no body_quat.csv, frame counts differ, root not in group 0, one file alone', () => {
    const order = isaacLabOrder(g1);
    const base = sonicFiles(4, order);
    const folder = (over: Record<string, string | undefined>) => {
      const out: Record<string, Uint8Array> = {};
      for (const [k, v] of Object.entries({ ...base, ...over })) if (v !== undefined) out[`c/${k}`] = enc(v);
      return out;
    };
    expectMimic(() => readMotionFolder('d', folder({ 'body_quat.csv': undefined }), g1), 'MotionError', /body_quat/);
    expectMimic(
      () => readMotionFolder('d', folder({ 'joint_vel.csv': sonicFiles(3, order)['joint_vel.csv'] }), g1),
      'MotionError',
      /frames/,
      /3 frames/,
    );
    expectMimic(
      () => readMotionFolder('d', folder({ 'metadata.txt': 'Body part indexes:\n[4 0]\n' }), g1),
      'MotionError',
      /Body part indexes/,
    );
    expectMimic(() => readMotionFile('joint_pos.csv', enc(base['joint_pos.csv']), g1), 'MotionError', /file/, /SONIC/);
  });
});

describe('BONES-SEED CSV', () => {
  const header = [
    'Frame',
    'root_translateX',
    'root_translateY',
    'root_translateZ',
    'root_rotateX',
    'root_rotateY',
    'root_rotateZ',
    ...desc.slice(0, 28).map((j) => `${j}_dof`),
  ];
  const row = (k: number) => [k, 10, -20, 80, 30, 20, 10, ...desc.slice(0, 28).map((_, j) => j * 5)].join(',');
  it('cm → m, Euler XYZ degrees (R = Rz·Ry·Rx) → quaternion, degrees → radians, joints by column name, 120 fps', () => {
    const [c] = readMotionFile('seed.csv', enc([header.join(','), row(0), row(1)].join('\n')), g1);
    expect([c.format, c.fps, c.nFrames]).toEqual(['BONES-SEED CSV', 120, 2]);
    expect(Array.from(c.rootPos.subarray(0, 3)).map((v) => +v.toFixed(6))).toEqual([0.1, -0.2, 0.8]);
    // independent check: rotate x̂ by Rz(10°)·Ry(20°)·Rx(30°) built from matrices
    const d = Math.PI / 180,
      [a, b, g] = [30 * d, 20 * d, 10 * d];
    const expected = [Math.cos(g) * Math.cos(b), Math.sin(g) * Math.cos(b), -Math.sin(b)];
    const got = qRotate(c.rootQuat.subarray(0, 4), [1, 0, 0]);
    expected.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 6));
    expect(Array.from(qFromEulerXYZ(a, b, g)).map((v) => +v.toFixed(5))).toEqual(
      Array.from(c.rootQuat.subarray(0, 4)).map((v) => +v.toFixed(5)),
    );
    expect(c.jointPos[3]).toBeCloseTo(15 * d, 6);
    expect(c.warnings.join(' ')).toMatch(new RegExp(desc[28]));
    expect(c.notes.join(' ')).toMatch(/cm → m/);
  });
  it('bad input: unknown joint column, non-number cell, missing root column', () => {
    const h2 = header.map((x) => (x === `${desc[0]}_dof` ? 'tail_joint_dof' : x));
    expectMimic(() => readMotionFile('s.csv', enc([h2.join(','), row(0)].join('\n')), g1), 'MotionError', /line 1/, /tail_joint/);
    expectMimic(
      () => readMotionFile('s.csv', enc([header.join(','), row(0).replace(',80,', ',abc,')].join('\n')), g1),
      'MotionError',
      /line 2, column root_translateZ/,
    );
    const h3 = header.filter((x) => x !== 'root_rotateY');
    expectMimic(() => readMotionFile('s.csv', enc([h3.join(','), row(0)].join('\n')), g1), 'ParseError', /line 1/, /root_rotateY/);
  });
});

describe('humanoid-policy-viewer JSON', () => {
  const doc = (n: number) => ({
    joint_pos: Array.from({ length: n }, (_, k) => motionAt(k, 50, 29).dof),
    root_pos: Array.from({ length: n }, (_, k) => motionAt(k, 50, 0).root),
    root_quat: Array.from({ length: n }, (_, k) => {
      const q = motionAt(k, 50, 0).xyzw;
      return [q[3], 0, 0, q[2]];
    }),
  });
  it('joint_pos, root_pos, root_quat (w,x,y,z); 50 Hz and description order stated', () => {
    const [c] = readMotionFile('default.json', enc(JSON.stringify(doc(7))), g1);
    expect([c.format, c.fps, c.nFrames]).toEqual(['humanoid-policy-viewer JSON', 50, 7]);
    expect(jointErr(c, desc, 50)).toBeLessThan(1e-6);
    expect(c.notes.join(' ')).toMatch(/50 Hz/);
    expect(c.notes.join(' ')).toMatch(/description order/);
  });
  it("a folder with the viewer's motions.json index: clips named by the index, the index itself not read as a clip", () => {
    const files = {
      'motions.json': enc(
        JSON.stringify({ format: 'tracking-motion-index-v1', base_path: './motions', motions: [{ name: 'default', file: 'stand.json' }] }),
      ),
      'motions/stand.json': enc(JSON.stringify(doc(3))),
    };
    const clips = readMotionFolder('g1', files, g1);
    expect(clips.map((c) => [c.name, c.nFrames])).toEqual([['default', 3]]);
    expectMimic(() => readMotionFile('motions.json', files['motions.json'], g1), 'MotionError', /file/, /load its folder/);
  });
  it('bad input: missing key, NaN frame, broken JSON, frame counts differ', () => {
    const d = doc(3);
    expectMimic(() => readMotionFile('a.json', enc(JSON.stringify({ ...d, root_quat: undefined })), g1), 'MotionError', /root_quat/);
    const bad = doc(3);
    (bad.joint_pos[1] as unknown[])[4] = null;
    expectMimic(() => readMotionFile('a.json', enc(JSON.stringify(bad)), g1), 'MotionError', /frame 1, column 4/);
    expectMimic(() => readMotionFile('a.json', enc('{"joint_pos": ['), g1), 'ParseError', /JSON/);
    expectMimic(
      () => readMotionFile('a.json', enc(JSON.stringify({ ...d, root_pos: d.root_pos.slice(1) })), g1),
      'MotionError',
      /root_pos/,
    );
  });
});
