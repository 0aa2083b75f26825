/**
 * One compiled WebAssembly module per binary for every evaluation worker of a run. V8 compiles a binary for each
 * worker that instantiates it (its baseline code, and again its optimised code for the hot functions), although a
 * compiled module can be sent to a worker and instantiated there with all of that code shared. Measured here (G1 with
 * its collision hulls, MuJoCo, two workers one after the other): the second compiles the model in 326–366 ms instead
 * of 463–544 and runs its first 2,000 steps at full speed (334–339 ms, against 492–511 while V8 optimises), 0.74 CPU s
 * less in all. The main thread compiles the binaries the engines and onnxruntime carry (`compileShared`) and posts them
 * to each worker; a worker hands a module to whatever instantiates the same bytes (`shareInstantiate`, by SHA-1 and
 * length), so a binary that differs from the one read here (another version, another build) compiles as before.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SharedWasm {
  key: string;
  module: WebAssembly.Module;
}

type Bytes = ArrayBuffer | ArrayBufferView;

const view = (b: Bytes): Uint8Array =>
  b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** A binary's key: its SHA-1 and length. */
export const wasmKey = (b: Bytes): string => `${createHash('sha1').update(view(b)).digest('hex')}:${b.byteLength}`;

const fileOf = (pkg: string): string => fileURLToPath(import.meta.resolve(pkg));

/** mujoco-js carries its binary as base64 inside its JavaScript. */
function mujocoBinary(): Uint8Array<ArrayBuffer> | null {
  const js = readFileSync(fileOf('mujoco-js'), 'latin1');
  const start = js.indexOf("base64Decode('AGFzbQ");
  const end = start < 0 ? -1 : js.indexOf("'", start + 14);
  return end < 0 ? null : new Uint8Array(Buffer.from(js.slice(start + 14, end), 'base64'));
}

/** The binaries of the run's engines and onnxruntime (`warm`: 'mujoco', 'rapier', 'ort'), as their packages load them. */
const BINARIES: Record<string, () => Uint8Array<ArrayBuffer> | null> = {
  mujoco: mujocoBinary,
  rapier: () => readFileSync(join(dirname(fileOf('@dimforge/rapier3d-compat')), 'rapier_wasm3d_bg.wasm')),
  ort: () => readFileSync(join(dirname(fileOf('onnxruntime-web')), 'ort-wasm-simd-threaded.wasm')),
};

/** Compile the binaries `warm` names; one that cannot be read or compiled is left out (its users compile their own). */
export async function compileShared(warm: string[]): Promise<SharedWasm[]> {
  const out: SharedWasm[] = [];
  for (const name of warm) {
    try {
      const bytes = BINARIES[name]?.();
      if (bytes) out.push({ key: wasmKey(bytes), module: await WebAssembly.compile(bytes) });
    } catch {
      // the package is laid out differently: that binary is not shared
    }
  }
  return out;
}

/**
 * Route this thread's WebAssembly.instantiate of a binary in `shared` (which may still be on its way) to the module
 * compiled there; returns the keys routed so far (a list that grows). Instantiating a module (not bytes) is left as it is.
 */
export function shareInstantiate(shared: Promise<SharedWasm[]>): string[] {
  const own = WebAssembly.instantiate.bind(WebAssembly) as (
    src: Bytes | WebAssembly.Module,
    imports?: WebAssembly.Imports,
  ) => Promise<unknown>;
  const modules = shared.then((list) => new Map(list.map((s) => [s.key, s.module])));
  const routedKeys: string[] = [];
  const routed = async (src: Bytes, imports?: WebAssembly.Imports) => {
    const key = wasmKey(src);
    const module = (await modules).get(key);
    if (!module) return own(src, imports);
    routedKeys.push(key);
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
  (WebAssembly as { instantiate: unknown }).instantiate = (src: Bytes | WebAssembly.Module, imports?: WebAssembly.Imports) =>
    src instanceof WebAssembly.Module ? own(src, imports) : routed(src, imports);
  return routedKeys;
}
