/**
 * Terrain in evaluation scenarios (issue 16). A scenario's `terrain` is one terrain
 * ({ type, params, seed, difficulty, label }) or a ladder of levels ({ seed, levels: [...] }); a ladder is run as
 * one scenario per level ("NAME · LABEL"), and the report plots success against difficulty.
 */
import { fail } from '../errors';
import { groundOf, TERRAIN_TYPES, type TerrainSpec } from '../physics/terrain';
import { terrainOf } from '../physics/terrain-engines';
import type { PhysicsEngine } from '../physics/types';
import { shortJson } from '../validate';
import type { Scenario } from './scenario';
import { esc, fmt, lineChart } from './svg';
import type { EvalResult } from './types';

export interface TerrainLadder {
  seed?: number;
  levels: TerrainSpec[];
}
export type ScenarioTerrain = TerrainSpec | TerrainLadder;

/** What a report says of a group's terrain. */
export interface TerrainFacts {
  type: string;
  label: string;
  difficulty: number;
  params: Record<string, number>;
  seed: number;
}

const isLadder = (t: ScenarioTerrain): t is TerrainLadder => 'levels' in t;
const KEYS = ['type', 'params', 'seed', 'difficulty', 'label', 'hfield'];

function checkSpec(o: unknown, where: string, file: string): void {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('ParseError', file, where, 'expected an object');
  const t = o as Record<string, unknown>;
  for (const k of Object.keys(t))
    if (!KEYS.includes(k)) fail('ParseError', file, `${where}.${k}`, `unknown key (known: ${KEYS.join(', ')})`);
  if (!(TERRAIN_TYPES as readonly unknown[]).includes(t.type))
    fail('ParseError', file, `${where}.type`, `expected one of ${TERRAIN_TYPES.join(', ')}, got ${shortJson(t.type)}`);
  if (t.params !== undefined && (typeof t.params !== 'object' || t.params === null || Array.isArray(t.params)))
    fail('ParseError', file, `${where}.params`, 'expected an object of numbers');
  for (const [k, v] of Object.entries((t.params as object) ?? {}))
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail('ParseError', file, `${where}.params.${k}`, `expected a finite number, got ${shortJson(v)}`);
  if (t.seed !== undefined && !(Number.isInteger(t.seed) && (t.seed as number) >= 0))
    fail('ParseError', file, `${where}.seed`, `expected a non-negative integer, got ${shortJson(t.seed)}`);
  if (t.difficulty !== undefined && !(typeof t.difficulty === 'number' && t.difficulty >= 0 && t.difficulty <= 100))
    fail('ParseError', file, `${where}.difficulty`, `expected a number in [0, 100], got ${shortJson(t.difficulty)}`);
  if (t.label !== undefined && typeof t.label !== 'string') fail('ParseError', file, `${where}.label`, 'expected a string');
  // the geometry itself (heightfield size / NaN, extents) is checked by building it
  terrainOf(t as unknown as TerrainSpec, file);
}

/** Validate a scenario's `terrain` key (every bad value a ParseError naming its key path). */
export function checkScenarioTerrain(o: unknown, file: string): void {
  if (typeof o === 'object' && o !== null && 'levels' in o) {
    const l = o as Record<string, unknown>;
    for (const k of Object.keys(l))
      if (k !== 'levels' && k !== 'seed') fail('ParseError', file, `terrain.${k}`, 'unknown key (known: seed, levels)');
    if (!Array.isArray(l.levels) || !l.levels.length) fail('ParseError', file, 'terrain.levels', 'expected a non-empty list of terrains');
    if (l.seed !== undefined && !(Number.isInteger(l.seed) && (l.seed as number) >= 0))
      fail('ParseError', file, 'terrain.seed', `expected a non-negative integer, got ${shortJson(l.seed)}`);
    (l.levels as unknown[]).forEach((t, i) => checkSpec(t, `terrain.levels[${i}]`, file));
  } else checkSpec(o, 'terrain', file);
}

const labelOf = (t: TerrainSpec): string =>
  t.label ??
  `${t.type}${Object.entries(t.params ?? {})
    .map(([k, v]) => ` ${k} ${v}`)
    .join('')}`;

/** A scenario with a ladder of terrains → one scenario per level (others unchanged). */
export function terrainLevels(sc: Scenario): Scenario[] {
  const t = sc.terrain;
  if (!t || !isLadder(t)) return [sc];
  return t.levels.map((lv, i) => ({
    ...sc,
    name: `${sc.name} · ${labelOf(lv)}`,
    terrain: { ...lv, seed: lv.seed ?? t.seed ?? sc.seed, difficulty: lv.difficulty ?? i, label: labelOf(lv) },
  }));
}

/** The physics option of a (single-terrain) scenario. */
export function terrainOption(sc: Scenario): { terrain?: TerrainSpec } {
  const t = sc.terrain;
  if (!t) return {};
  if (isLadder(t))
    return fail('ParseError', sc.file ?? sc.name, 'terrain.levels', 'a ladder of terrains is run one level at a time (terrainLevels)');
  return { terrain: { ...t, seed: t.seed ?? sc.seed } };
}

/** Report facts of a group's scenario terrain (empty without one). */
export function terrainFacts(sc: Scenario): { terrain?: TerrainFacts } {
  const t = terrainOption(sc).terrain;
  if (!t) return {};
  return { terrain: { type: t.type, label: labelOf(t), difficulty: t.difficulty ?? 0, params: t.params ?? {}, seed: t.seed ?? 0 } };
}

/**
 * The ground under the robot relative to where it started, per env (null on a flat floor): terminations compare
 * heights above the ground, so a robot on a slope is not "fallen" for standing higher than its flat reference.
 * `start[e]` = the ground height under the anchor at the start.
 */
export function groundOffsets(engine: PhysicsEngine, anchor: number): ((e: number) => (x: number, y: number) => number) | null {
  const g = terrainOf(engine.options.terrain, engine.model.source.file);
  if (!g) return null;
  const h = groundOf(g),
    s = engine.state,
    nb = s.nb;
  const start = Array.from({ length: s.n }, (_, e) => h(s.bodyPos[(e * nb + anchor) * 3], s.bodyPos[(e * nb + anchor) * 3 + 1]));
  return (e) => (x, y) => h(x, y) - start[e];
}

/** Success against terrain difficulty: a chart (one line per variant · clip) and a table; '' without terrain. */
export function terrainHtml(r: EvalResult): string {
  const gs = r.groups.filter((g) => g.terrain);
  if (!gs.length) return '';
  const key = (g: (typeof gs)[number]) => `${g.variant} · ${g.clip}`;
  const series = [...new Set(gs.map(key))].map((name) => {
    const mine = gs.filter((g) => key(g) === name).sort((a, b) => a.terrain!.difficulty - b.terrain!.difficulty);
    return { name, xs: mine.map((g) => g.terrain!.difficulty), ys: mine.map((g) => g.aggregate.success_rate * 100) };
  });
  const rows = gs
    .slice()
    .sort((a, b) => a.terrain!.difficulty - b.terrain!.difficulty)
    .map(
      (g) =>
        `<tr><td>${esc(g.variant)}</td><td>${esc(g.terrain!.label)}</td><td>${fmt(g.terrain!.difficulty, 2)}</td>` +
        `<td>${g.aggregate.successes}/${g.aggregate.episodes}</td><td>${fmt(g.aggregate.stats.survived_s.mean, 2)}</td></tr>`,
    );
  return (
    '<h2>Success against terrain difficulty</h2>' +
    lineChart({ title: 'Success rate vs terrain difficulty', xLabel: 'difficulty', yLabel: 'success %', series, yMax: 100 }) +
    `<table><tr><th>variant</th><th>terrain</th><th>difficulty</th><th>success</th><th>survived (s)</th></tr>${rows.join('')}</table>`
  );
}
