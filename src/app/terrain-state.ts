/**
 * terrain (issue 16): the scene's terrain in the app, chosen in the Objects panel (flat, slope 5°, slope 10°,
 * rough, stairs, boxes; seeded). The engine is rebuilt with it in its physics options (app.ts applyRobot).
 */
import { fail } from '../core/errors';
import type { TerrainSpec } from '../core/physics/terrain';
import type { PhysicsOptions } from '../core/physics/types';

export const TERRAIN_SEED = 7;

/** The panel's choices: id → spec (null: the flat floor). */
export const TERRAIN_CHOICES: Record<string, TerrainSpec | null> = {
  flat: null,
  'slope 5°': { type: 'slope', params: { degrees: 5 }, label: 'slope 5°' },
  'slope 10°': { type: 'slope', params: { degrees: 10 }, label: 'slope 10°' },
  rough: { type: 'rough', difficulty: 0.5, seed: TERRAIN_SEED, label: 'rough (seed 7)' },
  stairs: { type: 'stairs', difficulty: 0.5, label: 'stairs' },
  boxes: { type: 'boxes', difficulty: 0.5, seed: TERRAIN_SEED, label: 'boxes (seed 7)' },
};

let choice = 'flat';

export const terrainChoice = (): string => choice;
export const terrainSpec = (): TerrainSpec | null => TERRAIN_CHOICES[choice] ?? null;
/** The label the hook reports ('flat' when none). */
export const terrainLabel = (): string => terrainSpec()?.label ?? 'flat';

export function setTerrainChoice(id: string): void {
  if (!(id in TERRAIN_CHOICES))
    fail('ParseError', 'Objects panel', 'terrain', `unknown terrain "${id}" (one of ${Object.keys(TERRAIN_CHOICES).join(', ')})`);
  choice = id;
}

/** Physics options carrying the terrain (flat: no key). */
export const terrainOptions = (): Partial<PhysicsOptions> => {
  const t = terrainSpec();
  return t ? { terrain: t } : {};
};
