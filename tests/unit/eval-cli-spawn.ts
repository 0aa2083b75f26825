// The eval CLI as its own process (node --import tsx src/cli/eval.ts), and the G1 + dance export it is run on.
import { spawn, spawnSync } from 'node:child_process';

export const A = '../shared/assets';
export const ROBOT = `${A}/g1/g1_29dof_rev_1_0.xml`;
export const POLICY = `${A}/policies/g1-dance-102/policy.onnx`;

/** Run the eval CLI with `args`; its exit code, stdout and stderr. */
export function evalCli(args: string[], timeout = 240_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/eval.ts', ...args], { encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run a CLI script (node --import tsx SCRIPT ARGS) without blocking, so that several run side by side. */
export function runScript(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ...args]);
    let stdout = '',
      stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** an eval JSON without its `timing` part (the only part allowed to differ between runs) */
export function withoutTiming(json: string): string {
  const j = JSON.parse(json) as Record<string, unknown>;
  delete j.timing;
  return JSON.stringify(j);
}

/** CLI words from flags in order: `{ seconds: 1, json: true }` → `--seconds 1 --json` (true: a flag without value). */
export function cliArgs(flags: Record<string, string | number | true>): string[] {
  return Object.entries(flags).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, String(v)]));
}

/** The eval CLI's words for the G1 + dance export, then `flags`. */
export const danceArgs = (flags: Record<string, string | number | true> = {}): string[] =>
  cliArgs({ robot: ROBOT, policy: POLICY, ...flags });
