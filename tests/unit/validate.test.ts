// Issue 17, input side: the specific bad inputs the issue lists, each a named error (or an honest result),
// checked one by one. The fuzz suite (fuzz.test.ts) covers the same ground with seeded random mutants.
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MimicError, printable, type ErrorKind } from '../../src/core/errors';
import { parseScenario } from '../../src/core/evaluation/scenario';
import { planTasks } from '../../src/core/evaluation/plan';
import { loadRobot, parseMesh } from '../../src/core/model/index';
import { parseBvh } from '../../src/core/motion/bvh';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { parseNpy, writeNpy, writeNpyStrings } from '../../src/core/motion/npy';
import { parseMotionNpz, writeMotionNpz } from '../../src/core/motion/npz';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { crc32 } from '../../src/core/motion/zip';
import { LIMITS } from '../../src/core/validate';

const humanoid = loadRobot('humanoid29.xml', readFileSync('public/robots/humanoid29.xml', 'utf8'));
const names = humanoid.joints.map((j) => j.name);
const csv = readFileSync('motions/stand_idle_50hz.csv', 'utf8').split('\n').slice(0, 30).join('\n');
const clip = new ReferenceTrack(humanoid, parseMotionCsv(csv, 's_50hz.csv', names), 0.02).toClip();

function caught(fn: () => unknown): MimicError {
  const t0 = performance.now();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(performance.now() - t0).toBeLessThan(10_000); // no hang, even on busy cores
  expect(err).toBeInstanceOf(MimicError);
  return err as MimicError;
}
function expectNamed(fn: () => unknown, kind: ErrorKind, where: RegExp, what: RegExp): MimicError {
  const e = caught(fn);
  expect(e.kind).toBe(kind);
  expect(e.where).toMatch(where);
  expect(e.message).toMatch(what);
  return e;
}
const rezip = (b: Uint8Array, edit: (e: Record<string, Uint8Array>) => void) => {
  const e = unzipSync(b);
  edit(e);
  return zipSync(e);
};

describe('messages', () => {
  it('escape control characters, NUL, \\r and lone surrogates, and cut huge strings', () => {
    const e = new MimicError('ParseError', 'a\rb.xml', 'line\u00001', `bad "\u001b[31mred\r\n${'x'.repeat(5000)}" \ud800`);
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u001f\ud800]/);
    expect(e.file).toBe('a\\rb.xml');
    expect(e.where).toBe('line\\01');
    expect(e.message).toContain('\\x1b[31mred\\r\\n');
    expect(e.message.length).toBeLessThan(2000);
    expect(printable('ok ✓ 😀')).toBe('ok ✓ 😀');
  });
});

describe('robot files', () => {
  const mj = (body: string) => `<mujoco>\n<worldbody>\n${body}\n</worldbody>\n</mujoco>`;
  const body = (joint: string) => `<body name="a"><inertial mass="1" diaginertia="1 1 1"/>${joint}</body>`;
  it('invalid XML character references → ParseError with the line', () => {
    expectNamed(
      () => loadRobot('r.xml', mj(`<body name="&#x110000;"/>`)),
      'ParseError',
      /^line 3$/,
      /bad character reference "&#x110000;"/,
    );
    expectNamed(() => loadRobot('r.xml', mj(`<body name="&#xD800;"/>`)), 'ParseError', /^line 3$/, /not a valid XML character/);
    expectNamed(() => loadRobot('r.xml', mj(`<body name="&#12abc;"/>`)), 'ParseError', /^line 3$/, /bad character reference/);
  });
  it('10,000-deep MJCF and URDF trees → named errors, no recursion', () => {
    const d = 10000;
    const deep = `<mujoco><worldbody>${'<body><inertial mass="1" diaginertia="1 1 1"/><joint/>'.repeat(d)}${'</body>'.repeat(d)}</worldbody></mujoco>`;
    expectNamed(() => loadRobot('deep.xml', deep), 'ParseError', /^line 1$/, new RegExp(`deeper than ${LIMITS.maxDepth}`));
    const inert = '<inertial><mass value="1"/><inertia ixx="1" iyy="1" izz="1"/></inertial>';
    const links = [`<link name="l0">${inert}</link>`];
    for (let k = 1; k < d; k++)
      links.push(
        `<link name="l${k}">${inert}</link><joint name="j${k}" type="revolute"><parent link="l${k - 1}"/><child link="l${k}"/><axis xyz="0 0 1"/></joint>`,
      );
    expectNamed(
      () => loadRobot('deep.urdf', `<robot name="d">${links.join('\n')}</robot>`),
      'ModelError',
      /^line 1$/,
      /10000 links, above the limit/,
    );
    // a chain just under the limits loads (iteratively), depth-first order kept
    const ok = links.slice(0, 200).join('\n');
    const m = loadRobot('chain.urdf', `<robot name="c">${ok}</robot>`);
    expect(m.bodies.length).toBe(200);
    expect(m.bodies[199].parent).toBe(198);
  });
  it('negative armature, damping, effort, gains and masses → ModelError naming the joint / line', () => {
    expectNamed(
      () => loadRobot('r.xml', mj(body('<joint name="j" armature="-0.1"/>'))),
      'ModelError',
      /^joint "j"$/,
      /armature .* -0\.1 is outside/,
    );
    expectNamed(() => loadRobot('r.xml', mj(body('<joint name="j" damping="-2"/>'))), 'ModelError', /^joint "j"$/, /damping -2 is outside/);
    expectNamed(
      () => loadRobot('r.xml', mj(body('<joint name="j" actuatorfrcrange="5 -5"/>'))),
      'ModelError',
      /^line 3$/,
      /actuatorfrcrange 5 > -5/,
    );
    expectNamed(
      () =>
        loadRobot(
          'r.xml',
          `${mj(body('<joint name="j"/>')).replace('</mujoco>', '')}<actuator><position joint="j" kp="-40"/></actuator></mujoco>`,
        ),
      'ModelError',
      /^line 5$/,
      /kp -40 is outside/,
    );
    const urdf = (
      lim: string,
      dyn = '',
    ) => `<robot name="r"><link name="a"><inertial><mass value="1"/><inertia ixx="1" iyy="1" izz="1"/></inertial></link>
<link name="b"><inertial><mass value="1"/><inertia ixx="1" iyy="1" izz="1"/></inertial></link>
<joint name="j" type="revolute"><parent link="a"/><child link="b"/>
<limit lower="-1" upper="1" ${lim}/>${dyn}</joint></robot>`;
    expectNamed(() => loadRobot('r.urdf', urdf('effort="-10"')), 'ModelError', /^line 4$/, /effort limit -10 is negative/);
    expectNamed(() => loadRobot('r.urdf', urdf('velocity="-1"')), 'ModelError', /^line 4$/, /velocity limit -1 is negative/);
    expectNamed(() => loadRobot('r.urdf', urdf('', '<dynamics damping="-1"/>')), 'ModelError', /^line 4$/, /damping -1 is negative/);
    expectNamed(
      () => loadRobot('r.xml', mj('<body name="a"><inertial mass="1e9" diaginertia="1 1 1"/><joint/></body>')),
      'ModelError',
      /^body "a"$/,
      /mass \(kg\) 1000000000 is outside/,
    );
  });
  it('degenerate meshes (zero area, collinear, NaN) → MeshError', () => {
    const stl = (v: number[]) => {
      const b = new Uint8Array(84 + 50 * (v.length / 9));
      const dv = new DataView(b.buffer);
      dv.setUint32(80, v.length / 9, true);
      v.forEach((x, i) => dv.setFloat32(84 + Math.floor(i / 9) * 50 + 12 + (i % 9) * 4, x, true));
      return b;
    };
    expectNamed(() => parseMesh(stl([1, 1, 1, 1, 1, 1, 1, 1, 1]), 'p.stl'), 'MeshError', /^faces$/, /degenerate mesh/);
    expectNamed(() => parseMesh(stl([0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 5, 0, 0]), 'c.stl'), 'MeshError', /^faces$/, /collinear/);
    expectNamed(() => parseMesh(stl([0, 0, 0, 1, 0, 0, 0, NaN, 0]), 'n.stl'), 'MeshError', /^vertex 2$/, /not a finite/);
    expect(parseMesh(stl([0, 0, 0, 1, 0, 0, 0, 1, 0]), 't.stl').vertices.length).toBe(9);
  });
});

describe('clips', () => {
  it('a CSV cell of 1e308 → MotionError with line and column (never NaN downstream)', () => {
    const bad = csv.replace(/^((?:[^,\n]*,){10})[^,\n]*/m, '$11e308');
    expectNamed(() => parseMotionCsv(bad, 'c_50hz.csv', names), 'MotionError', /^line 1, column 11$/, /1e308.*joint value within/);
  });
  it('absurd rates are named errors before anything is allocated', () => {
    expectNamed(() => parseMotionCsv(csv, 'clip_0.001hz.csv', names), 'MotionError', /^fps$/, /frame rate \(Hz\) 0\.001 is outside/);
    const npz = writeMotionNpz(clip);
    const slow = rezip(npz, (e) => {
      e['fps.npy'] = writeNpy(Float64Array.of(1e-4), [1]);
    });
    expectNamed(() => parseMotionNpz(slow, 'c.npz', names), 'MotionError', /^fps$/, /0\.0001 is outside/);
    const bvh = (ft: string) =>
      `HIERARCHY\nROOT hip\n{\nOFFSET 0 0 0\nCHANNELS 3 Xposition Yposition Zposition\n}\nMOTION\nFrames: 2\nFrame Time: ${ft}\n0 0 0\n1 1 1\n`;
    expectNamed(() => parseBvh(bvh('1e6'), 'c.bvh'), 'ParseError', /^line 9$/, /Frame Time 1e6 s is outside \[0\.0001, 100\]/);
    expectNamed(() => parseBvh(bvh('1e-300'), 'c.bvh'), 'ParseError', /^line 9$/, /Frame Time 1e-300 s is outside/);
    expectNamed(() => parseBvh(bvh('0.01').replace('1 1 1', '1e300 0 0'), 'c.bvh'), 'ParseError', /^line 11$/, /1e300 is beyond/);
    expectNamed(
      () => parseBvh(bvh('0.01').replace('Frames: 2', 'Frames: 999999999'), 'c.bvh'),
      'MotionError',
      /^line 9$/,
      /frame count 999999999 exceeds/,
    );
  });
  it('NPY shapes with -1 or huge sizes, invalid code points → ParseError', () => {
    const a = writeNpy(new Float32Array(6), [2, 3]);
    const withShape = (s: string) => {
      const b = a.slice();
      const h = new TextDecoder().decode(b.subarray(10, 10 + new DataView(b.buffer).getUint16(8, true)));
      b.set(new TextEncoder().encode(h.replace('(2, 3)', s.padEnd(6))), 10);
      return b;
    };
    expectNamed(() => parseNpy(withShape('(-1,3)'), 'a.npz', 'x'), 'ParseError', /^key x$/, /"-1" is not a non-negative integer/);
    expectNamed(() => parseNpy(withShape('(9e9,)'), 'a.npz', 'x'), 'ParseError', /^key x$/, /"9e9"/);
    expectNamed(() => parseNpy(withShape('(99999'), 'a.npz', 'x'), 'ParseError', /^key x$/, /bad \.npy header|exceeds|truncated/);
    const s = writeNpyStrings(['ab']);
    new DataView(s.buffer).setUint32(s.length - 8, 0x110000, true);
    expectNamed(() => parseNpy(s, 'a.npz', 'joint_names'), 'ParseError', /^key joint_names, string 0$/, /invalid code point 0x110000/);
  });
  it('a bit-flipped NPZ is refused (CRC-32); a clean one still reads', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const npz = writeMotionNpz(clip);
    expect(parseMotionNpz(npz, 'c.npz', names).nFrames).toBe(clip.nFrames);
    const e = unzipSync(npz);
    // flip one bit inside the joint_pos data (stored, not deflated: the data bytes sit in the archive as is)
    const jp = e['joint_pos.npy'];
    const at = npz.findIndex(
      (_, i) => i + jp.length <= npz.length && npz[i] === jp[0] && npz.subarray(i, i + 64).every((b, k) => b === jp[k]),
    );
    expect(at).toBeGreaterThan(0);
    const bad = npz.slice();
    bad[at + jp.length - 5] ^= 4;
    expectNamed(() => parseMotionNpz(bad, 'c.npz', names), 'ParseError', /^zip entry joint_pos\.npy$/, /CRC-32 mismatch/);
  });
  it('NPZ joint_names are honoured: reversed names map the columns to other joints, correctly', () => {
    const rev = [...names].reverse();
    const npz = writeMotionNpz(clip, { jointNames: rev }); // columns written in reversed order, names say so
    const a = parseMotionNpz(npz, 'c.npz', names);
    expect(a.jointNames).toEqual(rev);
    const ta = new ReferenceTrack(humanoid, a, 0.02),
      t0 = new ReferenceTrack(humanoid, clip, 0.02);
    for (let i = 0; i < t0.jointPos.length; i++) expect(ta.jointPos[i]).toBeCloseTo(t0.jointPos[i], 6);
    // same columns, names reversed → a different (and per the names, correct) mapping
    const lying = rezip(writeMotionNpz(clip), (e) => {
      e['joint_names.npy'] = writeNpyStrings(rev);
    });
    const b = new ReferenceTrack(humanoid, parseMotionNpz(lying, 'c.npz', names), 0.02);
    const k = names.findIndex((n, j) => Math.abs(clip.jointPos[j] - clip.jointPos[names.length - 1 - j]) > 0.05);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(b.jointPos[k]).toBeCloseTo(clip.jointPos[names.length - 1 - k], 5);
    expect(Math.abs(b.jointPos[k] - t0.jointPos[k])).toBeGreaterThan(0.05);
  });
  it('clip joints that do not match the robot → a named error listing them', () => {
    const odd = rezip(writeMotionNpz(clip), (e) => {
      e['joint_names.npy'] = writeNpyStrings([...names.slice(0, 27), 'tail_joint', 'fin_joint']);
    });
    const e = expectNamed(
      () => parseMotionNpz(odd, 'c.npz', names),
      'MotionError',
      /^key joint_names$/,
      /2 joint name\(s\) the robot lacks/,
    );
    expect(e.detail).toContain('"tail_joint", "fin_joint"');
    const header = `x,y,z,qx,qy,qz,qw,${[...names.slice(0, 28), 'bogus_joint'].join(',')}\n`;
    expectNamed(
      () => parseMotionCsv(header + csv, 'c_50hz.csv', names),
      'MotionError',
      /^line 1$/,
      /header names joints the robot lacks: "bogus_joint"/,
    );
    const reordered = `x,y,z,qx,qy,qz,qw,${[...names].reverse().join(',')}\n`;
    expect(parseMotionCsv(reordered + csv, 'c_50hz.csv', names).jointNames).toEqual([...names].reverse());
    const other = { ...clip, jointNames: [...names.slice(0, 27), 'tail_joint', 'fin_joint'] };
    const t = expectNamed(() => new ReferenceTrack(humanoid, other, 0.02), 'MotionError', /^joint tail_joint$/, /2 clip joint\(s\)/);
    expect(t.detail).toContain('"fin_joint"');
  });
});

describe('scenarios', () => {
  const sc = (o: object) => JSON.stringify({ name: 's', seed: 1, ...o });
  it('unknown noise terms and unknown keys are named', () => {
    expectNamed(
      () => parseScenario(sc({ perturbations: { obs_noise: { std: { base_wobble: 0.1 } } } }), 's.json'),
      'ParseError',
      /^perturbations\.obs_noise\.std\.base_wobble$/,
      /unknown observation term\(s\) "base_wobble"/,
    );
    expectNamed(
      () => parseScenario(sc({ perturbations: { pushes: { force_n: 1, bodies: ['a'], duration_s: 1, speed: 3 } } }), 's.json'),
      'ParseError',
      /^perturbations\.pushes\.speed$/,
      /unknown key/,
    );
    expect(parseScenario(sc({ perturbations: { obs_noise: { std: { base_ang_vel: 0.1, joint_pos_rel: 0.01 } } } }), 's.json').name).toBe(
      's',
    );
  });
  it("caps: episode length, episodes, a suite's total work", () => {
    expectNamed(() => parseScenario(sc({ seconds: 1e9 }), 's.json'), 'ParseError', /^seconds$/, /outside \[0\.02, 3600\]/);
    expectNamed(() => parseScenario(sc({ episodes: 1e9 }), 's.json'), 'ParseError', /^episodes$/, /outside/);
    expectNamed(
      () => parseScenario(sc({ episodes: 2000, seconds: 3600 }), 's.json'),
      'ParseError',
      /^episodes$/,
      /robot-seconds, above the limit/,
    );
    const s = parseScenario(sc({ seconds: 600 }), 's.json');
    const plan = {
      robot: { file: 'r.xml', text: '' },
      variants: [{}, {}],
      clips: [{ file: 'a.csv' }],
      scenarios: [s],
      episodes: 1000,
    } as never;
    expectNamed(() => planTasks(plan), 'ParseError', /^episodes$/, /the suite adds up to 1200000 robot-seconds/);
  });
});

describe('messages re-created from a worker', () => {
  it('escaping and cutting twice changes nothing', () => {
    const a = new MimicError('MotionError', 'c\u0000.csv', 'line 3\r', `${'y'.repeat(3000)}\u0007`);
    const b = new MimicError(a.kind, a.file, a.where, a.detail);
    expect(b.message).toBe(a.message);
  });
});

describe('caps at run time', () => {
  it('more than LIMITS.maxStepsPerAction physics steps per control step → SimulationError, not a hang', async () => {
    const { createRapierEngine, controlStep } = await import('../../src/core/physics/index');
    const e = await createRapierEngine(humanoid, {});
    try {
      expectNamed(() => controlStep(e, 200000), 'SimulationError', /^decimation$/, /200000 physics steps per control step/);
      expectNamed(() => controlStep(e, 2.5), 'SimulationError', /^decimation$/, /whole number/);
      controlStep(e, 4);
      expect(Number.isFinite(e.state.rootPos[2])).toBe(true);
    } finally {
      e.free();
    }
  });
  it("a CSV with the wrong number of joint columns names the robot's joints", () => {
    const short = csv
      .split('\n')
      .map((l) => l.split(',').slice(0, 30).join(','))
      .join('\n');
    const e = expectNamed(() => parseMotionCsv(short, 'c_50hz.csv', names), 'ParseError', /^line 1$/, /30 columns, expected 36/);
    expect(e.detail).toContain(`"${names[28]}"`);
  });
});

describe('JSON syntax errors', () => {
  it('name the line and column', () => {
    expectNamed(
      () => parseScenario('{\n  "name": "s",\n  "seed": 1,,\n}', 's.json'),
      'ParseError',
      /^line 3, column 13$/,
      /not valid JSON/,
    );
    expectNamed(() => parseScenario('{\n  "name": "s"', 's.json'), 'ParseError', /^line 2, column \d+$/, /not valid JSON/);
  });
});
