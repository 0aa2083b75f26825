/**
 * onnxruntime-web in the page: its wasm binary is served by our own server (Vite emits it as an asset of the
 * build; no CDN, there is no network). Single-threaded: the preview server is not cross-origin isolated. The page's
 * policies run on the CPU build (vite.config.ts maps 'onnxruntime-web' to 'onnxruntime-web/wasm': a 14 MB binary to
 * fetch and compile instead of the 28 MB one with the WebGPU EP); the WebGPU hand-off loads its own (ort-webgpu.ts).
 */
import * as ort from 'onnxruntime-web';
import wasmUrl from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm?url';
import { configureOrt } from '../core/policy/ort-env';

configureOrt(ort, { wasmUrl: new URL(wasmUrl, document.baseURI).href });

export { ort };
