// The eval CLI run in this process (main of src/cli/eval.ts) with the G1 + dance policy, its stdout captured.
import { main } from '../../src/cli/eval';
import { POLICY, ROBOT } from './eval-cli-spawn';

export type Out = Record<string, unknown> & { reference_warnings: { code: string; frames: number[]; message: string }[] };

/** the CLI in this process (main of src/cli/eval.ts): exit code, the JSON printed, or the error thrown */
export async function cli(args: string[]): Promise<{ code: number | null; out: Out; stderr: string }> {
  const chunks: string[] = [],
    write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (s: string | Uint8Array): boolean => {
    chunks.push(String(s));
    return true;
  };
  try {
    const code = await main(['--robot', ROBOT, '--policy', POLICY, '--json', '--quiet', '--workers', '0', ...args]);
    return { code, out: code === 0 ? (JSON.parse(chunks.join('').trim()) as Out) : { reference_warnings: [] }, stderr: '' };
  } catch (e) {
    return { code: 1, out: { reference_warnings: [] }, stderr: String((e as Error).message) };
  } finally {
    process.stdout.write = write;
  }
}
