/**
 * End-to-end evaluation figures, as a user runs them: the CLI as a fresh process (cold: modules, WASM, robot,
 * policy all loaded anew), G1 + dance, seeds/nominal.json, 16 episodes × 10 s (E2E_SECONDS), --envs 4, per engine
 * and 1 / 2 workers. Start-up = the wall time of the same command with one episode of 0.1 s (on Rapier that short a
 * run takes V8's baseline WebAssembly compiler alone, the 16 × 10 s one V8's default tiers: src/cli/wasm-tier.ts); marginal = simulated
 * humanoid-seconds per second of (wall − start-up), per worker ("per core"); per CPU s = simulated seconds per
 * CPU-second of (run − start-up). CPU s = user + system time of the CLI process and its threads (Linux /proc; NaN
 * elsewhere): on a shared machine it moves far less than wall time.
 * MuJoCo's start-up is also timed with an empty collision-hull cache (a robot's first run: its hull points are computed).
 * Then 1 against 2 workers on a longer run (E2E_LONG_EPISODES, default 64 episodes), wall and CPU s: on a shared
 * 2-core machine the wall ratio mostly says how busy the other core was; the CPU s say what the second worker costs.
 * The bound beside it: a run that needs C CPU-seconds takes at least C / cores seconds of wall time, so 2 workers can
 * be at most cores · (1-worker wall) / (2-worker CPU s) times faster than one. A 1-worker run already keeps more than
 * one core busy (V8 compiles its WebAssembly and JavaScript on background threads beside the worker): the cores
 * column says how many.
 * Alone: `node --import tsx bench/eval-e2e.ts` (E2E_SECONDS, E2E_LONG_EPISODES, E2E_ENGINES=mujoco,rapier).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const A = '../shared/assets';
/** the CLI as `npm run eval` starts it (E2E_CLI=tsx: through tsx, as before the launcher) */
const CLI = process.env.E2E_CLI === 'tsx' ? ['--import', 'tsx', 'src/cli/eval.ts'] : ['src/cli/run-eval.mjs'];
const P = `${A}/policies/g1-dance-102`;

/** CPU seconds of this process's waited-for children (cutime + cstime, 100 ticks per second), or NaN. */
function childCpu(): number {
  if (!existsSync('/proc/self/stat')) return NaN;
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/** The runs' collision-hull cache: the bench's own folder, filled by one untimed run first (runEndToEnd). */
let cacheEnv: Record<string, string> = {};

function cliRun(
  engine: string,
  workers: number,
  episodes: number,
  seconds: number,
  env?: Record<string, string>,
): { wall: number; cpu: number } {
  const args = [...CLI, '--robot', `${A}/g1/g1_29dof_rev_1_0.xml`, '--policy', `${P}/policy.onnx`];
  args.push('--motion', `${P}/G1_Take_102.bvh_60hz.csv`, '--scenario', 'seeds/nominal.json', '--engine', engine);
  args.push('--episodes', String(episodes), '--seconds', String(seconds), '--envs', '4', '--workers', String(workers), '--json', '--quiet');
  const t = performance.now(),
    c = childCpu();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...cacheEnv, ...env } });
  return { wall: (performance.now() - t) / 1000, cpu: childCpu() - c };
}

/** Wall and CPU seconds of `episodes` × `seconds` with 1 and then 2 workers. */
function scaling(engine: string, episodes: number, seconds: number): { one: ReturnType<typeof cliRun>; two: ReturnType<typeof cliRun> } {
  return { one: cliRun(engine, 1, episodes, seconds), two: cliRun(engine, 2, episodes, seconds) };
}

export function runEndToEnd(): void {
  const seconds = Number(process.env.E2E_SECONDS ?? 10),
    episodes = 16,
    longEpisodes = Number(process.env.E2E_LONG_EPISODES ?? 64);
  const rows: Record<string, string | number>[] = [];
  const long: Record<string, string | number>[] = [];
  const load0 = loadavg()[0];
  const cacheDir = mkdtempSync(join(tmpdir(), 'mimic-e2e-hulls-'));
  cacheEnv = { MIMIC_CACHE_DIR: cacheDir };
  cliRun('mujoco', 1, 1, 0.1); // untimed: the G1's collision hulls into the bench's cache
  for (const engine of (process.env.E2E_ENGINES ?? 'mujoco,rapier').split(',')) {
    const wall: Record<number, number> = {};
    for (const workers of [1, 2]) {
      const load = loadavg()[0];
      // a robot's first run: MuJoCo's collision-hull points are not on disk yet (src/cli/hull-cache.ts): computed
      const fresh = mkdtempSync(join(tmpdir(), 'mimic-e2e-cache-'));
      const first = engine === 'mujoco' ? cliRun(engine, workers, 1, 0.1, { MIMIC_CACHE_DIR: fresh }).wall.toFixed(2) : '-';
      rmSync(fresh, { recursive: true, force: true });
      const start = cliRun(engine, workers, 1, 0.1);
      const run = cliRun(engine, workers, episodes, seconds);
      const startup = start.wall;
      wall[workers] = run.wall;
      const sim = episodes * seconds;
      rows.push({
        engine,
        workers,
        'wall s': wall[workers].toFixed(2),
        'CPU s': run.cpu.toFixed(2),
        'start-up s (1 × 0.1 s run)': startup.toFixed(2),
        'start-up CPU s': start.cpu.toFixed(2),
        "start-up s, robot's first run": first,
        load: load.toFixed(1),
        '× real time': (sim / wall[workers]).toFixed(1),
        'marginal × real time per worker': (sim / Math.max(1e-3, wall[workers] - startup) / workers).toFixed(1),
        // per CPU-second: what a core gives when it is not shared (wall time on a loaded machine halves it)
        'marginal × real time per CPU s': (sim / Math.max(1e-3, run.cpu - start.cpu)).toFixed(1),
        '2 vs 1 workers': workers === 2 ? `${(wall[1] / wall[2]).toFixed(2)}×` : '',
      });
    }
    if (longEpisodes > 0) {
      const load = loadavg()[0];
      const w = scaling(engine, longEpisodes, seconds);
      long.push({
        engine,
        'episodes × s': `${longEpisodes} × ${seconds}`,
        '1 worker s': w.one.wall.toFixed(2),
        '2 workers s': w.two.wall.toFixed(2),
        // CPU: what the second worker adds (its own start-up) shows here even when the machine is busy
        '1 worker CPU s': w.one.cpu.toFixed(2),
        '2 workers CPU s': w.two.cpu.toFixed(2),
        '1 worker cores busy': (w.one.cpu / w.one.wall).toFixed(2),
        load: load.toFixed(1),
        '2 vs 1 workers': `${(w.one.wall / w.two.wall).toFixed(2)}×`,
        // the most 2 workers could gain with that CPU on this machine's cores (NaN without /proc)
        [`bound on ${availableParallelism()} cores`]: `${((availableParallelism() * w.one.wall) / w.two.cpu).toFixed(2)}×`,
      });
    }
  }
  rmSync(cacheDir, { recursive: true, force: true });
  console.log(
    `\nEnd to end (CLI as a process, cold; G1 + dance, nominal, ${episodes} episodes × ${seconds} s, --envs 4; load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after)`,
  );
  console.table(rows);
  if (long.length) {
    console.log(`\nLonger runs, the same command (start-up weighs less: the issue's "runs of 10 s or more"); E2E_LONG_EPISODES=0 skips`);
    console.table(long);
  }
}

if (process.argv[1]?.endsWith('bench/eval-e2e.ts')) runEndToEnd();
