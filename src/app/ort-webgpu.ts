/**
 * onnxruntime-web's WebGPU build (a separate module from the wasm one in ort-setup.ts, loaded only when the
 * GPU observation path is used, in the simulation worker or on the page): its wasm (the asyncify build with the WebGPU
 * EP) is served by our own server.
 */
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm?url';
import { configureOrt } from '../core/policy/ort-env';

// resolved against this module's own URL: the page's and the simulation worker's alike (a worker has no document)
configureOrt(ort, { wasmUrl: new URL(wasmUrl, import.meta.url).href });

export { PolicyHandoff } from '../core/observation/handoff';
