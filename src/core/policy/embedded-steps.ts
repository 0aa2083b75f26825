/**
 * A policy's embedded reference as per-step arrays (robot joint order, root pose of body 0), for the reference
 * diagnostics: the policy is run at every time step 0..last (zero observations, chunks of envs) and each step's
 * outputs are mapped onto the robot as the controller maps them (EmbeddedReference). Recurrent state is zeroed after.
 */
import type { RobotModel } from '../model/types';
import type { ReferenceSteps } from '../motion/lowest-point';
import { createBatchState } from '../physics/types';
import type { PolicyConfig } from './config';
import { EmbeddedReference } from './refio';
import type { PolicySession } from './session';

const CHUNK = 64;

export async function embeddedSteps(
  session: PolicySession,
  cfg: PolicyConfig,
  model: RobotModel,
  obsSize: number,
  last: number,
  dt: number,
  file: string,
): Promise<ReferenceSteps> {
  const n = last + 1,
    nj = model.joints.length;
  const policyJoints = Int32Array.from(cfg.jointNames, (j) => model.jointIndex.get(j)!);
  const emb = new EmbeddedReference(model, policyJoints, cfg.bodyNames, file);
  const rootPos = new Float64Array(n * 3),
    rootQuat = new Float64Array(n * 4),
    jointPos = new Float64Array(n * nj);
  const driven = new Set(cfg.jointNames);
  for (let a = 0; a < n; a += CHUNK) {
    const rows = Math.min(CHUNK, n - a);
    const ts = Float32Array.from({ length: rows }, (_, r) => a + r);
    const out = (await session.run(new Float32Array(rows * obsSize), rows, ts)).reference ?? {};
    const ref = createBatchState(rows, nj, model.bodies.length);
    for (let r = 0; r < rows; r++) {
      // joints the policy does not drive stay at the model's zero (and are not checked)
      emb.write(out, rows, ref, r);
      if (!out.body_quat_w) {
        // no root pose in the outputs: the model's own root pose (the floor checks are then approximate)
        ref.rootPos.set(model.bodies[0].pos, r * 3);
        ref.rootQuat.set([1, 0, 0, 0], r * 4);
      }
      rootPos.set(ref.rootPos.subarray(r * 3, r * 3 + 3), (a + r) * 3);
      rootQuat.set(ref.rootQuat.subarray(r * 4, r * 4 + 4), (a + r) * 4);
      jointPos.set(ref.jointPos.subarray(r * nj, (r + 1) * nj), (a + r) * nj);
    }
  }
  session.resetRecurrent();
  return { nSteps: n, dt, rootPos, rootQuat, jointPos, missingJoints: model.joints.map((j) => j.name).filter((j) => !driven.has(j)) };
}
