// `--motion` through the format readers in the CLI: a multi-clip PHC pickle becomes several clips (file#clip).
import { describe, expect, it } from 'vitest';
import { cli } from './eval-cli-inproc';

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
