/// <reference lib="webworker" />
/**
 * Web Worker entry of the simulation (bundled by Vite: `new Worker(new URL('./worker.ts', import.meta.url),
 * { type: 'module' })`): physics, observations and inference run here, off the page's thread (host.ts).
 */
import * as ort from 'onnxruntime-web';
import wasmUrl from '../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm?url';
import { configureOrt } from '../../core/policy/ort-env';
import { SimHost } from './host';
import type { ToWorker } from './protocol';

configureOrt(ort, { wasmUrl: new URL(wasmUrl, self.location.href).href });

const scope = self as DedicatedWorkerGlobalScope;
const host = new SimHost((m, transfer) => scope.postMessage(m, transfer ?? []));
scope.onmessage = (ev: MessageEvent<ToWorker>) => void host.receive(ev.data);
