// Seeded mutants of input files and a runner that classifies what each one does: a named MimicError, an honest
// finite result, a raw exception (stack trace), a run past the time limit (hang) or a non-finite or self-contradicting
// result (NaN-success: NaN/Inf, or an accepted input that breaks the kind's invariants, e.g. a joint listed twice).
import { MimicError } from '../../src/core/errors';

export type Outcome = 'named error' | 'ok' | 'stack trace' | 'hang' | 'NaN-success';
export const OUTCOMES: Outcome[] = ['named error', 'ok', 'stack trace', 'hang', 'NaN-success'];

import { rng } from '../../src/core/math';

export { rng };
export const pick = <T>(r: () => number, a: readonly T[]): T => a[Math.floor(r() * a.length)];
const int = (r: () => number, n: number): number => Math.floor(r() * n);

// ------------------------------------------------------------------------------------------ byte / text mutants

export function truncate(r: () => number, b: Uint8Array): Uint8Array {
  return b.slice(0, int(r, b.length));
}

export function bitFlip(r: () => number, b: Uint8Array, flips = 1 + int(r, 4)): Uint8Array {
  const out = b.slice();
  for (let k = 0; k < flips; k++) {
    const i = int(r, out.length);
    out[i] ^= 1 << int(r, 8);
  }
  return out;
}

export const BAD_NUMBERS = [
  'NaN',
  'nan',
  'Infinity',
  '-inf',
  '1e308',
  '-1e308',
  '1e300',
  '1e-300',
  '1e999',
  '-0',
  'abc',
  '',
  '0x10',
  '1e6',
  '-1e6',
  '-1',
  '0',
];

/** Replace `count` random numbers in the text by absurd ones. */
export function badNumbers(r: () => number, text: string, count = 1 + int(r, 3)): string {
  const spots = [...text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g)];
  if (!spots.length) return text;
  let out = text;
  for (let k = 0; k < count; k++) {
    const all = [...out.matchAll(/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g)];
    const m = pick(r, all);
    out = out.slice(0, m.index) + pick(r, BAD_NUMBERS) + out.slice(m.index + m[0].length);
  }
  return out;
}

/** Delete, duplicate or swap random lines (wrong counts, reordering). */
export function lineEdit(r: () => number, text: string): string {
  const lines = text.split('\n');
  const i = int(r, lines.length),
    j = int(r, lines.length);
  const op = int(r, 3);
  if (op === 0) lines.splice(i, 1);
  else if (op === 1) lines.splice(i, 0, lines[j]);
  else [lines[i], lines[j]] = [lines[j], lines[i]];
  return lines.join('\n');
}

/** Rename or duplicate a name="..." (or "name": "...") value. */
export function renameOrDuplicate(r: () => number, text: string): string {
  const all = [...text.matchAll(/(name\s*=\s*"|"name"\s*:\s*")([^"]*)"/g)];
  if (all.length < 2) return text;
  const a = pick(r, all),
    b = pick(r, all);
  const to = r() < 0.5 ? b[2] : `${a[2]}_renamed\u0000\r`;
  const at = a.index + a[1].length;
  return text.slice(0, at) + to + text.slice(at + a[2].length);
}

/** Insert raw control characters, an invalid character reference and a lone surrogate at random. */
export function badChars(r: () => number, text: string): string {
  const bad = pick(r, ['\u0000', '\r', '\u001b[31m', '&#x110000;', '&#0;', '\ud800', '&#xD800;', '&bogus;', '\uFEFF']);
  const i = int(r, text.length);
  return text.slice(0, i) + bad + text.slice(i);
}

// ------------------------------------------------------------------------------------------------- the runner

export interface Tally {
  counts: Record<Outcome, number>;
  examples: string[];
  ms?: number;
  slowest: number;
  /** named errors that give no place (no key path, line or element) */
  noPlace: string[];
}
export const newTally = (): Tally => ({
  counts: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>,
  examples: [],
  slowest: 0,
  noPlace: [],
});

/** Every number reachable in a result (plain numbers, arrays, typed arrays, nested objects; Infinity allowed only where a limit is "unknown"). */
export function firstNonFinite(v: unknown, path = '', seen = new Set<unknown>(), depth = 0): string | null {
  if (typeof v === 'number') return Number.isNaN(v) || (!Number.isFinite(v) && !/Limit|limit/.test(path)) ? path || '(value)' : null;
  if (v === null || typeof v !== 'object' || seen.has(v) || depth > 8) return null;
  seen.add(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < a.length; i++) if (typeof a[i] === 'number' && !Number.isFinite(a[i])) return `${path}[${i}]`;
    return null;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) {
      const p = firstNonFinite(x, `${path}.${String(k)}`, seen, depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const [k, x] of Object.entries(v)) {
    const p = firstNonFinite(x, `${path}.${k}`, seen, depth + 1);
    if (p) return p;
  }
  return null;
}

/** Run one mutant: classify its end; `check` may inspect an ok result further (return a problem or null). */
export async function classify(
  tally: Tally,
  label: string,
  run: () => unknown,
  limitMs: number,
  honest?: (result: unknown) => string | null,
): Promise<Outcome> {
  const t0 = performance.now();
  let outcome: Outcome;
  let note = '';
  try {
    const result = await run();
    const bad = firstNonFinite(result);
    const lie = bad ? null : (honest?.(result) ?? null);
    outcome = bad || lie ? 'NaN-success' : 'ok';
    if (bad) note = `non-finite at ${bad}`;
    if (lie) note = lie;
  } catch (e) {
    if (e instanceof MimicError) {
      outcome = 'named error';
      // a named error must itself be clean: no raw control characters, a place when it names the file
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(e.message) || e.message.length > 4000) {
        outcome = 'stack trace';
        note = `unescaped message: ${JSON.stringify(e.message.slice(0, 120))}`;
      }
      if (!e.where) tally.noPlace.push(`${label}: ${e.message.slice(0, 140)}`);
    } else {
      outcome = 'stack trace';
      note = e instanceof Error ? `${e.name}: ${e.message.slice(0, 160)}` : String(e).slice(0, 160);
    }
  }
  const ms = performance.now() - t0;
  tally.slowest = Math.max(tally.slowest, ms);
  if (ms > limitMs && outcome !== 'stack trace') {
    outcome = 'hang';
    note = `${ms.toFixed(0)} ms > ${limitMs} ms`;
  }
  tally.counts[outcome]++;
  if (outcome !== 'ok' && outcome !== 'named error' && tally.examples.length < 8) tally.examples.push(`${label}: ${outcome} — ${note}`);
  return outcome;
}

/** The kind × outcome table. */
export function table(rows: [string, Tally][]): string {
  const w = Math.max(...rows.map(([k]) => k.length), 4);
  const head = `${'kind'.padEnd(w)} | ${OUTCOMES.map((o) => o.padStart(11)).join(' | ')} | total ms | slowest ms`;
  const line = '-'.repeat(head.length);
  const body = rows.map(
    ([k, t]) =>
      `${k.padEnd(w)} | ${OUTCOMES.map((o) => String(t.counts[o]).padStart(11)).join(' | ')} | ${String(Math.round(t.ms ?? 0)).padStart(8)} | ${String(Math.round(t.slowest)).padStart(10)}`,
  );
  const total = newTally();
  for (const [, t] of rows) for (const o of OUTCOMES) total.counts[o] += t.counts[o];
  return [head, line, ...body, line, `${'all'.padEnd(w)} | ${OUTCOMES.map((o) => String(total.counts[o]).padStart(11)).join(' | ')}`].join(
    '\n',
  );
}
