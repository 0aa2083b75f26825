// Humanoid-steps per second (one G1 advanced by one physics dt = 5 ms), Rapier vs MuJoCo-WASM on the same
// RobotModel (MuJoCo through the generated MJCF: same bodies, contacts = foot spheres vs ground), N = 1, 16, 64,
// standing in the default pose under PD. Warm-up first; median of 5 timed repeats.
import { cpus, loadavg } from 'node:os';
import { createEngine, type PhysicsEngine } from '../src/core/physics/index';
import { g1Gains, g1Source, loadG1, standingGains, standingHeight, stepTarget } from '../tests/unit/physics-fixture';

const model = loadG1();
const g = g1Gains(model);
const { kp, kd } = standingGains(model, g);

async function measure(kind: 'rapier' | 'mujoco', n: number, source = false): Promise<number> {
  const e: PhysicsEngine = await createEngine(kind, model, { n, armature: g.armature }, source ? g1Source() : undefined);
  e.setGains(kp, kd);
  const targets: number[] = [];
  for (let k = 0; k < n; k++) {
    e.reset(k, { rootPos: [0, 0, standingHeight(model, g.defaultPos)], rootQuat: [1, 0, 0, 0], jointPos: g.defaultPos });
    targets.push(...g.defaultPos);
  }
  e.setTargets(targets);
  const steps = Math.max(8, Math.round(1200 / n));
  for (let i = 0; i < steps; i++) e.step(); // warm-up (WASM tiers up during the first second)
  const rates: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) e.step();
    rates.push((n * steps) / ((performance.now() - t0) / 1000));
  }
  e.free();
  rates.sort((a, b) => a - b);
  return rates[2];
}

export async function run(): Promise<void> {
  console.log(`physics: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (single-threaded WASM, one core used)`);
  const rows = [];
  for (const n of [1, 16, 64]) {
    const rapier = await measure('rapier', n);
    const mujoco = await measure('mujoco', n);
    rows.push({
      humanoids: n,
      'rapier steps/s': Math.round(rapier),
      'mujoco steps/s': Math.round(mujoco),
      'mujoco/rapier': +(mujoco / rapier).toFixed(2),
      'rapier ms/step (batch)': +((1000 * n) / rapier).toFixed(2),
      'mujoco ms/step (batch)': +((1000 * n) / mujoco).toFixed(2),
    });
  }
  console.table(rows);
  await solverTable();
  const file = await measure('mujoco', 1, true);
  console.log(`MuJoCo on the G1 file as is (mesh self-collisions on): ${Math.round(file)} humanoid-steps/s at N = 1`);
}

/** PD step of every joint (one env per joint, root fixed, 1 s): worst |q_rapier - q_mujoco| per solver setting. */
async function stepResponse(kind: 'rapier' | 'mujoco', solverIterations = 8, pgsIterations = 4): Promise<{ q: number[]; ms: number }> {
  const nj = model.joints.length;
  const e = await createEngine(kind, model, { n: nj, fixedRoot: true, armature: g.armature, solverIterations, pgsIterations });
  e.setGains(g.kp, g.kd);
  const targets: number[] = [];
  for (let k = 0; k < nj; k++) {
    e.reset(k, { rootPos: model.bodies[0].pos, rootQuat: model.bodies[0].quat, jointPos: g.defaultPos });
    targets.push(...g.defaultPos.map((q, j) => (j !== k ? q : stepTarget(model, g, k))));
  }
  e.setTargets(targets);
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) e.step();
  const ms = (performance.now() - t0) / 200 / nj;
  const q = model.joints.map((_, k) => e.state.jointPos[k * nj + k]);
  e.free();
  return { q, ms };
}

async function solverTable(): Promise<void> {
  const ref = await stepResponse('mujoco');
  const rows = [];
  for (const [it, pgs] of [[4, 1], [8, 1], [4, 4], [8, 4], [8, 8], [16, 4]]) {
    let worst = 0, worstFree = 0, worstJoint = '', exploded = '';
    let ms = NaN;
    try {
      const r = await stepResponse('rapier', it, pgs);
      ms = r.ms;
      model.joints.forEach((j, k) => {
        const d = Math.abs(r.q[k] - ref.q[k]);
        if (d > worst) { worst = d; worstJoint = j.name; }
        const [lo, hi] = j.range!;
        if (ref.q[k] < hi - 0.01 && ref.q[k] > lo + 0.01) worstFree = Math.max(worstFree, d);
      });
    } catch (err) {
      exploded = String((err as Error).message).slice(0, 60);
    }
    rows.push({ 'solver × PGS': `${it} × ${pgs}`, 'worst |Δq| (rad)': exploded || +worst.toFixed(4), 'worst joint': worstJoint, 'worst off-limit |Δq|': exploded || +worstFree.toFixed(4), 'ms per humanoid-step': +ms.toFixed(3) });
  }
  console.log('Rapier solver settings vs MuJoCo (29 single-joint PD steps, fixed root, 1 s):');
  console.table(rows);
}
