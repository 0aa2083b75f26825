// Control-step cost of the SMPL characters (public/robots/smpl24-{hinge,ball}.xml): a CMU clip retargeted to each,
// tracked by the built-in controller (assist 1) in both engines at dt 5 ms, decimation 4 (50 Hz control). Reports the
// loop's ms per control step (physics ×4 + controller + observations), the ms per physics step within it, and the
// tracking (joint RMSE, MPJPE, survived) per setting. One untimed episode per engine first: the first run in a
// process pays WebAssembly compilation and JIT warm-up (it made the first timed row, hinge Rapier, read 32.8 ms).
import { cpus } from 'node:os';
import { createEngine } from '../src/core/physics/index';
import type { PhysicsOptions } from '../src/core/physics/types';
import { loadSmpl, SMPL_BVH as BVH, smplClip, trackBuiltIn } from '../tests/unit/character-fixture';
import { loadAverages } from './load';

async function measure(
  variant: 'hinge' | 'ball',
  kind: 'rapier' | 'mujoco',
  extra: Partial<PhysicsOptions> = {},
): Promise<Record<string, number | string>> {
  const model = loadSmpl(variant);
  const clip = smplClip(model).clip;
  const raw = await createEngine(kind, model, { dt: 0.005, groundContact: 'all', selfCollision: false, ...extra });
  // time the physics steps inside the loop: the engine's step wrapped by a stopwatch
  const step = raw.step.bind(raw);
  let physicsMs = 0,
    physicsCpuMs = 0,
    physicsSteps = 0;
  raw.step = () => {
    const t = performance.now(),
      c = process.cpuUsage();
    step();
    const u = process.cpuUsage(c);
    physicsMs += performance.now() - t;
    physicsCpuMs += (u.user + u.system) / 1000;
    physicsSteps++;
  };
  const { outcome: o, metrics: res } = await trackBuiltIn(model, raw, clip);
  raw.free();
  const physics = physicsMs / Math.max(1, physicsSteps);
  return {
    character: `smpl24-${variant}`,
    engine: kind,
    setting: Object.keys(extra).length ? JSON.stringify(extra) : 'default',
    'joint rmse rad': +(res.joint_pos_rmse_rad ?? NaN).toFixed(3),
    'mpjpe m': +(res.mpjpe_m ?? NaN).toFixed(3),
    'survived s': `${o.survived[0].toFixed(2)} / ${o.evalSeconds.toFixed(2)}`,
    'ms / control step': +o.msPerControlStep.toFixed(2),
    'ms / physics step': +physics.toFixed(3),
    // CPU time of this process (less sensitive to other processes on a loaded machine than wall time)
    'cpu ms / physics step': +(physicsCpuMs / Math.max(1, physicsSteps)).toFixed(3),
  };
}

export async function run(): Promise<void> {
  console.log(`character: ${cpus().length} cores, load average ${loadAverages()}; ${BVH}, dt 5 ms, decimation 4, built-in controller`);
  for (const kind of ['mujoco', 'rapier'] as const) await measure('hinge', kind); // warm-up, not reported
  const rows = [];
  for (const variant of ['hinge', 'ball'] as const)
    for (const kind of ['mujoco', 'rapier'] as const) rows.push(await measure(variant, kind));
  for (const solverIterations of [2, 1]) rows.push(await measure('hinge', 'rapier', { solverIterations }));
  // tracking gap to MuJoCo (MPJPE): Rapier's solver iterations close most of it
  for (const solverIterations of [6, 12]) rows.push(await measure('ball', 'rapier', { solverIterations }));
  console.table(rows);
  console.log(`load average after the table: ${loadAverages()}`);
}
