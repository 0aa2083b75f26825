/**
 * terrain (issue 16): the scene's terrain in the app, chosen in the Objects panel (flat, slope 5°, slope 10°,
 * rough, stairs, boxes) with a seed for the seeded ones. The choice lives in the store (`terrain`), so sessions
 * and share links carry it; the engine is rebuilt with it in its physics options (app.ts applyRobot).
 */
import { fail } from '../core/errors';
import type { TerrainSpec } from '../core/physics/terrain';
import type { PhysicsOptions } from '../core/physics/types';
import { store } from './store';

export const TERRAIN_SEED = 7;

/** What the store, sessions and share links hold. */
export interface TerrainChoice {
  id: string;
  seed: number;
}

/** The flat floor: the default, and what an older session or link without `terrain` gets. */
export const FLAT: TerrainChoice = Object.freeze({ id: 'flat', seed: TERRAIN_SEED });

/** The panel's choices: id → spec at the default seed (null: the flat floor). */
export const TERRAIN_CHOICES: Record<string, TerrainSpec | null> = {
  flat: null,
  'slope 5°': { type: 'slope', params: { degrees: 5 }, label: 'slope 5°' },
  'slope 10°': { type: 'slope', params: { degrees: 10 }, label: 'slope 10°' },
  rough: { type: 'rough', difficulty: 0.5, seed: TERRAIN_SEED, label: `rough (seed ${TERRAIN_SEED})` },
  stairs: { type: 'stairs', difficulty: 0.5, label: 'stairs' },
  boxes: { type: 'boxes', difficulty: 0.5, seed: TERRAIN_SEED, label: `boxes (seed ${TERRAIN_SEED})` },
};

const specs = new Map<string, TerrainSpec | null>();
/** The spec of a choice: the same object for the same id and seed (the engines cache the ground per spec). */
export function terrainSpecOf(c: TerrainChoice): TerrainSpec | null {
  const base = TERRAIN_CHOICES[c.id] ?? null;
  if (!base || base.seed === undefined || c.seed === base.seed) return base;
  const key = `${c.id}#${c.seed}`;
  if (!specs.has(key)) specs.set(key, { ...base, seed: c.seed, label: `${base.type} (seed ${c.seed})` });
  return specs.get(key)!;
}

/** A terrain choice read from a session or a link: each bad value a ParseError naming its key. */
export function checkTerrainChoice(v: unknown, file: string, where = 'terrain'): TerrainChoice {
  const o = v as Partial<TerrainChoice> | null;
  if (typeof o !== 'object' || o === null) return fail('ParseError', file, where, `expected { id, seed }, got ${JSON.stringify(v)}`);
  if (typeof o.id !== 'string' || !(o.id in TERRAIN_CHOICES))
    fail('ParseError', file, `${where}.id`, `unknown terrain ${JSON.stringify(o.id)} (one of ${Object.keys(TERRAIN_CHOICES).join(', ')})`);
  if (!Number.isInteger(o.seed) || o.seed! < 0 || o.seed! > 2 ** 31)
    fail('ParseError', file, `${where}.seed`, `expected a non-negative integer, got ${JSON.stringify(o.seed)}`);
  return { id: o.id!, seed: o.seed! };
}

export const terrainChoice = (): TerrainChoice => store.getState().terrain;
export const terrainSpec = (): TerrainSpec | null => terrainSpecOf(terrainChoice());
/** The label the hook reports ('flat' when none). */
export const terrainLabel = (): string => terrainSpec()?.label ?? 'flat';

/** Choose a terrain (the seed kept unless given); an unknown id is a named error and changes nothing. */
export function setTerrainChoice(id: string, seed = terrainChoice().seed): void {
  store.setState({ terrain: checkTerrainChoice({ id, seed }, 'Objects panel') });
}

/** Physics options carrying the terrain (flat: no key). */
export const terrainOptions = (): Partial<PhysicsOptions> => {
  const t = terrainSpec();
  return t ? { terrain: t } : {};
};
