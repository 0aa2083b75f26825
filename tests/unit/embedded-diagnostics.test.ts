// Reference diagnostics of an EMBEDDED reference (after the length probe, via the per-step arrays): NaN frames are
// a named warning with their frame numbers; an isolated broken last frame is dropped (the episode ends before it)
// unless repair is false.
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/core/policy/episode';
import { danceExportMeta, embeddedExport, loadG1 } from './policy-fixture';

const g1 = loadG1();
const metadata = danceExportMeta(g1);

/** a clamping export of `frames` near-standing frames whose joint 0 is NaN in the frames of `nan` */
function exportWithNaN(frames: number, nan: number[]): Uint8Array {
  const table = new Float32Array(frames * 29);
  for (let f = 0; f < frames; f++) table[f * 29 + 1] = 0.01 * f; // distinct frames (the length probe compares them)
  for (const f of nan) table[f * 29] = NaN;
  return embeddedExport(frames, true, metadata, { table, pelvisZ: 0.793 });
}

describe('embedded reference diagnostics', () => {
  const bytes = exportWithNaN(10, [4, 9]);

  it('NaN frames are named with their frames; the broken last frame is dropped and the episode ends before it', async () => {
    const r = await runEpisode({ model: g1, engine: 'mujoco', policy: { bytes, file: 'nan.onnx' }, stopOnTermination: false });
    const codes = r.reference_warnings.map((w) => w.code);
    expect(codes).toContain('non_finite');
    expect(r.reference_warnings.find((w) => w.code === 'non_finite')!.frames).toEqual([4]);
    const drop = r.reference_warnings.find((w) => w.code === 'dropped_frame')!;
    expect(drop.frames).toEqual([9]);
    expect(drop.message).toMatch(/frame 9 \(last\) is broken \(non_finite\)/);
    expect(r.control_steps).toBe(8); // frames 0..8
  });

  it('repair: false keeps the frame (both NaN frames reported, the episode runs to frame 9)', async () => {
    const r = await runEpisode({
      model: g1,
      engine: 'mujoco',
      policy: { bytes, file: 'nan.onnx' },
      stopOnTermination: false,
      repair: false,
    });
    expect(r.reference_warnings.find((w) => w.code === 'non_finite')!.frames).toEqual([4, 9]);
    expect(r.reference_warnings.map((w) => w.code)).not.toContain('dropped_frame');
    expect(r.control_steps).toBe(9);
  });
});
