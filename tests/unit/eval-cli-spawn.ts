// The eval CLI as its own process (node --import tsx src/cli/eval.ts), and the G1 + dance export it is run on.
import { spawnSync } from 'node:child_process';

export const A = '../shared/assets';
export const ROBOT = `${A}/g1/g1_29dof_rev_1_0.xml`;
export const POLICY = `${A}/policies/g1-dance-102/policy.onnx`;

/** Run the eval CLI with `args`; its exit code, stdout and stderr. */
export function evalCli(args: string[], timeout = 240_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/eval.ts', ...args], { encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
