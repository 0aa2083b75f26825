/**
 * mjlab's per-term observation metadata (rl/exporter_utils.py get_base_metadata): `observation_terms_scale`,
 * `observation_terms_history_length`, `observation_terms_clip`, one item per name in `observation_names`,
 * written by its list_to_csv_str — numbers as "%.3f" (so history 0 is "0.000"), anything else as Python's str()
 * (a per-element scale "[0.25, 0.25, 0.25]", a clip "[-inf, inf]"), items joined by ",".
 */
import { fail } from '../../errors';
import type { ObsLayoutEntry } from '../../observation/types';

/** Split at the commas outside brackets. */
function topLevelItems(text: string): string[] {
  const out: string[] = [];
  let depth = 0,
    cur = '';
  for (const ch of text) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** One item: a number, or a bracketed list of numbers (inf / -inf allowed). */
function item(s: string, file: string, where: string): number | number[] {
  const num = (t: string): number => {
    const v = t.trim().toLowerCase();
    const x = v === 'inf' || v === '+inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
    if (v === '' || Number.isNaN(x)) fail('PolicyError', file, where, `not a number: ${JSON.stringify(t)}`);
    return x;
  };
  const t = s.trim();
  if (/^[[(].*[\])]$/.test(t)) return t.slice(1, -1).split(',').map(num);
  return num(t);
}

function items(meta: Record<string, string>, key: string, n: number, file: string): (number | number[])[] | null {
  const v = meta[key];
  if (v === undefined || v.trim() === '') return null;
  const list = topLevelItems(v);
  if (list.length !== n) fail('PolicyError', file, `metadata_props.${key}`, `${list.length} item(s) for ${n} observation_names`);
  return list.map((s, i) => item(s, file, `metadata_props.${key}[${i}]`));
}

/** Apply the per-term history / scale / clip of an mjlab export to the observation entries (in place of 1 / 1 / none). */
export function applyObsTermsMeta(meta: Record<string, string>, entries: ObsLayoutEntry[], file: string): ObsLayoutEntry[] {
  const n = entries.length;
  const hist = items(meta, 'observation_terms_history_length', n, file);
  const scale = items(meta, 'observation_terms_scale', n, file);
  const clip = items(meta, 'observation_terms_clip', n, file);
  return entries.map((e, i) => {
    const out: ObsLayoutEntry = { ...e };
    const where = (k: string) => `metadata_props.${k}[${i}]`;
    if (hist) {
      const h = hist[i];
      if (typeof h !== 'number' || !Number.isInteger(h) || h < 0)
        fail('PolicyError', file, where('observation_terms_history_length'), `expected a whole number, got ${JSON.stringify(h)}`);
      out.history = h === 0 ? 1 : (h as number);
    }
    if (scale) out.scale = scale[i];
    if (clip) {
      const c = clip[i];
      if (!Array.isArray(c) || c.length !== 2 || !(c[0] <= c[1]))
        fail('PolicyError', file, where('observation_terms_clip'), `expected [low, high], got ${JSON.stringify(c)}`);
      const [lo, hi] = c as number[];
      out.clip = lo === -Infinity && hi === Infinity ? null : [lo, hi];
    }
    return out;
  });
}
