/**
 * The CLI's disk cache of collision-hull points (src/core/physics/hull-store.ts): one small file per mesh content,
 * so a fresh process (every evaluation worker) compiles a robot's collision meshes from their hulls at once. In
 * $MIMIC_CACHE_DIR, else $XDG_CACHE_HOME/mimic-bench, else ~/.cache/mimic-bench; MIMIC_CACHE_DIR=off turns it off.
 * A file that cannot be read or is not a whole hull is treated as missing (and written again).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setOuterHullStore, type HullStore } from '../core/physics/hull-store';

const MAGIC = 0x4c55484d; // "MHUL"

export function hullCacheDir(env: Record<string, string | undefined> = process.env): string | null {
  if (env.MIMIC_CACHE_DIR === 'off') return null;
  const base = env.MIMIC_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mimic-bench');
  return join(base, 'mujoco-hulls');
}

function decode(b: Uint8Array): Float32Array | undefined {
  if (b.length < 8 || (b.length - 8) % 12) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const n = v.getUint32(4, true);
  if (v.getUint32(0, true) !== MAGIC || n < 4 || 8 + 12 * n !== b.length) return undefined;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < out.length; i++) out[i] = v.getFloat32(8 + 4 * i, true);
  return out.every(Number.isFinite) ? out : undefined;
}

function encode(points: Float32Array): Uint8Array {
  const out = new Uint8Array(8 + points.byteLength);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, points.length / 3, true);
  points.forEach((x, i) => v.setFloat32(8 + 4 * i, x, true));
  return out;
}

export function diskHullStore(dir: string): HullStore {
  const path = (key: string) => join(dir, `${key}.hull`);
  return {
    get(key) {
      try {
        return decode(readFileSync(path(key)));
      } catch {
        return undefined;
      }
    },
    set(key, points) {
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${path(key)}.${process.pid}.${Math.random().toString(36).slice(2)}`;
        writeFileSync(tmp, encode(points));
        renameSync(tmp, path(key)); // whole or not at all, also with two workers writing the same mesh
      } catch {
        // a read-only or full disk: the hull is computed again next time
      }
    },
  };
}

/** Put the disk cache behind this thread's hull store (each evaluation worker and the CLI's own thread). */
export function useHullCache(env: Record<string, string | undefined> = process.env): void {
  const dir = hullCacheDir(env);
  setOuterHullStore(dir ? diskHullStore(dir) : null);
}
