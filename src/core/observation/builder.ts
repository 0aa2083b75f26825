/**
 * CPU observation builder. Per layout entry, in Isaac Lab's order (ObservationManager.compute_group):
 * value = term(ctx) → noise (if a hook is set) → clip (if set) → scale (scalar or per element) → appended to
 * the term's history, and the output is the concatenation of each term's history block, oldest first
 * (block = history × dim). After reset(env) the next build fills that env's whole history with the
 * current value (Isaac Lab's CircularBuffer does the same on the first append after a reset), or with zeros
 * for a zeroStart entry (HumanoidVerse's HistoryHandler starts and resets its buffers at zeros).
 * Noise is in the term's own units and lives on in the history, as Isaac Lab's corruption does.
 */
import { MimicError } from '../errors';
import { obsTerms, type ObsTermDef } from './terms';
import type { ObsContext, ObsLayoutEntry } from './types';

/** Resolve a term name (or alias); unknown → PolicyError naming it and listing the known terms. */
export function resolveObsTerm(name: string, where = 'observations'): ObsTermDef {
  const t = Object.prototype.hasOwnProperty.call(obsTerms, name) ? obsTerms[name] : undefined;
  if (!t) {
    throw new MimicError(
      'PolicyError',
      '<layout>',
      where,
      `unknown observation term "${name}"; known terms: ${Object.keys(obsTerms).join(', ')}`,
    );
  }
  return t;
}

/** One layout entry resolved against a context: offsets in the output and in the per-element tables. */
export interface ResolvedEntry {
  term: ObsTermDef;
  history: number;
  dim: number;
  /** offset of this entry's block in the observation vector (history × dim values) */
  offset: number;
  /** offset of this entry's current value in the concatenation of all current values (Σ dim) */
  rawOffset: number;
  /** per-element scale (length dim) */
  scale: Float32Array;
  clip: [number, number] | null;
  /** the history holds past values only (the current one is left out) */
  pastOnly: boolean;
  /** the block is newest first */
  newestFirst: boolean;
  /** after a reset the history starts at zeros (the first build writes only its newest slot) */
  zeroStart: boolean;
}

export function resolveLayout(layout: ObsLayoutEntry[], ctx: ObsContext): ResolvedEntry[] {
  let offset = 0,
    rawOffset = 0;
  return layout.map((entry, k) => {
    const where = `observations[${k}] (${entry.term})`;
    const term = resolveObsTerm(entry.term, where);
    const dim = term.dim(ctx);
    // Isaac Lab's history_length 0 means "no history": one value, same as 1
    const history = entry.history === 0 || entry.history === undefined ? 1 : entry.history;
    if (!Number.isInteger(history) || history < 1) {
      throw new MimicError('PolicyError', '<layout>', where, `history must be an integer >= 1, got ${history}`);
    }
    const scale = new Float32Array(dim);
    if (Array.isArray(entry.scale)) {
      if (entry.scale.length !== dim) {
        throw new MimicError('PolicyError', '<layout>', where, `scale has ${entry.scale.length} values but the term has ${dim}`);
      }
      scale.set(entry.scale);
    } else scale.fill(entry.scale ?? 1);
    // clip bounds in float32, as the GPU path uses them
    const clip: [number, number] | null = entry.clip ? [Math.fround(entry.clip[0]), Math.fround(entry.clip[1])] : null;
    if (clip && !(clip[0] <= clip[1])) {
      throw new MimicError('PolicyError', '<layout>', where, `clip [${clip[0]}, ${clip[1]}] is not a range`);
    }
    const r: ResolvedEntry = {
      term,
      history,
      dim,
      offset,
      rawOffset,
      scale,
      clip,
      pastOnly: entry.pastOnly === true,
      newestFirst: entry.newestFirst === true,
      zeroStart: entry.zeroStart === true,
    };
    offset += history * dim;
    rawOffset += dim;
    return r;
  });
}

/** Observation size per env of a layout (Σ history × dim). */
export function layoutSize(layout: ObsLayoutEntry[], ctx: ObsContext): number {
  return resolveLayout(layout, ctx).reduce((s, r) => s + r.history * r.dim, 0);
}

/** Adds noise in place to `value` (the raw term output, `dim` values) of layout entry `entry` for env `env`. */
export type ObsNoiseHook = (env: number, entry: number, value: Float32Array, dim: number) => void;

export class CpuObservationBuilder {
  readonly size: number;
  /** optional corruption of each raw term value before clip and scale (evaluation's observation noise) */
  noise: ObsNoiseHook | null = null;
  readonly entries: ResolvedEntry[];
  /** history ring per env (ringSize values per env); slot k of entry t at ringOffset[t] + k*dim */
  private readonly hist: Float32Array;
  private readonly ringOffset: number[];
  private readonly ringSize: number;
  private readonly fresh: Uint8Array;
  private readonly tmp: Float32Array;
  private step = 0;

  constructor(
    layout: ObsLayoutEntry[],
    readonly ctx: ObsContext,
  ) {
    this.entries = resolveLayout(layout, ctx);
    this.size = this.entries.reduce((s, r) => s + r.history * r.dim, 0);
    let ro = 0;
    this.ringOffset = this.entries.map((r) => {
      const o = ro;
      ro += (r.history + (r.pastOnly ? 1 : 0)) * r.dim;
      return o;
    });
    this.ringSize = ro;
    this.hist = new Float32Array(ctx.n * ro);
    this.fresh = new Uint8Array(ctx.n).fill(1);
    this.tmp = new Float32Array(Math.max(1, ...this.entries.map((r) => r.dim)));
  }

  /** Forget the history of one env (or all): the next build fills it with that build's value. */
  reset(env?: number): void {
    if (env === undefined) this.fresh.fill(1);
    else this.fresh[env] = 1;
  }

  /** Write the observations of every env into out (n × size, env-major). */
  build(out: Float32Array): void {
    const { ctx, size, hist, tmp } = this;
    if (out.length < ctx.n * size) {
      throw new MimicError(
        'PolicyError',
        '<memory>',
        'CpuObservationBuilder.build',
        `output holds ${out.length} values, needs ${ctx.n * size}`,
      );
    }
    for (let e = 0; e < ctx.n; e++) {
      const fresh = this.fresh[e] === 1;
      for (let t = 0; t < this.entries.length; t++) {
        const r = this.entries[t];
        r.term.cpu(ctx, e, tmp, 0);
        if (this.noise) this.noise(e, t, tmp, r.dim);
        const h = r.history,
          skip = r.pastOnly ? 1 : 0,
          hs = h + skip,
          head = this.step % hs;
        const base = e * size + r.offset,
          ring = e * this.ringSize + this.ringOffset[t];
        for (let d = 0; d < r.dim; d++) {
          let v = tmp[d];
          if (r.clip) v = Math.min(Math.max(v, r.clip[0]), r.clip[1]);
          v *= r.scale[d];
          if (fresh) for (let k = 0; k < hs; k++) hist[ring + k * r.dim + d] = r.zeroStart && k !== head ? 0 : v;
          else hist[ring + head * r.dim + d] = v;
          // oldest first: slot (head + 1 + k) % hs is the k-th oldest (with pastOnly the newest is never reached);
          // newest first: slot (head - skip - k) mod hs
          for (let k = 0; k < h; k++) {
            const slot = r.newestFirst ? (head - skip - k + 2 * hs) % hs : (head + 1 + k) % hs;
            out[base + k * r.dim + d] = hist[ring + slot * r.dim + d];
          }
        }
      }
      this.fresh[e] = 0;
    }
    this.step++;
  }
}
