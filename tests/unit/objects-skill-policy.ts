// A SkillMimic-style test policy: obs = [proprioception, object_pos_b, object_lin_vel_b, object_contact, skill (3)]
// → actions (description joint order) = MatMul(obs, W). Skill k adds its own joint offsets; waist yaw follows
// 0.1 · the ball's forward distance in the anchor frame. Shared by the unit test and the browser page.
import type { RobotModel } from '../../src/core/model/types';
import { node, onnxModel, tensor, valueInfo } from './policy-fixture';

export const SKILL_OBJECT_PROFILE: Record<string, unknown> = {
  name: 'skill-object-test',
  jointOrder: 'description',
  gains: { stiffness: 60, damping: 3 },
  anchorBody: 'pelvis',
  observations: [
    { term: 'projected_gravity' },
    { term: 'joint_pos_rel' },
    { term: 'object_pos_b' },
    { term: 'object_lin_vel_b' },
    { term: 'object_contact' },
    { term: 'skill' },
  ],
  nSkills: 3,
  actionScale: 1,
  actionOffset: 0,
  armatureFromGains: false,
};

export function skillObjectPolicy(model: RobotModel): { bytes: Uint8Array; nObs: number } {
  const nj = model.joints.length,
    nb = model.bodies.length;
  const nObs = 3 + nj + 3 + 3 + nb + 3;
  const W = new Float32Array(nObs * nj);
  const row = (r: number, j: string, v: number) => (W[r * nj + model.jointIndex.get(j)!] = v);
  const objPos = 3 + nj,
    skill = nObs - 3;
  row(objPos, 'waist_yaw_joint', 0.1);
  row(skill + 1, 'right_hip_pitch_joint', -0.5);
  row(skill + 2, 'left_elbow_joint', 0.8);
  const bytes = onnxModel({
    nodes: [node('MatMul', ['obs', 'W'], ['actions'])],
    initializers: [tensor('W', [nObs, nj], W)],
    inputs: [valueInfo('obs', ['batch', nObs])],
    outputs: [valueInfo('actions', ['batch', nj])],
  });
  return { bytes, nObs };
}
