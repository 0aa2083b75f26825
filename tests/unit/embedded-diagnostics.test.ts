// Reference diagnostics of an EMBEDDED reference (after the length probe, via the per-step arrays): NaN frames are
// a named warning with their frame numbers; an isolated broken last frame is dropped (the episode ends before it)
// unless repair is false.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFromDeployYaml, isaacJointOrder } from '../../src/core/policy/config';
import { runEpisode } from '../../src/core/policy/episode';
import { DANCE, loadG1, node, onnxModel, tensor, valueInfo } from './policy-fixture';

const g1 = loadG1();
const yaml = configFromDeployYaml(
  readFileSync(`${DANCE}/deploy.yaml`, 'utf8'),
  'deploy.yaml',
  g1.joints.map((j) => j.name),
);
const order = isaacJointOrder(g1);
const metadata = {
  joint_names: order.join(','),
  joint_stiffness: yaml.stiffness.join(','),
  joint_damping: yaml.damping.join(','),
  default_joint_pos: yaml.defaultJointPos.join(','),
  action_scale: yaml.actionScale.join(','),
  observation_names: 'command,motion_anchor_ori_b,base_ang_vel,joint_pos,joint_vel,actions',
  anchor_body_name: 'torso_link',
  body_names: 'pelvis,torso_link',
};

/** a clamping export of `frames` near-standing frames whose joint 0 is NaN in the frames of `nan` */
function exportWithNaN(frames: number, nan: number[]): Uint8Array {
  const table = new Float32Array(frames * 29);
  for (let f = 0; f < frames; f++) table[f * 29 + 1] = 0.01 * f; // distinct frames (the length probe compares them)
  for (const f of nan) table[f * 29] = NaN;
  return onnxModel({
    nodes: [
      node('MatMul', ['obs', 'Wz'], ['actions']),
      node('Min', ['time_step', 'Last'], ['tc']),
      node('Cast', ['tc'], ['idx'], { to: 7 }),
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
      tensor('P', [1, 2, 3], [0, 0, 0.793, 0, 0, 1.0]),
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

describe('embedded reference diagnostics', () => {
  const bytes = exportWithNaN(10, [4, 9]);

  it('NaN frames are named with their frames; the broken last frame is dropped and the episode ends before it', async () => {
    const r = await runEpisode({ model: g1, engine: 'mujoco', policy: { bytes, file: 'nan.onnx' }, stopOnTermination: false });
    const codes = r.reference_warnings.map((w) => w.code);
    expect(codes).toContain('non_finite');
    expect(r.reference_warnings.find((w) => w.code === 'non_finite')!.frames).toEqual([4]);
    const drop = r.reference_warnings.find((w) => w.code === 'dropped_frame')!;
    expect(drop.frames).toEqual([9]);
    expect(drop.message).toMatch(/frame 9 \(last\) is broken \(non_finite\)/);
    expect(r.control_steps).toBe(8); // frames 0..8
  });

  it('repair: false keeps the frame (both NaN frames reported, the episode runs to frame 9)', async () => {
    const r = await runEpisode({
      model: g1,
      engine: 'mujoco',
      policy: { bytes, file: 'nan.onnx' },
      stopOnTermination: false,
      repair: false,
    });
    expect(r.reference_warnings.find((w) => w.code === 'non_finite')!.frames).toEqual([4, 9]);
    expect(r.reference_warnings.map((w) => w.code)).not.toContain('dropped_frame');
    expect(r.control_steps).toBe(9);
  });
});
