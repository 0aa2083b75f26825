/**
 * Test helpers: a small protobuf ENCODER for ONNX ModelProto (on src's varint writer, not the decoder under test), to
 * build tiny real models that onnxruntime-web runs, plus loading of the shared G1 assets.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { concatBytes } from '../../src/core/bytes';
import { MimicError } from '../../src/core/errors';
import type { BatchJob } from '../../src/core/evaluation/episode';
import { qYaw } from '../../src/core/math';
import type { RobotModel } from '../../src/core/model/types';
import { parseMotionCsv } from '../../src/core/motion/csv';
import type { MotionClip } from '../../src/core/motion/types';
import type { BatchState } from '../../src/core/physics/types';
import { configFromDeployYaml, isaacJointOrder, resolvePolicyConfig, type PolicyConfig } from '../../src/core/policy/config';
import type { PolicyController } from '../../src/core/policy/controller';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { encVarint, lenField, WIRE_VARINT } from '../../src/core/policy/protobuf';
import { loadG1 as loadG1Model } from './physics-fixture';

export const ASSETS = '../shared/assets';
export const DANCE = `${ASSETS}/policies/g1-dance-102`;
export const G1_XML = `${ASSETS}/g1/g1_29dof_rev_1_0.xml`;

/** A profile shipped in policies/ (name without .json), as parsed JSON. */
export const shippedProfile = (name: string): unknown => JSON.parse(readFileSync(`policies/${name}.json`, 'utf8'));

let g1: RobotModel | undefined;
/** The G1 (physics-fixture.ts loadG1), loaded once per test file. */
export function loadG1(): RobotModel {
  g1 ??= loadG1Model();
  return g1;
}

/** The g1-dance-102 clip (CSV), its columns named by the robot's joints. */
export function danceClip(robot: RobotModel): MotionClip {
  const file = 'G1_Take_102.bvh_60hz.csv';
  return parseMotionCsv(
    readFileSync(`${DANCE}/${file}`, 'utf8'),
    file,
    robot.joints.map((j) => j.name),
  );
}

let meshes: Record<string, Uint8Array> | undefined;
/** The G1's mesh files by their path relative to its MJCF (`meshes/...`), read once. */
export function g1Meshes(): Record<string, Uint8Array> {
  if (meshes) return meshes;
  meshes = {};
  for (const f of readdirSync(`${ASSETS}/g1/meshes`)) meshes[`meshes/${f}`] = readFileSync(`${ASSETS}/g1/meshes/${f}`);
  return meshes;
}

/** The robot, variant and clip of an evaluation batch job: the g1-dance-102 export dancing on the G1 in Rapier. */
export function danceBatch(): Pick<BatchJob, 'robot' | 'variant' | 'clip'> {
  return {
    robot: { file: 'g1_29dof_rev_1_0.xml', text: readFileSync(G1_XML, 'utf8'), files: g1Meshes() },
    variant: {
      label: 'dance',
      engine: 'rapier',
      policy: { file: 'policy.onnx', bytes: readFileSync(`${DANCE}/policy.onnx`), yaml: readFileSync(`${DANCE}/deploy.yaml`, 'utf8') },
    },
    clip: { file: 'G1_Take_102.bvh_60hz.csv', text: readFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, 'utf8') },
  };
}

/** BeyondMimic-style ONNX metadata for the robot from the g1-dance-102 deploy.yaml (Isaac joint order, gains,
 *  defaults, action scale, the observation names; anchor torso_link, bodies pelvis and torso_link). */
export function danceExportMeta(robot: RobotModel): Record<string, string> {
  const yaml = configFromDeployYaml(
    readFileSync(`${DANCE}/deploy.yaml`, 'utf8'),
    'deploy.yaml',
    robot.joints.map((j) => j.name),
  );
  return {
    joint_names: isaacJointOrder(robot).join(','),
    joint_stiffness: yaml.stiffness.join(','),
    joint_damping: yaml.damping.join(','),
    default_joint_pos: yaml.defaultJointPos.join(','),
    action_scale: yaml.actionScale.join(','),
    observation_names: 'command,motion_anchor_ori_b,base_ang_vel,joint_pos,joint_vel,actions',
    anchor_body_name: 'torso_link',
    body_names: 'pelvis,torso_link',
  };
}

/** The g1-dance-102 export: policy.onnx bytes and its deploy.yaml. */
export function dancePolicy(): { bytes: Uint8Array; file: string; yaml: string; yamlFile: string } {
  return {
    bytes: new Uint8Array(readFileSync(`${DANCE}/policy.onnx`)),
    file: 'policy.onnx',
    yaml: readFileSync(`${DANCE}/deploy.yaml`, 'utf8'),
    yamlFile: 'deploy.yaml',
  };
}

/** The g1-dance-102 export's bytes and its config on `robot`, resolved with its deploy.yaml. */
export function danceConfig(robot: RobotModel): { bytes: Uint8Array; config: PolicyConfig } {
  const { bytes, file, yaml } = dancePolicy();
  return { bytes, config: resolvePolicyConfig({ info: readOnnxInfo(bytes, file), file, robot, yaml }) };
}

/** The controller's reference anchor on the state's anchor (env 0): the same horizontal position and yaw, to 1e-4. */
export function expectAnchorAligned(ctrl: PolicyController, s: BatchState): void {
  const a = ctrl.ctx.anchorBody,
    r = ctrl.ctx.ref;
  expect(r.bodyPos[a * 3]).toBeCloseTo(s.bodyPos[a * 3], 4);
  expect(r.bodyPos[a * 3 + 1]).toBeCloseTo(s.bodyPos[a * 3 + 1], 4);
  expect(qYaw(r.bodyQuat.subarray(a * 4, a * 4 + 4))).toBeCloseTo(qYaw(s.bodyQuat.subarray(a * 4, a * 4 + 4)), 4);
}

// ------------------------------------------------------------------ protobuf writer

type Field = Uint8Array;
const enc = new TextEncoder();

// varints and length-delimited fields come from the writer in src (batch-dim.ts uses it); the DECODER under test
// (fieldsOf, varintAt) is not used here, and onnxruntime-web reads every model this builds.
export const fVarint = (field: number, v: number): Field => Uint8Array.from([...encVarint(field * 8 + WIRE_VARINT), ...encVarint(v)]);
export const fBytes = (field: number, b: Uint8Array): Field => concatBytes(lenField(field, b));
export const fString = (field: number, s: string): Field => fBytes(field, enc.encode(s));
export const msg = (...fields: Field[]): Uint8Array => concatBytes(fields);

/** ValueInfoProto of a float tensor; dims: numbers or symbolic names. */
export function valueInfo(name: string, dims: (number | string)[], elemType = 1): Uint8Array {
  const shape = msg(...dims.map((d) => fBytes(1, typeof d === 'number' ? fVarint(1, d) : fString(2, d))));
  const tensorType = msg(fVarint(1, elemType), fBytes(2, shape));
  return msg(fString(1, name), fBytes(2, fBytes(1, tensorType)));
}

/** TensorProto float32 initializer with raw_data. */
export function tensor(name: string, dims: number[], values: ArrayLike<number>): Uint8Array {
  const raw = new Uint8Array(new Float32Array(Array.from(values)).buffer);
  return msg(...dims.map((d) => fVarint(1, d)), fVarint(2, 1), fString(8, name), fBytes(9, raw));
}

/** NodeProto; attrs: integer attributes (AttributeProto type INT). */
export const node = (op: string, inputs: string[], outputs: string[], attrs: Record<string, number> = {}): Uint8Array =>
  msg(
    ...inputs.map((i) => fString(1, i)),
    ...outputs.map((o) => fString(2, o)),
    fString(3, `${op}_${outputs[0]}`),
    fString(4, op),
    ...Object.entries(attrs).map(([k, v]) => fBytes(5, msg(fString(1, k), fVarint(3, v), fVarint(20, 2)))),
  );

export interface ModelSpec {
  nodes: Uint8Array[];
  initializers?: Uint8Array[];
  inputs: Uint8Array[];
  outputs: Uint8Array[];
  metadata?: Record<string, string>;
  opset?: number;
}

export function onnxModel(s: ModelSpec): Uint8Array {
  const graph = msg(
    ...s.nodes.map((n) => fBytes(1, n)),
    fString(2, 'test_graph'),
    ...(s.initializers ?? []).map((t) => fBytes(5, t)),
    ...s.inputs.map((i) => fBytes(11, i)),
    ...s.outputs.map((o) => fBytes(12, o)),
  );
  return msg(
    fVarint(1, 8),
    fString(2, 'mimic-test'),
    fBytes(7, graph),
    fBytes(8, msg(fString(1, ''), fVarint(2, s.opset ?? 13))),
    ...Object.entries(s.metadata ?? {}).map(([k, v]) => fBytes(14, msg(fString(1, k), fString(2, v)))),
  );
}

/** actions = MatMul(obs, W): a linear policy over obs [batch, nObs] → [batch, nAct]. */
export function linearPolicy(
  nObs: number,
  nAct: number,
  w: ArrayLike<number>,
  batch: number | string = 1,
  metadata?: Record<string, string>,
): Uint8Array {
  return onnxModel({
    nodes: [node('MatMul', ['obs', 'W'], ['actions'])],
    initializers: [tensor('W', [nObs, nAct], w)],
    inputs: [valueInfo('obs', [batch, nObs])],
    outputs: [valueInfo('actions', [batch, nAct])],
    metadata,
  });
}

// ------------------------------------------------------------------ embedded-reference exports

/**
 * A BeyondMimic-style export (obs [1,154], zero actions, the given metadata_props) whose reference is a table of
 * `frames` steps selected by `time_step`: frame f has every joint at 0.01·f, pelvis and torso fixed.
 * `clamp`: time_step is clamped to the last frame (as real exports do); else the Gather fails past it.
 */
export function embeddedExport(
  frames: number,
  clamp: boolean,
  metadata: Record<string, string>,
  opts: { table?: Float32Array; pelvisZ?: number } = {},
): Uint8Array {
  const table = opts.table ?? Float32Array.from({ length: frames * 29 }, (_, k) => 0.01 * Math.floor(k / 29));
  const idx = clamp
    ? [node('Min', ['time_step', 'Last'], ['tclamped']), node('Cast', ['tclamped'], ['idx'], { to: 7 })]
    : [node('Cast', ['time_step'], ['idx'], { to: 7 })];
  return onnxModel({
    nodes: [
      node('MatMul', ['obs', 'Wz'], ['actions']),
      ...idx,
      node('Gather', ['T', 'idx'], ['joint_pos'], { axis: 0 }),
      node('Mul', ['joint_pos', 'Zero'], ['joint_vel']),
      node('Identity', ['P'], ['body_pos_w']),
      node('Identity', ['Q'], ['body_quat_w']),
    ],
    initializers: [
      tensor('Wz', [154, 29], new Float32Array(154 * 29)),
      tensor('T', [frames, 29], table),
      tensor('Zero', [1], [0]),
      tensor('Last', [1], [frames - 1]),
      tensor('P', [1, 2, 3], [0, 0, opts.pelvisZ ?? 0.78, 0, 0, 1.0]),
      tensor('Q', [1, 2, 4], [1, 0, 0, 0, 1, 0, 0, 0]),
    ],
    inputs: [valueInfo('obs', [1, 154]), valueInfo('time_step', [1, 1])],
    outputs: [
      valueInfo('actions', [1, 29]),
      valueInfo('joint_pos', [1, 1, 29]),
      valueInfo('joint_vel', [1, 1, 29]),
      valueInfo('body_pos_w', [1, 2, 3]),
      valueInfo('body_quat_w', [1, 2, 4]),
    ],
    metadata,
  });
}

/** e, checked to be a MimicError (fails the test otherwise). */
function asMimic(e: unknown): MimicError {
  expect(e).toBeInstanceOf(MimicError);
  return e as MimicError;
}

/** The MimicError f throws (fails the test when it throws nothing or something else). */
export function caught(f: () => unknown): MimicError {
  try {
    f();
  } catch (e) {
    return asMimic(e);
  }
  throw new Error('expected a MimicError');
}

/** The MimicError p rejects with (fails the test when it resolves or rejects with something else). */
export async function rejected(p: Promise<unknown>): Promise<MimicError> {
  return p.then(() => {
    throw new Error('expected a MimicError');
  }, asMimic);
}

/** A profile for small test graphs: skill one-hot observation (2 values), description joint order, flat gains. */
export const skillTestProfile = (name: string): Record<string, unknown> => ({
  name,
  jointOrder: 'description',
  gains: { stiffness: 40, damping: 2 },
  observations: [{ term: 'skill' }],
  nSkills: 2,
  actionScale: 1,
  actionOffset: 0,
  armatureFromGains: false,
});
