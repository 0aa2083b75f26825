/**
 * WebAssembly compiled once per run, in the main thread, and handed to every evaluation worker. A
 * `WebAssembly.Module` posted to a worker_thread shares its code with the thread that compiled it, the optimised
 * (TurboFan) code included: with each worker compiling its own copy, two workers on two cores also optimised
 * MuJoCo's, Rapier's and onnxruntime's hot functions twice, on the cores that were meant to step episodes.
 *
 * The packages instantiate their own bytes (MuJoCo and Rapier inline them as base64 in their JavaScript,
 * onnxruntime reads its .wasm file) through `WebAssembly.instantiate(bytes, imports)`; in a worker,
 * `useSharedWasm` makes that call instantiate the shared Module instead when the bytes are the same, byte for
 * byte (the same code: results cannot change). Bytes that match nothing compile as before.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SharedWasm {
  name: string;
  /** the wire bytes, in a SharedArrayBuffer (workers compare against them without a copy) */
  bytes: Uint8Array;
  module: WebAssembly.Module;
}

const pathOf = (pkg: string): string => fileURLToPath(import.meta.resolve(pkg));

/** The base64 text between `open` and `close` in a package's JavaScript, decoded. */
function inlined(file: string, open: string, close: string): Uint8Array<ArrayBuffer> {
  const text = readFileSync(file, 'latin1');
  const at = text.indexOf(open);
  if (at < 0) throw new Error(`${file}: no inline WebAssembly`);
  return Buffer.from(text.slice(at + open.length, text.indexOf(close, at + open.length)), 'base64');
}

/** Where each runtime keeps its wasm (the same bytes its own loader instantiates). */
const SOURCES: Record<string, () => Uint8Array<ArrayBuffer>> = {
  mujoco: () => inlined(pathOf('mujoco-js'), "base64Decode('", "'"),
  rapier: () => inlined(pathOf('@dimforge/rapier3d-compat'), 'toByteArray("', '"'),
  ort: () => readFileSync(join(dirname(pathOf('onnxruntime-web')), 'ort-wasm-simd-threaded.wasm')),
};

function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/**
 * Compile the wasm of the named runtimes (of 'mujoco', 'rapier', 'ort'; others are ignored). One that cannot be
 * found or compiled is left out: its workers compile their own, as without sharing.
 */
export async function compileShared(names: string[]): Promise<SharedWasm[]> {
  const out = await Promise.all(
    names
      .filter((n) => n in SOURCES)
      .map(async (name) => {
        try {
          const bytes = SOURCES[name]();
          return { name, bytes: shared(bytes), module: await WebAssembly.compile(bytes) };
        } catch {
          return null;
        }
      }),
  );
  return out.filter((s) => s !== null);
}

const isBytes = (x: unknown): x is ArrayBuffer | ArrayBufferView => x instanceof ArrayBuffer || ArrayBuffer.isView(x);

const bufferOf = (s: ArrayBuffer | ArrayBufferView): Buffer =>
  ArrayBuffer.isView(s) ? Buffer.from(s.buffer, s.byteOffset, s.byteLength) : Buffer.from(s);

const sameBytes = (a: Uint8Array, b: ArrayBuffer | ArrayBufferView): boolean => bufferOf(a).equals(bufferOf(b));

/**
 * In a worker: `WebAssembly.instantiate` of bytes equal to a shared module's instantiates that module. Returns
 * the function that puts the original back (tests).
 */
export function useSharedWasm(list: SharedWasm[]): () => void {
  const original = WebAssembly.instantiate;
  if (!list.length) return () => {};
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (m: unknown, i?: WebAssembly.Imports) => Promise<unknown>;
  const patched = (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
    const hit = isBytes(source) ? list.find((s) => sameBytes(s.bytes, source)) : undefined;
    if (!hit) return instantiate(source, imports);
    return instantiate(hit.module, imports).then((instance) => ({ module: hit.module, instance }));
  };
  WebAssembly.instantiate = patched as typeof WebAssembly.instantiate;
  return () => void (WebAssembly.instantiate = original);
}
