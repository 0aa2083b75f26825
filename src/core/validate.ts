/**
 * One validation layer for numbers entering the core (robot files, clips, scenarios): type, finiteness,
 * sign, physically plausible ranges, and sizes checked BEFORE anything is allocated. Every violation is a
 * named MimicError with the file and the place (key path, line, element). The limits are documented in
 * src/core/README.md ("Input limits"); change them there and here together.
 */
import { fail, type ErrorKind } from './errors';

export const LIMITS = {
  /** element nesting of an XML file; body-tree depth of a robot; BVH hierarchy depth */
  maxDepth: 256,
  /** bodies / movable joints of one robot */
  maxBodies: 1000,
  maxJoints: 500,
  /** kg, per body */
  maxMass: 1e4,
  /** kg·m², per principal moment */
  maxInertia: 1e4,
  /** m: positions, offsets and geom sizes in a robot file */
  maxLength: 1e4,
  /** joint limits, rad (hinge) or m (slide) */
  maxJointRange: 1e4,
  /** N·m/rad (or N/m); also the cap on any PD stiffness */
  maxStiffness: 1e7,
  /** N·m·s/rad */
  maxDamping: 1e6,
  /** kg·m² */
  maxArmature: 1e3,
  /** N·m or N */
  maxEffort: 1e6,
  /** rad/s or m/s */
  maxVelocity: 1e6,
  /** frames per second of a clip */
  minFps: 0.01,
  maxFps: 10000,
  /** s: a clip, an episode */
  maxClipSeconds: 3600,
  maxEpisodeSeconds: 3600,
  /** values (frames × columns) of one clip, and elements of one NPY array */
  maxClipValues: 5e7,
  maxArrayElements: 1e8,
  /** bytes of one NPZ once unzipped */
  maxUnzippedBytes: 1 << 30,
  /** m: clip root positions; rad (or m): clip joint values */
  maxClipPosition: 1e4,
  maxClipJoint: 1e3,
  /** BVH channel values (source units / degrees) */
  maxBvhValue: 1e6,
  /** triangles of one mesh */
  maxTriangles: 5e6,
  /** episodes × episode seconds of one evaluation suite (simulated robot-seconds) */
  maxSuiteWork: 1e6,
  /** physics steps held per control (policy) step */
  maxStepsPerAction: 1000,
  /** episodes of one suite */
  maxEpisodes: 100000,
} as const;

export interface Place {
  file: string;
  where: string;
  kind?: ErrorKind;
}

/** A finite number within [min, max] (and an integer when asked); anything else is a named error. */
export function checkNumber(v: unknown, p: Place, what: string, min = -Infinity, max = Infinity, integer = false): number {
  const kind = p.kind ?? 'ParseError';
  if (typeof v !== 'number') return fail(kind, p.file, p.where, `${what} must be a number, got ${shortJson(v)}`);
  if (!Number.isFinite(v)) return fail(kind, p.file, p.where, `${what} must be finite, got ${v}`);
  if (integer && !Number.isInteger(v)) return fail(kind, p.file, p.where, `${what} must be an integer, got ${v}`);
  if (v < min || v > max) return fail(kind, p.file, p.where, `${what} ${v} is outside [${min}, ${max}]`);
  return v;
}

/** A non-negative finite value no larger than `max` (masses, gains, armature, damping, effort). */
export const nonNegative = (v: number, p: Place, what: string, max: number): number => checkNumber(v, p, what, 0, max);

/** A size about to be allocated: an integer in [0, max]. */
export function checkCount(n: number, max: number, p: Place, what: string): number {
  if (!Number.isInteger(n) || n < 0)
    return fail(p.kind ?? 'ParseError', p.file, p.where, `${what} must be a non-negative integer, got ${n}`);
  if (n > max) return fail(p.kind ?? 'ParseError', p.file, p.where, `${what} ${n} exceeds the limit of ${max}`);
  return n;
}

/** A clip frame rate within [minFps, maxFps]. */
export const checkRate = (fps: number, p: Place): number =>
  checkNumber(fps, { kind: 'MotionError', ...p }, 'frame rate (Hz)', LIMITS.minFps, LIMITS.maxFps);

/** Frames × columns and duration of a clip, before its arrays are allocated. */
export function checkClipSize(frames: number, columns: number, fps: number, p: Place): void {
  const q: Place = { kind: 'MotionError', ...p };
  checkCount(frames, LIMITS.maxClipValues, q, 'frame count');
  checkCount(frames * Math.max(1, columns), LIMITS.maxClipValues, q, `frames × columns (${frames} × ${columns})`);
  const seconds = (frames - 1) / fps;
  if (seconds > LIMITS.maxClipSeconds)
    fail(
      q.kind!,
      q.file,
      q.where,
      `clip lasts ${seconds.toPrecision(4)} s (${frames} frames at ${fps} Hz), above the limit of ${LIMITS.maxClipSeconds} s`,
    );
}

/** Index of the first value of `a` with |v| > max or not finite, or -1. */
export function firstOutOfRange(a: ArrayLike<number>, max: number): number {
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]) <= max)) return i;
  return -1;
}

/** A list of names for a message: at most `max`, then "… and N more". */
export function nameList(names: readonly string[], max = 20): string {
  const shown = names
    .slice(0, max)
    .map((n) => `"${n}"`)
    .join(', ');
  return names.length > max ? `${shown} … and ${names.length - max} more` : shown;
}

/** JSON of a value, cut short, for messages. */
export function shortJson(v: unknown, max = 80): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Does this prefix of a JSON text fail for a reason other than ending early? */
function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (e) {
    return !/end of JSON input|Unterminated string/i.test((e as Error).message);
  }
}

/**
 * Offset of the first character that makes the text invalid JSON, for engines whose message names no position
 * (Node 20: "Unexpected token 'a', ..."): the shortest prefix that fails other than by ending early (bisection).
 */
function firstBadOffset(text: string): number {
  if (!failsBeforeEnd(text)) return -1;
  let lo = 0,
    hi = text.length; // failsBeforeEnd(text.slice(0, hi)) holds; find the least such hi
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (failsBeforeEnd(text.slice(0, mid))) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

/**
 * JSON.parse with a named error at the line and column of a syntax error (from the engine's "position N"), or
 * at `where` with the engine's message when the caller names the place.
 */
export function parseJson(text: string, file: string, where?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    if (where !== undefined) return fail('ParseError', file, where, msg);
    const m = /position (\d+)/.exec(msg);
    const at = m ? Number(m[1]) : /end of JSON input/.test(msg) ? text.length : firstBadOffset(text);
    let place = '(json)';
    if (at >= 0) {
      const before = text.slice(0, at);
      const line = (before.match(/\n/g) ?? []).length + 1;
      place = `line ${line}, column ${at - before.lastIndexOf('\n')}`;
    }
    return fail('ParseError', file, place, `not valid JSON: ${msg}`);
  }
}
