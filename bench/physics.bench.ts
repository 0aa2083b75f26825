// Humanoid-steps per second (one G1 advanced by one physics dt = 5 ms), Rapier vs MuJoCo-WASM on the same
// RobotModel (MuJoCo through the generated MJCF: same bodies, contacts = foot spheres vs ground), N = 1, 16, 64,
// standing in the default pose under PD. Both engines are built and warmed up first, then timed in 5 interleaved
// repeats (rapier, mujoco, rapier, ...); the best repeat of each is reported (least disturbed by other processes on a
// shared machine), the median next to it.
import { cpus } from 'node:os';
import { createEngine, type PhysicsEngine } from '../src/core/physics/index';
import { g1Gains, g1Source, loadG1, standingGains, standingHeight, stepTarget } from '../tests/unit/physics-fixture';
import { loadAverages } from './load';

const model = loadG1();
const g = g1Gains(model);
const { kp, kd } = standingGains(model, g);

/** A standing batch of n, warmed up; returns a timer: humanoid-steps per second over `steps` steps. */
async function standing(kind: 'rapier' | 'mujoco', n: number, source = false): Promise<{ time: () => number; free: () => void }> {
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
  return {
    time: () => {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) e.step();
      return (n * steps) / ((performance.now() - t0) / 1000);
    },
    free: () => e.free(),
  };
}

const best = (r: number[]) => Math.max(...r);
const median = (r: number[]) => [...r].sort((a, b) => a - b)[Math.floor(r.length / 2)];

export async function run(): Promise<void> {
  console.log(`physics: ${cpus().length} cores, load average ${loadAverages()} (single-threaded WASM, one core used)`);
  const rows = [];
  for (const n of [1, 16, 64]) {
    const r = await standing('rapier', n),
      m = await standing('mujoco', n);
    const rapier: number[] = [],
      mujoco: number[] = [];
    for (let k = 0; k < 5; k++) {
      rapier.push(r.time());
      mujoco.push(m.time());
    }
    r.free();
    m.free();
    rows.push({
      humanoids: n,
      'rapier steps/s': Math.round(best(rapier)),
      'mujoco steps/s': Math.round(best(mujoco)),
      'mujoco/rapier': +(best(mujoco) / best(rapier)).toFixed(2),
      'rapier ms/step (batch)': +((1000 * n) / best(rapier)).toFixed(2),
      'mujoco ms/step (batch)': +((1000 * n) / best(mujoco)).toFixed(2),
      'median ratio': +(median(mujoco) / median(rapier)).toFixed(2),
    });
  }
  console.table(rows);
  console.log(`load average after the table: ${loadAverages()}`);
  await solverTable();
  const file = await standing('mujoco', 1, true);
  const rates = [file.time(), file.time(), file.time()];
  file.free();
  console.log(`MuJoCo on the G1 file as is (mesh self-collisions on): ${Math.round(best(rates))} humanoid-steps/s at N = 1`);
}

/**
 * PD step of every joint (one env per joint, root fixed, 1 s): worst |q_rapier - q_mujoco| per solver setting (at the
 * default link inertia floor; the dance-accuracy table per setting is `bench -- rapier-settings`).
 */
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
  for (const [it, pgs] of [
    [4, 1],
    [8, 1],
    [2, 8],
    [3, 6],
    [3, 7],
    [4, 4],
    [8, 4],
    [8, 8],
    [16, 4],
  ]) {
    let worst = 0,
      worstFree = 0,
      worstJoint = '',
      exploded = '';
    let ms = NaN;
    try {
      const r = await stepResponse('rapier', it, pgs);
      ms = r.ms;
      model.joints.forEach((j, k) => {
        const d = Math.abs(r.q[k] - ref.q[k]);
        if (d > worst) {
          worst = d;
          worstJoint = j.name;
        }
        const [lo, hi] = j.range!;
        if (ref.q[k] < hi - 0.01 && ref.q[k] > lo + 0.01) worstFree = Math.max(worstFree, d);
      });
    } catch (err) {
      exploded = String((err as Error).message).slice(0, 60);
    }
    rows.push({
      'solver × PGS': `${it} × ${pgs}`,
      'worst |Δq| (rad)': exploded || +worst.toFixed(4),
      'worst joint': worstJoint,
      'worst off-limit |Δq|': exploded || +worstFree.toFixed(4),
      'ms per humanoid-step': +ms.toFixed(3),
    });
  }
  console.log('Rapier solver settings vs MuJoCo (29 single-joint PD steps, fixed root, 1 s):');
  console.table(rows);
}
