/**
 * onnxruntime-web's WebGPU build (a separate module from the wasm one in ort-setup.ts, loaded only when the
 * GPU observation path is used): its wasm (the asyncify build with the WebGPU EP) is served by our own server.
 */
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm?url';
import { configureOrt } from '../core/policy/ort-env';

configureOrt(ort, { wasmUrl: new URL(wasmUrl, document.baseURI).href });

export { PolicyHandoff } from '../core/observation/handoff';
