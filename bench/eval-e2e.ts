/**
 * End-to-end evaluation figures, as a user runs them: the CLI as a fresh process (cold: modules, WASM, robot,
 * policy all loaded anew), G1 + dance, seeds/nominal.json, 16 episodes × 10 s (E2E_SECONDS), --envs 4, per engine
 * and 1 / 2 workers. Start-up = the wall time of the same command with one episode of 0.1 s; marginal = simulated
 * humanoid-seconds per second of (wall − start-up), per worker ("per core").
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';

const A = '../shared/assets';
const P = `${A}/policies/g1-dance-102`;

function cliWall(engine: string, workers: number, episodes: number, seconds: number): number {
  const args = ['--import', 'tsx', 'src/cli/eval.ts', '--robot', `${A}/g1/g1_29dof_rev_1_0.xml`, '--policy', `${P}/policy.onnx`];
  args.push('--motion', `${P}/G1_Take_102.bvh_60hz.csv`, '--scenario', 'seeds/nominal.json', '--engine', engine);
  args.push('--episodes', String(episodes), '--seconds', String(seconds), '--envs', '4', '--workers', String(workers), '--json', '--quiet');
  const t = performance.now();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - t) / 1000;
}

export function runEndToEnd(): void {
  const seconds = Number(process.env.E2E_SECONDS ?? 10),
    episodes = 16;
  const rows: Record<string, string | number>[] = [];
  const load0 = loadavg()[0];
  for (const engine of ['mujoco', 'rapier']) {
    const wall: Record<number, number> = {};
    for (const workers of [1, 2]) {
      const startup = cliWall(engine, workers, 1, 0.1);
      wall[workers] = cliWall(engine, workers, episodes, seconds);
      const sim = episodes * seconds;
      rows.push({
        engine,
        workers,
        'wall s': wall[workers].toFixed(2),
        'start-up s (1 × 0.1 s run)': startup.toFixed(2),
        '× real time': (sim / wall[workers]).toFixed(1),
        'marginal × real time per worker': (sim / Math.max(1e-3, wall[workers] - startup) / workers).toFixed(1),
        '2 vs 1 workers': workers === 2 ? `${(wall[1] / wall[2]).toFixed(2)}×` : '',
      });
    }
  }
  console.log(
    `\nEnd to end (CLI as a process, cold; G1 + dance, nominal, ${episodes} episodes × ${seconds} s, --envs 4; load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after)`,
  );
  console.table(rows);
}
