/**
 * The one place where onnxruntime-web's environment is set: single-threaded (the preview server and Node
 * are not cross-origin isolated; workers run one episode each), quiet, and — in the browser — the wasm
 * binary served by our own server. Each ORT module (the default build, the WebGPU build) has its own `env`.
 */
import type * as ortTypes from 'onnxruntime-web';

export type OrtRuntime = typeof ortTypes;

const done = new WeakSet<object>();

export interface OrtEnvOptions {
  /** URL of the wasm binary (browser builds: Vite's `?url` import); Node finds its own */
  wasmUrl?: string;
}

/** Set the environment of one ORT module (once; a later call with a wasm URL still sets the URL). */
export function configureOrt(ort: OrtRuntime, opts: OrtEnvOptions = {}): void {
  if (opts.wasmUrl) ort.env.wasm.wasmPaths = { wasm: opts.wasmUrl };
  if (done.has(ort.env)) return;
  done.add(ort.env);
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
}

/**
 * What "fixed batch" means everywhere: the first dim of the observation input is a fixed number (the
 * exporter traced batch 1). Returns that number, or null when the batch dim is symbolic / unknown.
 */
export function fixedBatchOf(dims: readonly (number | string)[]): number | null {
  const d = dims[0];
  return typeof d === 'number' && d > 0 ? d : null;
}
