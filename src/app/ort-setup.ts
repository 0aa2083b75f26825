/**
 * onnxruntime-web in the page: its wasm binary is served by our own server (Vite emits it as an asset of the
 * build; no CDN, there is no network). Single-threaded: the preview server is not cross-origin isolated.
 */
import * as ort from 'onnxruntime-web';
import wasmUrl from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm?url';
import { configureOrt } from '../core/policy/ort-env';

configureOrt(ort, { wasmUrl: new URL(wasmUrl, document.baseURI).href });

export { ort };
