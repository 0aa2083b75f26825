/**
 * Where collision-hull points (mujoco-hulls.ts) are kept between compiles, by mesh content: this process's memory,
 * in front of an optional outer store (the CLI's disk cache, src/cli/hull-cache.ts). The points are a pure
 * function of that content (hull-filter.ts), so a hit and a miss compile the same model.
 */
import { mixWords } from '../bytes';

export interface HullStore {
  get(key: string): Float32Array | undefined;
  set(key: string, points: Float32Array): void;
}

const memory = new Map<string, Float32Array>();
let outer: HullStore | null = null;

/** Put `store` behind this process's memory (the CLI: its disk cache); null removes it. */
export function setOuterHullStore(store: HullStore | null): void {
  outer = store;
}

export const hullStore: HullStore = {
  get(key) {
    let v = memory.get(key);
    if (!v && outer) {
      v = outer.get(key);
      if (v) memory.set(key, v);
    }
    return v;
  },
  set(key, points) {
    memory.set(key, points);
    outer?.set(key, points);
  },
};

/** Forget the points held in memory (tests). */
export const clearHullMemory = (): void => memory.clear();

/** 64 bits of two FNV-style hashes (different seeds and primes). */
function hash64(data: Uint8Array | string): string {
  let a = 0x811c9dc5,
    b = 0x01000193 ^ 0x5bd1e995;
  mixWords(data, (v) => {
    a = Math.imul(a ^ v, 0x01000193);
    b = Math.imul(b ^ v, 0x5bd1e995) ^ (b >>> 15);
  });
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

/** A mesh content's key: kind (file extension or 'inline'), length and a 64-bit hash (a file name of its own). */
export const contentKey = (data: Uint8Array | string, kind: string): string =>
  `${kind.replace(/[^a-z0-9]/g, '')}-${data.length}-${hash64(data)}`;
