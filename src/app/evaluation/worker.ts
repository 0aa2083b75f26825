/// <reference lib="webworker" />
/**
 * Web Worker entry for browser evaluation (bundled by Vite: `new Worker(new URL('./worker.ts', import.meta.url),
 * { type: 'module' })`). Runs BatchJobs with the same core code as the Node CLI (core/evaluation/pool.ts).
 */
import * as ort from 'onnxruntime-web';
import wasmUrl from '../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm?url';
import { serveBatches } from '../../core/evaluation/pool';

ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, self.location.href).href };
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const scope = self as DedicatedWorkerGlobalScope;
const serve = serveBatches((m) => scope.postMessage(m));
scope.onmessage = (ev: MessageEvent) => void serve(ev.data);
