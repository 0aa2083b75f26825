/**
 * Evaluation scenarios (seeds/*.json): a seed plus perturbation ranges. Episode i's perturbations are drawn
 * from a generator seeded by (seed, i) only — never from batch or worker scheduling — and each perturbation
 * kind has its own sub-stream, so adding one kind does not change the draws of the others.
 */
import { fail } from '../errors';
import { rng } from '../math';
import { obsTerms } from '../observation/terms';
import { checkNumber, LIMITS, nameList, parseJson, shortJson } from '../validate';
import { checkScenarioTerrain, type ScenarioTerrain } from './terrain'; // terrain (issue 16)

/** A fixed value or a uniform range [lo, hi]. */
export type Range = number | [number, number];

export interface PushSpec {
  /** number of pushes per episode (integer range, default 1) */
  count?: Range;
  /** force magnitude, N */
  force_n: Range;
  /** bodies pushed (one picked per push, uniformly), by name */
  bodies: string[];
  /** pushes start inside this window, s (default [1, seconds - 1]) */
  window_s?: [number, number];
  /** push duration, s */
  duration_s: Range;
  /** 'horizontal' (default: random heading in the ground plane) or 'any' (random unit vector) */
  direction?: 'horizontal' | 'any';
}

export interface Scenario {
  name: string;
  /** the file it came from (set by parseScenario; for messages) */
  file?: string;
  description?: string;
  seed: number;
  /** default number of episodes (CLI --episodes overrides) */
  episodes?: number;
  /** episode length cap, s (default: the clip) */
  seconds?: number;
  perturbations: {
    pushes?: PushSpec;
    /** ground friction multiplier */
    friction?: { scale: Range };
    /** link mass multiplier; bodies 'all' (default) or names; per_body: draw one scale per body (default) */
    mass?: { scale: Range; bodies?: string[] | 'all'; per_body?: boolean };
    /** delay between the policy output and the PD targets, ms (rounded to physics steps) */
    action_delay?: { ms: Range };
    /** Gaussian noise added to the observation: one global std, or std per observation term */
    obs_noise?: { std: number | Record<string, number> };
    /** initial-state noise on top of the reference's first frame */
    init_noise?: { joint_pos_std?: number; root_pos_std?: number; root_yaw_std?: number };
  };
  /** terrain (issue 16): one terrain or { seed, levels: [...] } run one level at a time (evaluation/terrain.ts) */
  terrain?: ScenarioTerrain;
}

export interface Push {
  body: string;
  start_s: number;
  duration_s: number;
  force: [number, number, number];
}

/** Everything drawn for one episode (plain data: JSON-safe, worker-transferable). */
export interface EpisodePerturbation {
  index: number;
  pushes: Push[];
  friction: number;
  mass: { body: string; scale: number }[];
  action_delay_steps: number;
  /** global std or std per term (0 / {} = none) */
  obs_noise: number | Record<string, number>;
  /** seed of the per-step observation-noise stream */
  noise_seed: number;
  /** joint offsets by joint name, root xy offset (m) and yaw (rad) */
  init: { joint_pos: Record<string, number>; root_pos: [number, number]; root_yaw: number };
}

/** 32-bit mix of several integers (for sub-stream seeds). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d) >>> 0;
    h ^= h >>> 12;
  }
  return h >>> 0;
}

/** The generator of episode `index` for one perturbation kind `stream`. */
export const episodeRng = (seed: number, index: number, stream = 0): (() => number) => rng(mixSeed(seed, index, stream));

/** Standard normal draw (Box–Muller). */
export function gauss(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const draw = (r: () => number, v: Range): number => (typeof v === 'number' ? v : v[0] + (v[1] - v[0]) * r());
const drawInt = (r: () => number, v: Range): number =>
  typeof v === 'number' ? Math.round(v) : Math.min(v[1], Math.floor(v[0] + (v[1] - v[0] + 1) * r()));

// ---------------------------------------------------------------- parsing / validation

const KNOWN: Record<string, string[]> = {
  '': ['name', 'description', 'seed', 'episodes', 'seconds', 'perturbations', 'terrain'], // terrain: issue 16
  perturbations: ['pushes', 'friction', 'mass', 'action_delay', 'obs_noise', 'init_noise'],
  'perturbations.pushes': ['count', 'force_n', 'bodies', 'window_s', 'duration_s', 'direction'],
  'perturbations.friction': ['scale'],
  'perturbations.mass': ['scale', 'bodies', 'per_body'],
  'perturbations.action_delay': ['ms'],
  'perturbations.obs_noise': ['std'],
  'perturbations.init_noise': ['joint_pos_std', 'root_pos_std', 'root_yaw_std'],
};

function checkKeys(o: unknown, path: string, file: string): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('ParseError', file, path || '(root)', 'expected an object');
  const rec = o as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    if (!KNOWN[path].includes(k)) fail('ParseError', file, path ? `${path}.${k}` : k, `unknown key (known: ${KNOWN[path].join(', ')})`);
  }
  return rec;
}

function checkRange(v: unknown, where: string, file: string, min = -Infinity, max = Infinity): void {
  const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max;
  if (typeof v === 'number' ? ok(v) : Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]) && v[0] <= v[1]) return;
  fail('ParseError', file, where, `expected a number or a range [lo, hi] with ${min} <= lo <= hi <= ${max}, got ${shortJson(v)}`);
}

function checkNum(v: unknown, where: string, file: string, min = 0, max = Infinity): void {
  if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max)) {
    fail('ParseError', file, where, `expected a number in [${min}, ${max}], got ${shortJson(v)}`);
  }
}

/**
 * The cap on one suite's work: episodes × episode seconds (simulated robot-seconds) at most LIMITS.maxSuiteWork,
 * episodes at most LIMITS.maxEpisodes, an episode at most LIMITS.maxEpisodeSeconds.
 */
export function checkSuiteWork(episodes: number, seconds: number, file: string, where: string): void {
  checkNumber(episodes, { file, where }, 'episodes', 1, LIMITS.maxEpisodes, true);
  checkNumber(seconds, { file, where }, 'episode length (s)', 0, LIMITS.maxEpisodeSeconds);
  if (episodes * seconds > LIMITS.maxSuiteWork) {
    fail(
      'ParseError',
      file,
      where,
      `${episodes} episodes × ${seconds} s = ${episodes * seconds} robot-seconds, above the limit of ${LIMITS.maxSuiteWork} per suite`,
    );
  }
}

/** Parse and validate a scenario file; every bad key or value is a ParseError naming the key. */
export function parseScenario(text: string, file: string): Scenario {
  const raw = parseJson(text, file);
  const o = checkKeys(raw, '', file);
  if (typeof o.name !== 'string' || !o.name) fail('ParseError', file, 'name', 'expected a non-empty string');
  if (!Number.isInteger(o.seed) || (o.seed as number) < 0)
    fail('ParseError', file, 'seed', `expected a non-negative integer, got ${JSON.stringify(o.seed)}`);
  if (o.episodes !== undefined) checkNumber(o.episodes, { file, where: 'episodes' }, 'episodes', 1, LIMITS.maxEpisodes, true);
  if (o.seconds !== undefined) checkNumber(o.seconds, { file, where: 'seconds' }, 'episode length (s)', 0.02, LIMITS.maxEpisodeSeconds);
  if (o.seed !== undefined) checkNumber(o.seed, { file, where: 'seed' }, 'seed', 0, 2 ** 32 - 1, true);
  if (o.description !== undefined && typeof o.description !== 'string') fail('ParseError', file, 'description', 'expected a string');
  if (o.episodes !== undefined && o.seconds !== undefined) checkSuiteWork(o.episodes as number, o.seconds as number, file, 'episodes');
  const p = checkKeys(o.perturbations ?? {}, 'perturbations', file);
  if (p.pushes !== undefined) {
    const s = checkKeys(p.pushes, 'perturbations.pushes', file);
    if (s.count !== undefined) checkRange(s.count, 'perturbations.pushes.count', file, 0, 100);
    checkRange(s.force_n, 'perturbations.pushes.force_n', file, 0, 1e5);
    checkRange(s.duration_s, 'perturbations.pushes.duration_s', file, 0, 60);
    if (s.window_s !== undefined) checkRange(s.window_s, 'perturbations.pushes.window_s', file, 0, 1e5);
    if (s.window_s !== undefined && !Array.isArray(s.window_s))
      fail('ParseError', file, 'perturbations.pushes.window_s', 'expected [start, end]');
    if (!Array.isArray(s.bodies) || !s.bodies.length || !s.bodies.every((b) => typeof b === 'string')) {
      fail('ParseError', file, 'perturbations.pushes.bodies', 'expected a non-empty list of body names');
    }
    if (s.direction !== undefined && s.direction !== 'horizontal' && s.direction !== 'any') {
      fail('ParseError', file, 'perturbations.pushes.direction', "expected 'horizontal' or 'any'");
    }
  }
  if (p.friction !== undefined)
    checkRange(checkKeys(p.friction, 'perturbations.friction', file).scale, 'perturbations.friction.scale', file, 0, 100);
  if (p.mass !== undefined) {
    const m = checkKeys(p.mass, 'perturbations.mass', file);
    checkRange(m.scale, 'perturbations.mass.scale', file, 0.01, 100);
    if (m.per_body !== undefined && typeof m.per_body !== 'boolean')
      fail('ParseError', file, 'perturbations.mass.per_body', `expected true or false, got ${shortJson(m.per_body)}`);
    if (m.bodies !== undefined && m.bodies !== 'all' && !(Array.isArray(m.bodies) && m.bodies.every((b) => typeof b === 'string'))) {
      fail('ParseError', file, 'perturbations.mass.bodies', "expected 'all' or a list of body names");
    }
  }
  if (p.action_delay !== undefined)
    checkRange(checkKeys(p.action_delay, 'perturbations.action_delay', file).ms, 'perturbations.action_delay.ms', file, 0, 1000);
  if (p.obs_noise !== undefined) {
    const std = checkKeys(p.obs_noise, 'perturbations.obs_noise', file).std;
    if (typeof std === 'object' && std !== null && !Array.isArray(std)) {
      const unknown = Object.keys(std).filter((k) => !(k in obsTerms));
      if (unknown.length) {
        fail(
          'ParseError',
          file,
          `perturbations.obs_noise.std.${unknown[0]}`,
          `unknown observation term(s) ${nameList(unknown)} (known: ${nameList(Object.keys(obsTerms), 60)})`,
        );
      }
      for (const [k, v] of Object.entries(std)) checkNum(v, `perturbations.obs_noise.std.${k}`, file, 0, 100);
    } else checkNum(std ?? -1, 'perturbations.obs_noise.std', file, 0, 100);
  }
  if (p.init_noise !== undefined) {
    const n = checkKeys(p.init_noise, 'perturbations.init_noise', file);
    for (const k of ['joint_pos_std', 'root_pos_std', 'root_yaw_std']) checkNum(n[k], `perturbations.init_noise.${k}`, file, 0, 10);
  }
  if (o.terrain !== undefined) checkScenarioTerrain(o.terrain, file); // terrain (issue 16)
  return { ...(raw as Scenario), file };
}

/** A scenario with no perturbations (what `--scenario` defaults to). */
export const nominalScenario = (seed = 0): Scenario => ({ name: 'nominal', seed, perturbations: {} });

export interface SampleContext {
  bodyNames: string[];
  jointNames: string[];
  /** episode length, s */
  seconds: number;
  /** physics step, s (action delay is rounded to physics steps) */
  physicsDt: number;
  file?: string;
}

function bodyCheck(names: string[], ctx: SampleContext, where: string): void {
  for (const b of names) {
    if (!ctx.bodyNames.includes(b))
      fail('ParseError', ctx.file ?? '<scenario>', where, `unknown body '${b}' (robot bodies: ${ctx.bodyNames.join(', ')})`);
  }
}

/** Draw the perturbations of episode `index` (depends on scenario.seed and index only). */
export function samplePerturbation(sc: Scenario, index: number, ctx: SampleContext): EpisodePerturbation {
  const p = sc.perturbations ?? {};
  const out: EpisodePerturbation = {
    index,
    pushes: [],
    friction: 1,
    mass: [],
    action_delay_steps: 0,
    obs_noise: 0,
    noise_seed: mixSeed(sc.seed, index, 5),
    init: { joint_pos: {}, root_pos: [0, 0], root_yaw: 0 },
  };
  if (p.pushes) {
    const s = p.pushes;
    bodyCheck(s.bodies, { ...ctx, file: ctx.file ?? sc.file }, 'perturbations.pushes.bodies');
    const r = episodeRng(sc.seed, index, 0);
    const count = drawInt(r, s.count ?? 1);
    const [w0, w1] = s.window_s ?? [Math.min(1, ctx.seconds / 4), Math.max(ctx.seconds - 1, ctx.seconds * 0.75)];
    for (let k = 0; k < count; k++) {
      const body = s.bodies[Math.min(s.bodies.length - 1, Math.floor(r() * s.bodies.length))];
      const start = w0 + (Math.min(w1, ctx.seconds) - w0) * r();
      const duration = draw(r, s.duration_s);
      const mag = draw(r, s.force_n);
      let dir: [number, number, number];
      if (s.direction === 'any') {
        const v = [gauss(r), gauss(r), gauss(r)];
        const nrm = Math.hypot(v[0], v[1], v[2]) || 1;
        dir = [v[0] / nrm, v[1] / nrm, v[2] / nrm];
      } else {
        const a = 2 * Math.PI * r();
        dir = [Math.cos(a), Math.sin(a), 0];
      }
      out.pushes.push({ body, start_s: start, duration_s: duration, force: [dir[0] * mag, dir[1] * mag, dir[2] * mag] });
    }
    out.pushes.sort((a, b) => a.start_s - b.start_s);
  }
  if (p.friction) out.friction = draw(episodeRng(sc.seed, index, 1), p.friction.scale);
  if (p.mass) {
    const r = episodeRng(sc.seed, index, 2);
    const bodies = p.mass.bodies === undefined || p.mass.bodies === 'all' ? ctx.bodyNames : p.mass.bodies;
    bodyCheck(bodies, { ...ctx, file: ctx.file ?? sc.file }, 'perturbations.mass.bodies');
    const shared = draw(r, p.mass.scale);
    for (const b of bodies) out.mass.push({ body: b, scale: p.mass.per_body === false ? shared : draw(r, p.mass.scale) });
  }
  if (p.action_delay) {
    const ms = draw(episodeRng(sc.seed, index, 3), p.action_delay.ms);
    out.action_delay_steps = Math.round(ms / 1000 / ctx.physicsDt);
  }
  if (p.obs_noise) out.obs_noise = p.obs_noise.std;
  if (p.init_noise) {
    const r = episodeRng(sc.seed, index, 4);
    const n = p.init_noise;
    for (const j of ctx.jointNames) out.init.joint_pos[j] = (n.joint_pos_std ?? 0) * gauss(r);
    out.init.root_pos = [(n.root_pos_std ?? 0) * gauss(r), (n.root_pos_std ?? 0) * gauss(r)];
    out.init.root_yaw = (n.root_yaw_std ?? 0) * gauss(r);
  }
  return out;
}
