import { defineConfig } from 'vite';

// The app is served from the repo root; `shaders/`, `motions/`, `policies/` are imported with ?raw or fetched.
export default defineConfig({
  base: './',
  publicDir: 'public',
  server: { fs: { allow: ['.'] } },
  // the app's CPU policies and evaluation workers use onnxruntime-web's wasm-only build (14 MB of wasm instead of the
  // 28 MB build with the WebGPU EP, which the WebGPU hand-off imports itself as 'onnxruntime-web/webgpu'); Node keeps
  // the package's own entry
  resolve: { alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/wasm' }] },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  worker: { format: 'es' },
});
