/// <reference lib="webworker" />
/**
 * Web Worker entry for browser evaluation (bundled by Vite: `new Worker(new URL('./worker.ts', import.meta.url),
 * { type: 'module' })`). Runs BatchJobs with the same core code as the Node CLI (core/evaluation/pool.ts).
 */
import * as ort from 'onnxruntime-web';
import wasmUrl from '../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm?url';
import { serveBatches } from '../../core/evaluation/pool';
import { configureOrt } from '../../core/policy/ort-env';

configureOrt(ort, { wasmUrl: new URL(wasmUrl, self.location.href).href });

const scope = self as DedicatedWorkerGlobalScope;
const serve = serveBatches((m) => scope.postMessage(m));
scope.onmessage = (ev: MessageEvent<Parameters<typeof serve>[0]>) => void serve(ev.data);
