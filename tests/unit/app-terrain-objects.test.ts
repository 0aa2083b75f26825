// App side of issue 16 (no browser): the built-in controller's reference lifted onto the terrain (terrain-track.ts,
// a real Rapier engine with a 5° slope) and the object reference / object error (object-reference.ts): tracks
// matched by name, the error is the core |p − p̂|, a bad track is a named ParseError.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/core/physics/index';
import { createBatchState } from '../../src/core/physics/types';
import { createObjectState } from '../../src/core/physics/objects';
import { terrainHeight } from '../../src/core/physics/terrain';
import { terrainOf } from '../../src/core/physics/terrain-engines';
import { onTerrain } from '../../src/core/physics/terrain-reference';
import { TERRAIN_CHOICES, setTerrainChoice } from '../../src/app/terrain-state';
import { ObjectReference } from '../../src/app/object-reference';
import type { ReferenceSource } from '../../src/core/policy/refio';
import { probeBox } from './model-helpers';

const probe = probeBox();

/** A flat-floor reference: root at (x, 0, 0.5). */
const flat = (x: number): ReferenceSource => ({
  nSteps: 10,
  write(_s, ref, e) {
    ref.rootPos.set([x, 0, 0.5], e * 3);
    ref.bodyPos.set([x, 0, 0.5], e * 3);
  },
});

describe('app terrain and object reference', () => {
  it('lifts the reference by the ground under its root on a slope, not on the flat floor', async () => {
    const spec = TERRAIN_CHOICES['slope 5°']!;
    const eng = await createEngine('rapier', probe, { terrain: spec });
    const ref = createBatchState(1, 0, 1);
    for (const x of [-1, 0, 1]) {
      onTerrain(flat(x), eng.options.terrain).write(0, ref, 0);
      const g = terrainHeight(terrainOf(spec), x, 0);
      expect(g).toBeGreaterThan(0.1);
      expect(ref.rootPos[2]).toBeCloseTo(0.5 + g, 5);
      expect(ref.bodyPos[2]).toBeCloseTo(0.5 + g, 5);
    }
    eng.free();
    const plain = await createEngine('rapier', probe, {});
    onTerrain(flat(0), plain.options.terrain).write(0, ref, 0);
    expect(ref.rootPos[2]).toBe(0.5);
    plain.free();
    expect(() => setTerrainChoice('lava')).toThrow(/ParseError|unknown terrain "lava"/);
  });

  it('object error: tracks matched by name, |p − p̂| per object, bad tracks named', () => {
    const s = createObjectState(1, ['cube', 'ball'], 2);
    s.pos.set([0, 0, 0, 1, 2, 3]);
    const objs = new ObjectReference();
    objs.setTrack({ name: 'ball', pos: Float32Array.from([1, 2, 3, 1, 2, 4.5]), quat: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0]) }, 10);
    const r0 = objs.at(s, 0)!;
    expect(r0.has).toEqual([false, true]);
    objs.record(s, r0, 0);
    objs.record(s, objs.at(s, 0.1)!, 0.1);
    expect(objs.err.err).toEqual([0, 1.5]);
    objs.setTrack({ name: 'other', pos: Float32Array.from([0, 0, 0]), quat: Float32Array.from([1, 0, 0, 0]) });
    expect(objs.at(s, 0)).toBeNull();
    expect(objs.err.t.length).toBe(0);
    expect(() => objs.setTrack({ name: 'ball', pos: Float32Array.from([0, 0, 0]), quat: Float32Array.from([1, 0, 0]) })).toThrow(
      /quat.*3 numbers for 1 frames/,
    );
    expect(() => objs.setTrack({ name: 'ball', pos: Float32Array.from([0, NaN, 0]), quat: Float32Array.from([1, 0, 0, 0]) })).toThrow(
      /pos\[1\].*not a finite/,
    );
  });
});
