// A raw MuJoCo rollout for comparing two compiled models of one robot (mujoco-prune, mujoco-hulls tests).
import type { MainModule, MjData, MjModel } from 'mujoco-js';

/** Motor u's control at step k (qpos / qvel: the data's views before the step). */
export type Control = (k: number, u: number, qpos: Float64Array, qvel: Float64Array) => number;

/** qpos, qvel and the contact count after every step under `control` on every motor. */
export function trajectory(mj: MainModule, m: MjModel, steps: number, control: Control): number[][] {
  const d: MjData = new mj.MjData(m);
  const out: number[][] = [];
  const ctrl = d.ctrl as Float64Array;
  for (let k = 0; k < steps; k++) {
    const qpos = d.qpos as Float64Array,
      qvel = d.qvel as Float64Array;
    for (let u = 0; u < m.nu; u++) ctrl[u] = control(k, u, qpos, qvel);
    mj.mj_step(m, d);
    out.push([...(d.qpos as Float64Array), ...(d.qvel as Float64Array), d.ncon]);
  }
  d.delete();
  return out;
}
