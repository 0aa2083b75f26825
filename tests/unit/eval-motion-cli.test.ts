// `--motion` through the format readers in the CLI: a multi-clip PHC pickle becomes several clips (file#clip).
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/eval';

const A = '../shared/assets';
const ROBOT = `${A}/g1/g1_29dof_rev_1_0.xml`;
const POLICY = `${A}/policies/g1-dance-102/policy.onnx`;

type Out = Record<string, unknown> & { reference_warnings: { code: string; frames: number[]; message: string }[] };

/** the CLI in this process (main of src/cli/eval.ts): exit code, the JSON printed, or the error thrown */
async function cli(args: string[]): Promise<{ code: number | null; out: Out; stderr: string }> {
  const chunks: string[] = [], write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (s: string | Uint8Array): boolean => { chunks.push(String(s)); return true; };
  try {
    const code = await main(['--robot', ROBOT, '--policy', POLICY, '--json', '--quiet', '--workers', '0', ...args]);
    return { code, out: code === 0 ? (JSON.parse(chunks.join('').trim()) as Out) : { reference_warnings: [] }, stderr: '' };
  } catch (e) {
    return { code: 1, out: { reference_warnings: [] }, stderr: String((e as Error).message) };
  } finally {
    process.stdout.write = write;
  }
}


describe('--motion through the format readers', () => {
  it('a PHC pickle with two clips runs as two clips, named file#clip, each diagnosed', async () => {
    const r = await cli(['--motion', 'tests/fixtures/motion/phc_two_clips_p2.pkl', '--seconds', '0.1', '--engine', 'mujoco']);
    expect(r.code, r.stderr).toBe(0);
    const groups = r.out.groups as { clip: string; reference_warnings: unknown[]; clip_diagnostics: { kept_frames: number[] } }[];
    expect(groups.length).toBe(2);
    expect(groups[0].clip).toMatch(/^phc_two_clips_p2\.pkl#./);
    expect(groups[1].clip).toMatch(/^phc_two_clips_p2\.pkl#./);
    expect(groups[0].clip).not.toBe(groups[1].clip);
    for (const g of groups) {
      expect(Array.isArray(g.reference_warnings)).toBe(true);
      expect(g.clip_diagnostics.kept_frames.length).toBe(2);
    }
    expect(Array.isArray(r.out.reference_warnings)).toBe(true);
  }, 120_000);
});
