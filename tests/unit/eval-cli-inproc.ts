// The eval CLI run in this process (main of src/cli/eval.ts) with the G1 + dance policy, its stdout captured.
// In-process runs skip a process start (tsx + every module + the robot); the tests that need the process
// itself (one JSON line on stdout, exit codes) spawn it through eval-cli-spawn.ts.
import { join } from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli/eval';
import { mergeMain } from '../../src/cli/eval-merge';
import { MimicError } from '../../src/core/errors';
import { POLICY, ROBOT } from './eval-cli-spawn';

export type Out = Record<string, unknown> & { reference_warnings: { code: string; frames: number[]; message: string }[] };

/** the CLI in this process (main of src/cli/eval.ts): exit code, the JSON printed, or the error thrown */
export async function cli(args: string[]): Promise<{ code: number | null; out: Out; stderr: string }> {
  const r = await evalMain(['--robot', ROBOT, '--policy', POLICY, '--json', '--quiet', '--workers', '0', ...args]);
  return { code: r.code, out: r.code === 0 ? (JSON.parse(r.stdout.trim()) as Out) : { reference_warnings: [] }, stderr: r.stderr };
}

export type Run = { code: number; stdout: string; stderr: string };

/** `node src/cli/eval.ts ARGS` in this process: the exit code the process would give, stdout and stderr. */
export function evalMain(args: string[]): Promise<Run> {
  return captured(() => main(args));
}

/** evalMain(args) unsharded, then as shards 0/2 and 1/2 written to DIR/s0.json and DIR/s1.json; each must exit 0. */
export async function runWithShards(args: string[], dir: string): Promise<{ whole: Run; s0: Run; s1: Run }> {
  const whole = await evalMain(args);
  const s0 = await evalMain([...args, '--shard', '0/2', '--out', join(dir, 's0.json')]);
  const s1 = await evalMain([...args, '--shard', '1/2', '--out', join(dir, 's1.json')]);
  for (const r of [whole, s0, s1]) expect(r.code, r.stderr).toBe(0);
  return { whole, s0, s1 };
}

/** `node src/cli/eval-merge.ts ARGS` in this process, as evalMain. */
export function mergeMainRun(args: string[]): Promise<Run> {
  return captured(async () => mergeMain(args));
}

/** Run `fn` with stdout and stderr captured; a thrown error is exit 1 with its message, as the CLI entries do. */
async function captured(fn: () => Promise<number>): Promise<Run> {
  const out: string[] = [],
    err: string[] = [];
  const write = process.stdout.write.bind(process.stdout),
    writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = (s: string | Uint8Array): boolean => out.push(String(s)) > 0;
  process.stderr.write = (s: string | Uint8Array): boolean => err.push(String(s)) > 0;
  try {
    const code = await fn();
    return { code, stdout: out.join(''), stderr: err.join('') };
  } catch (e) {
    const msg = e instanceof MimicError ? e.message : `error: ${String((e as Error)?.stack ?? e)}`;
    return { code: 1, stdout: out.join(''), stderr: `${err.join('')}${msg}\n` };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}
