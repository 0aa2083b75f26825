/**
 * Evaluation throughput: a fixed workload (8 episodes × 3 s of the shared dance policy on the G1, Rapier,
 * nominal scenario, batches of 2 envs) on 1 worker thread vs 2; prints the table with the speed-up.
 * Target: ≥ 1.6× with 2 workers on a machine with 2 free cores. The wall-clock ratio is only meaningful when the
 * 'cores used' column is near 1 (one worker) and 2 (two): on a shared machine it measures the free CPU, which is
 * why the CPU-time based estimate is printed too. Measured (round 2): 1.94–2.13× at load ≈ 2, 0.83–1.55× at 5–10.
 * Then the end-to-end figures beside it (bench/eval-e2e.ts: the CLI as a process, cold; E2E=0 skips them).
 * Run alone: node --import tsx bench/eval.bench.ts
 */
import { availableParallelism, loadavg } from 'node:os';
import { readClip, readPolicy, readRobot } from '../src/cli/eval-args';
import { createNodePool } from '../src/cli/pool';
import { runPlan, type EvalPlan, type Executor } from '../src/core/evaluation/plan';
import { nominalScenario } from '../src/core/evaluation/scenario';
import type { EvalResult } from '../src/core/evaluation/types';
import { runEndToEnd } from './eval-e2e';

const A = '../shared/assets';
const REPEATS = 5;

export async function run(): Promise<void> {
  const P = `${A}/policies/g1-dance-102`;
  const base: EvalPlan = {
    robot: readRobot(`${A}/g1/g1_29dof_rev_1_0.xml`),
    variants: [{ label: 'dance · rapier', engine: 'rapier', policy: readPolicy(`${P}/policy.onnx`) }],
    clips: [readClip(`${P}/G1_Take_102.bvh_60hz.csv`)],
    scenarios: [nominalScenario(0)],
    episodes: 8,
    envs: 2,
    seconds: 3,
  };
  const rows: Record<string, string | number>[] = [];
  const times: Record<number, number> = {};
  const load0 = loadavg()[0];
  const pools = { 1: createNodePool(1), 2: createNodePool(2) };
  // per batch: wall time seen by the executor and the control loop's share of it (the rest: engine + ONNX session set-up)
  let jobs: { wall: number; loop: number }[] = [];
  const timed = (ex: Executor[]): Executor[] =>
    ex.map((x) => async (job, onProgress) => {
      const t = performance.now();
      const out = await x(job, onProgress);
      jobs.push({ wall: performance.now() - t, loop: out.msPerControlStep * out.controlSteps });
      return out;
    });
  const best: Record<number, { wall: number; cpu: number; setup: number; r: EvalResult | null }> = {
    1: { wall: Infinity, cpu: 0, setup: 0, r: null },
    2: { wall: Infinity, cpu: 0, setup: 0, r: null },
  };
  try {
    // warm-up: every worker loads its modules, WASM and the policy once
    for (const w of [1, 2] as const) await runPlan({ ...base, episodes: w, envs: 1, seconds: 0.2 }, pools[w].executors);
    // interleaved repeats, best of each (the machine is shared: the fastest run is the least disturbed one)
    for (let k = 0; k < REPEATS; k++) {
      for (const w of [1, 2] as const) {
        const t0 = performance.now();
        const c0 = process.cpuUsage(); // whole process: main thread + worker threads
        jobs = [];
        const r = await runPlan(base, timed(pools[w].executors));
        const wall = (performance.now() - t0) / 1000;
        const c = process.cpuUsage(c0);
        const setup = jobs.reduce((x, j) => x + j.wall - j.loop, 0) / jobs.length;
        if (wall < best[w].wall) best[w] = { wall, cpu: (c.user + c.system) / 1e6, setup, r };
      }
    }
  } finally {
    await pools[1].close();
    await pools[2].close();
  }
  for (const w of [1, 2] as const) {
    const { wall, cpu, setup, r } = best[w];
    times[w] = wall;
    const envSteps = r!.groups[0].episodes.reduce((s, e) => s + e.control_steps, 0);
    rows.push({
      workers: w,
      episodes: 8,
      'seconds each': 3,
      [`wall (s, best of ${REPEATS})`]: wall.toFixed(2),
      'env control steps / s': (envSteps / wall).toFixed(0),
      'cores used (CPU s / wall s)': (cpu / wall).toFixed(2),
      'ms per batch control step': r!.timing.ms_per_control_step.toFixed(2),
      'CPU s': cpu.toFixed(2),
      'set-up per batch (ms)': setup.toFixed(0),
    });
  }
  const ratio = times[1] / times[2];
  // contention-proof view: the same work costs CPU(1) on one worker and CPU(2) on two; with two free cores the
  // wall-clock speed-up would be 2·CPU(1)/CPU(2) (the pool's own overhead is what makes it less than 2)
  const ideal = (2 * best[1].cpu) / best[2].cpu;
  rows.push({
    workers: '2 vs 1',
    [`wall (s, best of ${REPEATS})`]: `${ratio.toFixed(2)}× faster`,
    'CPU s': `${(best[2].cpu / best[1].cpu).toFixed(2)}×`,
  });
  console.log(
    `\nEvaluation batch throughput (G1 + dance policy, Rapier; ${availableParallelism()} cores, load average ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after)`,
  );
  console.table(rows);
  console.log(
    `speed-up with 2 workers: ${ratio.toFixed(2)}× (target ≥ 1.6×${ratio >= 1.6 ? ', met' : ', NOT met on this run'}); ` +
      `from CPU time (what 2 free cores would give): ${ideal.toFixed(2)}×`,
  );
  const cores1 = best[1].cpu / times[1],
    cores2 = best[2].cpu / times[2];
  if (cores2 < 1.6)
    console.log(
      `note: the 2-worker runs got only ${cores2.toFixed(2)} cores (1 worker: ${cores1.toFixed(2)}); other processes share this machine (load average ${load0.toFixed(2)}), so the wall-clock ratio is bounded by the free CPU, not by the pool`,
    );
  if (process.env.E2E !== '0') runEndToEnd();
}

if (process.argv[1]?.endsWith('eval.bench.ts')) await run();
