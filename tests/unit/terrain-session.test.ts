// The terrain choice in the app's store (issue 16): saved in a session file and restored on load; an unknown id or
// a bad seed in a session is a named ParseError and changes nothing; an older session without it gets the flat floor.
import { describe, expect, it } from 'vitest';
import { store } from '../../src/app/store';
import { AssetRegistry } from '../../src/app/assets';
import { applySession, sessionFile } from '../../src/app/session';
import { FLAT, setTerrainChoice, terrainLabel, terrainSpec } from '../../src/app/terrain-state';

const records = new AssetRegistry().records;

describe('terrain in sessions', () => {
  it('round trip, seed included; bad values named; old sessions flat', () => {
    setTerrainChoice('rough', 11);
    expect(terrainLabel()).toBe('rough (seed 11)');
    expect(terrainSpec()?.seed).toBe(11);
    const text = JSON.stringify(sessionFile(records));
    expect(JSON.parse(text).terrain).toEqual({ id: 'rough', seed: 11 });
    setTerrainChoice('slope 10°');
    expect(applySession(records, text, 's.json').ok).toBe(true);
    expect(store.getState().terrain).toEqual({ id: 'rough', seed: 11 });
    const bad = (terrain: unknown) => JSON.stringify({ ...JSON.parse(text), terrain });
    expect(() => applySession(records, bad({ id: 'lava', seed: 1 }), 's.json')).toThrow(/s\.json.*terrain\.id.*unknown terrain "lava"/);
    expect(() => applySession(records, bad({ id: 'rough', seed: -2 }), 's.json')).toThrow(/terrain\.seed.*non-negative integer/);
    expect(store.getState().terrain).toEqual({ id: 'rough', seed: 11 });
    const old = JSON.parse(text);
    delete old.terrain;
    applySession(records, JSON.stringify(old), 'old.json');
    expect(store.getState().terrain).toEqual(FLAT);
    expect(() => setTerrainChoice('lava')).toThrow(/unknown terrain "lava"/);
  });
});
