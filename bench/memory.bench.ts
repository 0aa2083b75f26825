/**
 * Memory over many episodes in one process: 1,000 short episodes (0.1 s of the shared dance policy on the G1,
 * nominal scenario, batches of 4 envs through the core's runBatch, as a worker runs them) per engine; every 100
 * episodes (a tenth of the run) prints the WebAssembly memories (Rapier, MuJoCo, onnxruntime-web; bench/wasm-memory.ts) and the JS heap
 * after a full GC. Flat = no growth after the first few hundred episodes (a WebAssembly memory never shrinks, so a
 * leak shows as steps up). Episodes: MEMORY_EPISODES (default 1000), engines: MEMORY_ENGINES (default rapier,mujoco). Run alone: npm run bench -- memory
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { wasmMemoryMiB } from './wasm-memory';
import { readClip, readPolicy, readRobot } from '../src/cli/eval-args';
import { runBatch, type BatchJob } from '../src/core/evaluation/episode';
import { nominalScenario } from '../src/core/evaluation/scenario';
import type { EngineKind } from '../src/core/evaluation/types';

const A = '../shared/assets';
const P = `${A}/policies/g1-dance-102`;
const ENVS = 4;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function run(): Promise<void> {
  const total = Number(process.env.MEMORY_EPISODES ?? 1000),
    every = Math.max(ENVS, Math.round(total / 10 / ENVS) * ENVS);
  const engines = (process.env.MEMORY_ENGINES ?? 'rapier,mujoco').split(',') as EngineKind[];
  const robot = readRobot(`${A}/g1/g1_29dof_rev_1_0.xml`),
    policy = readPolicy(`${P}/policy.onnx`),
    clip = readClip(`${P}/G1_Take_102.bvh_60hz.csv`);
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  for (const engine of engines) {
    const rows: Record<string, string | number>[] = [];
    const t0 = performance.now();
    for (let done = 0; done < total; done += ENVS) {
      const episodes = Array.from({ length: Math.min(ENVS, total - done) }, (_, k) => done + k);
      const job: BatchJob = {
        robot,
        variant: { label: engine, engine, policy },
        clip,
        scenario: nominalScenario(0),
        episodes,
        seconds: 0.1,
      };
      await runBatch(job);
      const after = done + episodes.length;
      if (after % every === 0 || after === total) {
        gc();
        const w = wasmMemoryMiB();
        const row: Record<string, string | number> = { episodes: after };
        for (const [k, v] of Object.entries(w)) row[`${k} MiB`] = v.toFixed(1);
        row['JS heap MiB'] = mib(process.memoryUsage().heapUsed);
        row['external MiB'] = mib(process.memoryUsage().external);
        row['rss MiB'] = mib(process.memoryUsage().rss);
        row['s'] = ((performance.now() - t0) / 1000).toFixed(0);
        rows.push(row);
      }
    }
    console.log(`\nMemory over ${total} episodes × 0.1 s, ${engine}, batches of ${ENVS} envs (load average ${loadavg()[0].toFixed(1)})`);
    console.table(rows);
  }
}

if (process.argv[1]?.endsWith('memory.bench.ts')) await run();
