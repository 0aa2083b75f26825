// The reference on a terrain (issue 16, core physics/terrain-reference.ts): one lift, used by the built-in
// controller's track, the app's ghost frame and the evaluation's scoring. The built-in controller on a 10° slope is
// scored against (and driven by) the reference raised onto the slope: its anchor error is of the flat floor's order
// (without the lift in the evaluation the robot was reset into the slab and the episode failed).
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/core/evaluation/episode';
import { parseScenario } from '../../src/core/evaluation/scenario';
import { buildTerrain, terrainHeight, type TerrainSpec } from '../../src/core/physics/terrain';
import { frameOnTerrain, onTerrain, TerrainReference } from '../../src/core/physics/terrain-reference';
import { createBatchState } from '../../src/core/physics/types';
import { danceBatch } from './policy-fixture';

const slope10: TerrainSpec = { type: 'slope', params: { degrees: 10 } };
const scenario = (terrain?: TerrainSpec) =>
  parseScenario(JSON.stringify({ name: 'slope', seed: 1, perturbations: {}, ...(terrain ? { terrain } : {}) }), 'slope.json');

describe('the reference on a terrain', () => {
  it('raises root and bodies by the ground under the root, less the base a placed start already added', () => {
    const g = buildTerrain(slope10);
    const ref = createBatchState(2, 1, 2);
    ref.rootPos.set([1, 0, 0.8, -1, 0.5, 0.8]);
    ref.bodyPos.set([1, 0, 0.8, 1.1, 0, 0.1, -1, 0.5, 0.8, -1, 0.5, 0.1]);
    const t = TerrainReference.of(slope10, ref)!;
    t.begin(ref, false);
    const v = t.view(ref);
    const lifted = v.bodyPos[5];
    expect(v.rootPos[2]).toBeCloseTo(0.8 + terrainHeight(g, 1, 0), 5);
    expect(v.bodyPos[5]).toBeCloseTo(0.1 + terrainHeight(g, 1, 0), 5);
    expect(v.bodyPos[11]).toBeCloseTo(0.1 + terrainHeight(g, -1, 0.5), 5);
    expect(ref.rootPos[2]).toBe(Math.fround(0.8)); // the source is untouched
    t.begin(ref, true); // placed at the start: no rise there, the change of ground after
    expect(t.view(ref).rootPos[2]).toBeCloseTo(0.8, 5);
    ref.rootPos[0] = 2;
    expect(t.view(ref).rootPos[2]).toBeCloseTo(0.8 + terrainHeight(g, 2, 0) - terrainHeight(g, 1, 0), 5);
    expect(TerrainReference.of({ type: 'flat' }, ref)).toBeNull();
    // the frame and the track lifts agree
    const f = { rootPos: Float32Array.from([1, 0, 0.8]), bodyPos: Float32Array.from([1, 0, 0.8, 1.1, 0, 0.1]) };
    expect(frameOnTerrain(f, 2, slope10).bodyPos[5]).toBeCloseTo(lifted, 6);
    expect(frameOnTerrain(f, 2, null)).toBe(f);
    const r1 = createBatchState(1, 1, 2);
    onTerrain({ nSteps: 1, write: (_s, r, e) => (r.rootPos.set([1, 0, 0.8], e * 3), r.bodyPos.set(f.bodyPos, e * 6)) }, slope10).write(
      0,
      r1,
      0,
    );
    expect(r1.bodyPos[5]).toBeCloseTo(lifted, 6);
  });

  it('the built-in controller (assist 1) on a 10° slope: anchor error of the flat floor order (evaluation)', async () => {
    const d = danceBatch();
    const run = async (terrain?: TerrainSpec) =>
      (
        await runBatch({
          ...d,
          variant: { label: 'builtin', engine: 'rapier', driver: 'reference', assist: 1 },
          scenario: scenario(terrain),
          episodes: [0],
          seconds: 2,
        })
      ).records[0];
    const flat = await run(),
      slope = await run(slope10);
    const eFlat = flat.mean_anchor_pos_err_m!,
      eSlope = slope.mean_anchor_pos_err_m!;
    console.log(`built-in, anchor error: flat ${eFlat.toFixed(4)} m, 10° slope ${eSlope.toFixed(4)} m`);
    expect(slope.success).toBe(true);
    expect(eSlope).toBeLessThan(Math.max(2 * eFlat, 0.03));
  }, 120_000);
});
