/**
 * Exports with each family's exact interface (input/output names and shapes, metadata), built with the
 * test ONNX encoder: a small linear "policy" (actions = obs · W, W small) plus whatever else the family's
 * graph carries (embedded reference, recurrent state).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import { configFromDeployYaml, isaacJointOrder } from '../../src/core/policy/config';
import { DANCE, fBytes, fString, fVarint, loadG1, msg, node, onnxModel, tensor, valueInfo } from './policy-fixture';

export const g1 = loadG1();
export const descNames = g1.joints.map((j) => j.name);
const yamlText = readFileSync(`${DANCE}/deploy.yaml`, 'utf8');
/** the dance policy's deploy.yaml, read: gains etc. in Isaac order */
export const danceCfg = configFromDeployYaml(yamlText, 'deploy.yaml', descNames);
const byName = (k: 'stiffness' | 'damping' | 'defaultJointPos' | 'actionScale', names: string[]) =>
  names.map((n) => danceCfg[k][danceCfg.jointNames.indexOf(n)]);

/** BeyondMimic metadata_props for the G1 in IsaacLab joint order (the dance export's gains and default pose). */
export function beyondMimicMeta(): Record<string, string> {
  const order = isaacJointOrder(g1);
  const by = (k: 'stiffness' | 'damping' | 'defaultJointPos' | 'actionScale') => byName(k, order).join(',');
  return {
    joint_names: order.join(','),
    joint_stiffness: by('stiffness'),
    joint_damping: by('damping'),
    default_joint_pos: by('defaultJointPos'),
    action_scale: by('actionScale'),
    command_names: 'motion',
    anchor_body_name: 'torso_link',
    body_names: 'pelvis,torso_link',
    observation_names: 'command,motion_anchor_ori_b,base_ang_vel,joint_pos,joint_vel,actions',
  };
}

/** W [nObs × nAct]: small deterministic weights (actions stay within ±0.05). */
export const weights = (nObs: number, nAct: number): Float32Array =>
  Float32Array.from({ length: nObs * nAct }, (_, k) => 0.0005 * Math.sin(k * 1.7));

const csv = (a: number[], d?: number) => a.map((x) => (d === undefined ? String(x) : x.toFixed(d))).join(',');

/** BeyondMimic (Isaac order) or mjlab (description order, 3 decimals, scalar action scale) tracking export. */
export function trackingExport(kind: 'beyondmimic' | 'mjlab', nObs: 154 | 160): Uint8Array {
  const order = kind === 'beyondmimic' ? isaacJointOrder(g1) : descNames;
  const d = kind === 'mjlab' ? 3 : undefined;
  const obsNames =
    nObs === 160
      ? 'command,motion_anchor_pos_b,motion_anchor_ori_b,base_lin_vel,base_ang_vel,joint_pos,joint_vel,actions'
      : 'command,motion_anchor_ori_b,base_ang_vel,joint_pos,joint_vel,actions';
  const metadata: Record<string, string> = {
    run_path: 'test/run',
    joint_names: order.join(','),
    joint_stiffness: csv(byName('stiffness', order), d),
    joint_damping: csv(byName('damping', order), d),
    default_joint_pos: csv(byName('defaultJointPos', order), d),
    action_scale: kind === 'mjlab' ? '0.25' : csv(byName('actionScale', order)),
    command_names: 'motion',
    observation_names: obsNames,
    anchor_body_name: 'torso_link',
    body_names: 'pelvis,torso_link',
  };
  return embeddedGraph(nObs, 'obs', 'actions', metadata, [
    ['body_pos_w', [1, 2, 3], [0, 0, 0.79, 0, 0, 1.05]],
    ['body_quat_w', [1, 2, 4], [1, 0, 0, 0, 1, 0, 0, 0]],
  ]);
}

/** obs + time_step → actions, joint_pos / joint_vel (a slow sway selected by time_step), extra constant outputs. */
function embeddedGraph(
  nObs: number,
  obs: string,
  act: string,
  metadata: Record<string, string>,
  consts: [string, number[], number[]][],
  nAct = 29,
): Uint8Array {
  const amp = Float32Array.from({ length: nAct }, (_, i) => 0.002 * ((i % 5) - 2));
  return onnxModel({
    nodes: [
      node('MatMul', [obs, 'W'], [act]),
      node('Mul', ['time_step', 'A'], ['joint_pos']),
      node('Mul', ['time_step', 'Z'], ['joint_vel']),
      ...consts.map(([name]) => node('Identity', [`${name}_c`], [name])),
    ],
    initializers: [
      tensor('W', [nObs, nAct], weights(nObs, nAct)),
      tensor('A', [1, nAct], amp),
      tensor('Z', [1, nAct], new Float32Array(nAct)),
      ...consts.map(([name, dims, v]) => tensor(`${name}_c`, dims, v)),
    ],
    inputs: [valueInfo(obs, [1, nObs]), valueInfo('time_step', [1, 1])],
    outputs: [
      valueInfo(act, [1, nAct]),
      valueInfo('joint_pos', [1, nAct]),
      valueInfo('joint_vel', [1, nAct]),
      ...consts.map(([name, dims]) => valueInfo(name, dims)),
    ],
    metadata,
  });
}

/** holosoma metadata for the G1 (JSON values), as its exporter writes them. */
export function holosomaMeta(extra: Record<string, string> = {}): Record<string, string> {
  const g1Order = descNames; // holosoma's G1 dof_names are the description order
  return {
    dof_names: JSON.stringify(g1Order),
    kp: JSON.stringify(byName('stiffness', g1Order)),
    kd: JSON.stringify(byName('damping', g1Order)),
    command_ranges: JSON.stringify({ lin_vel_x: [-1, 1], lin_vel_y: [-1, 1], ang_vel_yaw: [-1, 1], heading: [-3.14, 3.14] }),
    ...extra,
  };
}

/** holosoma locomotion: actor_obs [1,100] → action [1,29]. */
export function holosomaLoco(meta = holosomaMeta()): Uint8Array {
  return onnxModel({
    nodes: [node('MatMul', ['actor_obs', 'W'], ['action'])],
    initializers: [tensor('W', [100, 29], weights(100, 29))],
    inputs: [valueInfo('actor_obs', [1, 100])],
    outputs: [valueInfo('action', [1, 29])],
    metadata: meta,
  });
}

/** holosoma whole-body tracking: obs [1,154] + time_step → actions, joint_pos, joint_vel, ref_pos_xyz, ref_quat_xyzw. */
export function holosomaWbt(meta = holosomaMeta({ robot_urdf: JSON.stringify('<robot name="g1"/>') })): Uint8Array {
  return embeddedGraph(154, 'obs', 'actions', meta, [
    ['ref_pos_xyz', [1, 3], [0, 0, 1.05]],
    ['ref_quat_xyzw', [1, 4], [0, 0, Math.sin(0.1), Math.cos(0.1)]],
  ]);
}

/** HumanoidVerse / ASAP: actor_obs [1,380] → action [1,23], no metadata. */
export function humanoidverseExport(): Uint8Array {
  return onnxModel({
    nodes: [node('MatMul', ['actor_obs', 'W'], ['action'])],
    initializers: [tensor('W', [380, 23], weights(380, 23))],
    inputs: [valueInfo('actor_obs', [1, 380])],
    outputs: [valueInfo('action', [1, 23])],
  });
}

/** obs [batch, nObs] + (h_in [1, batch, 8]) → actions; h_out = h_in + 1 (an LSTM/GRU-shaped state). */
export function recurrentExport(nObs: number, names: [string, string] = ['h_in', 'h_out']): Uint8Array {
  return onnxModel({
    nodes: [node('MatMul', ['obs', 'W'], ['actions']), node('Add', [names[0], 'One'], [names[1]])],
    initializers: [tensor('W', [nObs, 29], weights(nObs, 29)), tensor('One', [1], [1])],
    inputs: [valueInfo('obs', ['batch', nObs]), valueInfo(names[0], [1, 'batch', 8])],
    outputs: [valueInfo('actions', ['batch', 29]), valueInfo(names[1], [1, 'batch', 8])],
  });
}

/** A unitree_rl_mjlab deploy.yaml: identity joint_ids_map, gains rounded to 3 decimals. */
export function mjlabDeployYaml(): string {
  const y = parseYaml(yamlText) as Record<string, unknown>;
  const r3 = (a: number[]) => a.map((x) => +x.toFixed(3));
  y.joint_ids_map = descNames.map((_, i) => i);
  y.stiffness = r3(byName('stiffness', descNames));
  y.damping = r3(byName('damping', descNames));
  y.default_joint_pos = r3(byName('defaultJointPos', descNames));
  const acts = y.actions as Record<string, Record<string, unknown>>;
  acts.JointPositionAction = {
    ...acts.JointPositionAction,
    scale: r3(byName('actionScale', descNames)),
    offset: r3(byName('defaultJointPos', descNames)),
  };
  return stringify(y);
}

/** actions = obs · W with W stored in an external file (TensorProto data_location EXTERNAL, opset 18). */
export function externalDataExport(nObs: number, location: string): { model: Uint8Array; data: Uint8Array } {
  const w = weights(nObs, 29);
  const data = new Uint8Array(w.buffer.slice(0));
  const entry = (k: string, v: string) => fBytes(13, msg(fString(1, k), fString(2, v)));
  const ext = msg(
    fVarint(1, nObs),
    fVarint(1, 29),
    fVarint(2, 1),
    fString(8, 'W'),
    entry('location', location),
    entry('offset', '0'),
    entry('length', String(data.length)),
    fVarint(14, 1),
  );
  const model = onnxModel({
    nodes: [node('MatMul', ['obs', 'W'], ['actions'])],
    initializers: [ext],
    inputs: [valueInfo('obs', [1, nObs])],
    outputs: [valueInfo('actions', [1, 29])],
    opset: 18,
  });
  return { model, data };
}
