// Fuzz suite (issue 17): seeded mutants of every file kind the tool reads — truncated, bit-flipped, NaN/Inf/huge
// values, wrong counts, renamed/duplicated names, absurd rates, nesting bombs. Each mutant must end in a named
// MimicError or a finite, honest result within a time limit. Prints the kind × outcome table; asserts zero stack
// traces, hangs and NaN-successes. Set FUZZ_N to run more mutants per kind (default 24), FUZZ_SEED another seed.
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario, samplePerturbation } from '../../src/core/evaluation/scenario';
import { forwardKinematics, loadRobot, type RobotModel } from '../../src/core/model/index';
import { createRapierEngine, initRapier } from '../../src/core/physics/index';
import { parseBvh } from '../../src/core/motion/bvh';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { parseNpy, writeNpy, writeNpyStrings } from '../../src/core/motion/npy';
import { parseMotionNpz, writeMotionNpz } from '../../src/core/motion/npz';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { retargetBvh } from '../../src/core/motion/retarget';
import type { MotionClip } from '../../src/core/motion/types';
import { readOnnxInfo, type OnnxInfo } from '../../src/core/policy/onnx';
import { resolvePolicyConfig, type PolicyConfig } from '../../src/core/policy/config';
import {
  badChars,
  badNumbers,
  bitFlip,
  classify,
  lineEdit,
  newTally,
  pick,
  renameOrDuplicate,
  rng,
  table,
  truncate,
  type Tally,
} from './fuzz-helpers';

const N = Number(process.env.FUZZ_N ?? 24);
const SEED = Number(process.env.FUZZ_SEED ?? 17);
const LIMIT_MS = 10_000; // per mutant, generous for 2 busy cores (the table prints the slowest mutant of each kind)
const enc = new TextEncoder(),
  dec = new TextDecoder();
const G1 = '../shared/assets/g1/';
const DANCE = '../shared/assets/policies/g1-dance-102/';

const humanoidXml = readFileSync('public/robots/humanoid29.xml', 'utf8');
const humanoid: RobotModel = loadRobot('humanoid29.xml', humanoidXml);
const names = humanoid.joints.map((j) => j.name);
const g1Urdf = readFileSync(`${G1}g1_29dof_rev_1_0.urdf`, 'utf8');
const g1 = loadRobot('g1_29dof_rev_1_0.xml', readFileSync(`${G1}g1_29dof_rev_1_0.xml`, 'utf8'));
const stl = new Uint8Array(readFileSync(`${G1}meshes/left_ankle_pitch_link.STL`));
const standCsv = readFileSync('motions/stand_idle_50hz.csv', 'utf8').split('\n').slice(0, 40).join('\n');
const bvhFull = readFileSync('../shared/assets/bvh/09_01.bvh', 'utf8');
const retargetConfig = JSON.parse(readFileSync('motions/retarget/cmu-humanoid29.json', 'utf8'));
const deployYaml = readFileSync(`${DANCE}deploy.yaml`, 'utf8');
const onnxBytes = new Uint8Array(readFileSync(`${DANCE}policy.onnx`));
const profileText = readFileSync('policies/unitree-rl-lab.json', 'utf8');
const scenarioText = readFileSync('seeds/robustness.json', 'utf8');
const OBJ = [
  '# cube',
  'v 0 0 0',
  'v 1 0 0',
  'v 1 1 0',
  'v 0 1 0',
  'v 0 0 1',
  'v 1 0 1',
  'v 1 1 1',
  'v 0 1 1',
  'f 1 2 3 4',
  'f 5 6 7 8',
  'f 1 2 6 5',
  'f 2 3 7 6',
  'f 3 4 8 7',
  'f 4 1 5 8',
].join('\n');

/** The BVH cut to its first 30 frames (a valid file). */
function shortBvh(): string {
  const [head, motion] = bvhFull.split(/MOTION\r?\n/);
  const lines = motion.split(/\r?\n/);
  return `${head}MOTION\nFrames: 30\n${lines[1]}\n${lines.slice(2, 32).join('\n')}\n`;
}
const bvhText = shortBvh();

// -------------------------------------------------------------------------------------------- generic mutants

const textMutants = [truncateText, flipText, badNumbers, lineEdit, renameOrDuplicate, badChars];
function truncateText(r: () => number, t: string): string {
  return dec.decode(truncate(r, enc.encode(t)));
}
function flipText(r: () => number, t: string): string {
  return dec.decode(bitFlip(r, enc.encode(t)));
}
const mutateText = (r: () => number, t: string): string => pick(r, textMutants)(r, t);

/** Each kind: its mutants (seeded) and what running one means. */
interface Kind {
  name: string;
  mutants: (r: () => number, k: number) => { label: string; run: () => unknown };
  /** invariants of an accepted result (null = honest) */
  honest?: (result: unknown) => string | null;
}

/** An accepted robot: unique names, nothing negative that must not be. */
function honestRobot(v: unknown): string | null {
  const { bodies, joints } = v as { bodies: RobotModel['bodies']; joints: RobotModel['joints'] };
  if (new Set(joints.map((j) => j.name)).size !== joints.length) return 'duplicate joint names accepted';
  if (bodies.some((b) => b.mass < 0 || b.inertia.some((x) => x < -1e-9))) return 'negative mass or inertia accepted';
  if (joints.some((j) => j.armature < 0 || j.damping < 0 || j.frictionloss < 0 || j.effortLimit < 0 || j.velocityLimit < 0))
    return 'negative joint parameter accepted';
  return null;
}

/** A resolved policy config: joints unique and known, gains not negative, a bounded number of physics steps per action. */
function honestConfig(c: unknown): string | null {
  const cfg = c as PolicyConfig;
  if (new Set(cfg.jointNames).size !== cfg.jointNames.length) return 'a joint is listed twice (another is left undriven)';
  if ([...cfg.stiffness, ...cfg.damping].some((x) => x < 0)) return 'negative PD gain accepted';
  if (!(cfg.physicsDt > 0) || !(cfg.decimation >= 1 && cfg.decimation <= 1000))
    return `physics dt ${cfg.physicsDt} × decimation ${cfg.decimation}: ${cfg.decimation} physics steps per action`;
  return null;
}

function fkOf(model: RobotModel): { pos: Float64Array; quat: Float64Array } {
  const nb = model.bodies.length;
  const pos = new Float64Array(nb * 3),
    quat = new Float64Array(nb * 4);
  forwardKinematics(model, [0, 0, 1], [1, 0, 0, 0], new Float64Array(model.joints.length).fill(0.1), pos, quat);
  return { pos, quat };
}
const robotResult = (m: RobotModel) => ({ bodies: m.bodies, joints: m.joints, actuators: m.actuators, fk: fkOf(m) });

function deepMjcf(depth: number): string {
  return `<mujoco><worldbody>${'<body><inertial mass="1" diaginertia="1 1 1"/><joint type="hinge"/>'.repeat(depth)}${'</body>'.repeat(depth)}</worldbody></mujoco>`;
}
function deepUrdf(depth: number): string {
  const inert = '<inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial>';
  const parts = [`<link name="l0">${inert}</link>`];
  for (let k = 1; k < depth; k++)
    parts.push(
      `<link name="l${k}">${inert}</link><joint name="j${k}" type="revolute"><parent link="l${k - 1}"/><child link="l${k}"/><axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint>`,
    );
  return `<robot name="deep">${parts.join('')}</robot>`;
}
const NEG = ['armature', 'damping', 'frictionloss', 'mass', 'kp', 'kv', 'effort', 'velocity', 'value', 'ixx', 'diaginertia'];
function negate(r: () => number, t: string): string {
  const all = [...t.matchAll(new RegExp(`\\b(${NEG.join('|')})="([^"]*)"`, 'g'))];
  if (!all.length) return t;
  const m = pick(r, all);
  const v = pick(r, ['-1', '-0.5 1 1', '1e30', 'NaN', '1e-320', '-1e-3']);
  return t.slice(0, m.index) + `${m[1]}="${v}"` + t.slice(m.index + m[0].length);
}

const csvClip = (text: string, file: string) => {
  const clip = parseMotionCsv(text, file, names);
  const tr = new ReferenceTrack(humanoid, clip, 0.02);
  return { clip, track: { jp: tr.jointPos, bp: tr.bodyPos, bq: tr.bodyQuat, lv: tr.bodyLinVel, av: tr.bodyAngVel } };
};

let npzBase: Uint8Array;
let baseClip: MotionClip;
function rezip(bytes: Uint8Array, edit: (e: Record<string, Uint8Array>) => void): Uint8Array {
  const e = unzipSync(bytes);
  edit(e);
  return zipSync(e);
}
const npzRun = (b: Uint8Array) => () => {
  const clip = parseMotionNpz(
    b,
    'clip.npz',
    names,
    humanoid.bodies.map((x) => x.name),
  );
  const tr = new ReferenceTrack(humanoid, clip, 0.02);
  return { clip, jp: tr.jointPos, bp: tr.bodyPos, jv: tr.jointVel };
};
function npyHeaderEdit(b: Uint8Array, from: RegExp, to: string): Uint8Array {
  const hlen = new DataView(b.buffer, b.byteOffset).getUint16(8, true);
  const h = dec.decode(b.subarray(10, 10 + hlen)).replace(from, to);
  const hb = enc.encode(h.padEnd(hlen));
  const out = new Uint8Array(10 + hb.length + b.length - 10 - hlen);
  out.set(b.subarray(0, 10));
  new DataView(out.buffer).setUint16(8, hb.length, true);
  out.set(hb, 10);
  out.set(b.subarray(10 + hlen), 10 + hb.length);
  return out;
}

let danceInfo: OnnxInfo;
/** A one-body robot colliding through the mesh, loaded and stepped on Rapier (convex hull, ground contact). */
const meshRun = (bytes: Uint8Array, file: string) => async () => {
  const xml =
    `<mujoco><asset><mesh name="m" file="${file}"/></asset><worldbody><body name="b" pos="0 0 1"><freejoint/>` +
    '<inertial mass="1" diaginertia="0.1 0.1 0.1"/><geom type="mesh" mesh="m"/></body></worldbody></mujoco>';
  const model = loadRobot('mesh-robot.xml', xml, (p) => (p === file ? bytes : undefined));
  const e = await createRapierEngine(model, { groundContact: 'all' });
  try {
    for (let i = 0; i < 3; i++) e.step();
    return { mesh: model.bodies[0].collision[0].mesh, pos: e.state.rootPos, adjustments: e.adjustments.length };
  } finally {
    e.free();
  }
};
function stlVariant(r: () => number, k: number): Uint8Array {
  const b = stl.slice();
  const dv = new DataView(b.buffer);
  const count = dv.getUint32(80, true);
  switch (k % 6) {
    case 0:
      for (let t = 0; t < count; t++) for (let c = 0; c < 9; c++) dv.setFloat32(84 + t * 50 + 12 + c * 4, 0.5, true);
      return b; // zero area
    case 1:
      for (let t = 0; t < count; t++) for (let c = 0; c < 9; c++) dv.setFloat32(84 + t * 50 + 12 + c * 4, c % 3 === 0 ? c : 0, true);
      return b; // collinear
    case 2:
      dv.setFloat32(84 + Math.floor(r() * count) * 50 + 16, NaN, true);
      return b;
    case 3:
      dv.setUint32(80, pick(r, [0, count + 1, 0xffffffff, 85899345]), true);
      return b;
    case 4:
      return truncate(r, b);
    default:
      return bitFlip(r, b, 8);
  }
}

const kinds: Kind[] = [
  {
    name: 'MJCF',
    mutants: (r, k) => {
      const text = k === 0 ? deepMjcf(10000) : k % 4 === 1 ? negate(r, humanoidXml) : mutateText(r, humanoidXml);
      return { label: `mjcf#${k}`, run: () => robotResult(loadRobot('h.xml', text)) };
    },
    honest: honestRobot,
  },
  {
    name: 'URDF',
    mutants: (r, k) => {
      const text = k === 0 ? deepUrdf(10000) : k % 4 === 1 ? negate(r, g1Urdf) : mutateText(r, g1Urdf);
      return { label: `urdf#${k}`, run: () => robotResult(loadRobot('g1.urdf', text)) };
    },
    honest: honestRobot,
  },
  { name: 'STL', mutants: (r, k) => ({ label: `stl#${k}`, run: meshRun(stlVariant(r, k), 'm.stl') }) },
  {
    name: 'OBJ',
    mutants: (r, k) => {
      const text =
        k % 5 === 0
          ? OBJ.replace(/^v .*$/gm, 'v 1 2 3')
          : k % 5 === 1
            ? OBJ.replace(/^v (\d) (\d) (\d)$/gm, 'v $1 0 0')
            : mutateText(r, OBJ);
      return { label: `obj#${k}`, run: meshRun(enc.encode(text), 'm.obj') };
    },
  },
  {
    name: 'CSV',
    mutants: (r, k) => {
      const file =
        k % 5 === 0 ? pick(r, ['clip_0.001hz.csv', 'clip_1e9hz.csv', 'clip_0hz.csv', 'clip.csv', 'clip_99999999hz.csv']) : 'clip_50hz.csv';
      let text = standCsv;
      if (k % 5 === 1)
        text = text.replace(/^([^,\n]*,){9}[^,\n]*/m, (m) => m.replace(/[^,]*$/, pick(r, ['1e308', '-1e308', '1e300', 'NaN'])));
      else if (k % 5 === 2)
        text = `x,y,z,qx,qy,qz,qw,${pick(r, [[...names].reverse(), [...names.slice(1), 'bogus_joint'], [...names.slice(1), names[0]].map((n, i) => (i === 3 ? names[5] : n))]).join(',')}\n${text}`;
      else if (k % 5 !== 0) text = mutateText(r, text);
      return { label: `csv#${k} ${file}`, run: () => csvClip(text, file) };
    },
  },
  {
    name: 'NPZ',
    mutants: (r, k) => {
      const f = (b: Uint8Array) => ({ label: `npz#${k}`, run: npzRun(b) });
      switch (k % 8) {
        case 0:
          return f(truncate(r, npzBase));
        case 1:
          return f(bitFlip(r, npzBase, 1 + Math.floor(r() * 3)));
        case 2:
          return f(
            rezip(npzBase, (e) => {
              e['fps.npy'] = writeNpy(Float64Array.of(pick(r, [1e-4, 0, -50, NaN, 1e9, Infinity])), [1]);
            }),
          );
        case 3:
          return f(
            rezip(npzBase, (e) => {
              e['joint_names.npy'] = writeNpyStrings(
                pick(r, [
                  [...names].reverse(),
                  [...names.slice(1), 'bogus'],
                  [...names.slice(1), names[0]].map((n, i) => (i === 2 ? names[7] : n)),
                ]),
              );
            }),
          );
        case 4:
          return f(
            rezip(npzBase, (e) => {
              e['joint_pos.npy'] = npyHeaderEdit(
                e['joint_pos.npy'],
                /\(\d+, \d+\)/,
                pick(r, ['(-1, 29)', '(99999999999, 29)', '(30, -29)', '(1e3, 29)']),
              );
            }),
          );
        case 5:
          return f(
            rezip(npzBase, (e) => {
              const b = e['joint_names.npy'].slice();
              new DataView(b.buffer).setUint32(b.length - 4 * (1 + Math.floor(r() * 10)), pick(r, [0x110000, 0xd800, 0xffffffff]), true);
              e['joint_names.npy'] = b;
            }),
          );
        case 6:
          return f(
            rezip(npzBase, (e) => {
              const a = Float32Array.from(baseClip.bodyPos!);
              a[Math.floor(r() * a.length)] = pick(r, [NaN, Infinity, 1e30, -3e38]);
              e['body_pos_w.npy'] = writeNpy(a, [baseClip.nFrames, humanoid.bodies.length, 3]);
            }),
          );
        default:
          return f(
            rezip(npzBase, (e) => {
              delete e[pick(r, Object.keys(e))];
            }),
          );
      }
    },
  },
  {
    name: 'NPY',
    mutants: (r, k) => {
      const base = writeNpy(
        Float32Array.from({ length: 30 }, (_, i) => i / 7),
        [10, 3],
      );
      let b: Uint8Array;
      switch (k % 6) {
        case 0:
          b = npyHeaderEdit(
            base,
            /\(10, 3\)/,
            pick(r, ['(-1, 3)', '(10, -3)', '(4294967296, 4294967296)', '(1e2, 3)', '(10, 3, 0, 9999999999)']),
          );
          break;
        case 1:
          b = npyHeaderEdit(base, /<f4/, pick(r, ['>f4', '<f16', '<c8', '<U99999', '|b1']));
          break;
        case 2: {
          b = writeNpyStrings(['abc', 'de']);
          new DataView(b.buffer).setUint32(b.length - 4 * 3, pick(r, [0x110000, 0xdfff, 0x7fffffff]), true);
          break;
        }
        case 3:
          b = truncate(r, base);
          break;
        case 4:
          b = bitFlip(r, base, 3);
          break;
        default:
          b = npyHeaderEdit(base, /'fortran_order': False/, "'fortran_order': True");
          break;
      }
      return { label: `npy#${k}`, run: () => parseNpy(b, 'a.npy', 'a') };
    },
  },
  {
    name: 'BVH',
    mutants: (r, k) => {
      let text = bvhText;
      switch (k % 6) {
        case 0:
          text = text.replace(/Frame Time:.*/, `Frame Time: ${pick(r, ['1e6', '1e-300', '0', '-0.01', 'NaN', '1e-9'])}`);
          break;
        case 1:
          text = text.replace(/(MOTION\nFrames: 30\n[^\n]*\n)(\S+)/, (_m, a) => `${a}${pick(r, ['1e300', '-1e300', '1e30', 'inf'])}`);
          break;
        case 2: {
          const depth = 10000;
          text = text.replace(
            /ROOT (\S+)\n\{/,
            (m) => `${m}\n${'JOINT deep\n{\nOFFSET 0 0 0\nCHANNELS 0\n'.repeat(depth)}${'}\n'.repeat(depth)}`,
          );
          break;
        }
        case 3:
          text = text.replace(/Frames: 30/, `Frames: ${pick(r, ['999999999', '0', '-3', '31', '1e12'])}`);
          break;
        default:
          text = mutateText(r, text);
      }
      return { label: `bvh#${k}`, run: () => retargetBvh(parseBvh(text, 'c.bvh'), humanoid, retargetConfig, 'c.bvh') };
    },
  },
  {
    name: 'deploy.yaml',
    mutants: (r, k) => {
      const text =
        k % 4 === 0
          ? deployYaml.replace(/step_dt: .*/, `step_dt: ${pick(r, ['1000', '0', '-0.02', '1e-9', '.nan', 'abc'])}`)
          : mutateText(r, deployYaml);
      return {
        label: `yaml#${k}`,
        run: () => resolvePolicyConfig({ info: danceInfo, file: 'policy.onnx', robot: g1, yaml: text, yamlFile: 'deploy.yaml' }),
      };
    },
    honest: honestConfig,
  },
  {
    name: 'profile JSON',
    mutants: (r, k) => {
      let text = profileText;
      if (k % 4 === 0)
        text = text.replace(/"naturalFreqHz": [^,\n]*/, `"naturalFreqHz": ${pick(r, ['"abc"', '-10', '1e308', 'null', '0'])}`);
      else if (k % 4 === 1)
        text = text.replace(
          /"jointOrder": [^,\n]*/,
          `"jointOrder": ${JSON.stringify(pick(r, [[...names.slice(1), names[1]], names.slice(2), [...names].reverse(), 'bogus']))}`,
        );
      else text = mutateText(r, text);
      return {
        label: `profile#${k}`,
        run: () => resolvePolicyConfig({ info: danceInfo, file: 'policy.onnx', robot: g1, profile: text, profileFile: 'p.json' }),
      };
    },
    honest: honestConfig,
  },
  {
    name: 'scenario JSON',
    mutants: (r, k) => {
      let text = scenarioText;
      if (k % 4 === 0)
        text = text.replace(
          /"episodes": \d+/,
          `"episodes": ${pick(r, ['1e9', '0', '2.5', '"8"', '-1'])}, "seconds": ${pick(r, ['1e9', '3600', '0', '1e-9', 'null'])}`,
        );
      else if (k % 4 === 1)
        text = text.replace(/"base_ang_vel"/, `"${pick(r, ['base_wobble', 'joint_pos_rel\\u0000', '__proto__', 'constructor'])}"`);
      else text = mutateText(r, text);
      return {
        label: `scenario#${k}`,
        run: () => {
          const sc = parseScenario(text, 's.json');
          const ctx = {
            bodyNames: g1.bodies.map((b) => b.name),
            jointNames: g1.joints.map((j) => j.name),
            seconds: 5,
            physicsDt: 0.005,
            file: 's.json',
          };
          return [0, 1, 2].map((i) => samplePerturbation(sc, i, ctx));
        },
      };
    },
  },
  {
    name: 'ONNX',
    mutants: (r, k) => {
      const b = k % 3 === 0 ? truncate(r, onnxBytes) : bitFlip(r, onnxBytes.subarray(0, 4096 + Math.floor(r() * 4096)), 4);
      const bytes =
        k % 3 === 0
          ? b
          : (() => {
              const c = onnxBytes.slice();
              c.set(b);
              return c;
            })();
      return { label: `onnx#${k}`, run: () => readOnnxInfo(bytes, 'policy.onnx') };
    },
  },
];

describe('fuzz: every file kind, seeded mutants', () => {
  beforeAll(async () => {
    await initRapier();
    baseClip = new ReferenceTrack(humanoid, parseMotionCsv(standCsv, 'stand_50hz.csv', names), 0.02).toClip();
    npzBase = writeMotionNpz(baseClip);
    danceInfo = readOnnxInfo(onnxBytes, 'policy.onnx');
  });

  it(`${kinds.length} kinds × ${N} mutants: named error or finite result, no stack trace, hang or NaN`, async () => {
    const rows: [string, Tally][] = [];
    const t0 = performance.now();
    for (const [ki, kind] of kinds.entries()) {
      const tally = newTally();
      const k0 = performance.now();
      for (let k = 0; k < N; k++) {
        const r = rng(SEED * 1000 + ki * 100 + k);
        const m = kind.mutants(r, k);
        await classify(tally, m.label, m.run, LIMIT_MS, kind.honest);
      }
      tally.ms = performance.now() - k0;
      rows.push([kind.name, tally]);
    }
    const examples = rows.flatMap(([, t]) => t.examples);
    const noPlace = rows.flatMap(([, t]) => t.noPlace);
    if (noPlace.length) console.log(`named errors without a place (${noPlace.length}):\n${noPlace.slice(0, 20).join('\n')}`);
    console.log(
      `fuzz (seed ${SEED}, ${N} per kind, ${((performance.now() - t0) / 1000).toFixed(1)} s):\n${table(rows)}${examples.length ? `\n${examples.join('\n')}` : ''}`,
    );
    for (const [name, t] of rows) {
      expect(t.counts['stack trace'], examples.join('\n')).toBe(0);
      expect(t.counts.hang, examples.join('\n')).toBe(0);
      expect(t.noPlace, `${name}: named errors without a place`).toEqual([]);
      expect(t.counts['NaN-success'], examples.join('\n')).toBe(0);
    }
    // each kind produced both outcomes somewhere, or at least named errors: the mutants are not all no-ops
    for (const [name, t] of rows) expect(t.counts['named error'], name).toBeGreaterThan(0);
  }, 120_000);
});
