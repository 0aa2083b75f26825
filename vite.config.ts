import { defineConfig } from 'vite';

// The app is served from the repo root; `shaders/`, `motions/`, `policies/` are imported with ?raw or fetched.
export default defineConfig({
  base: './',
  publicDir: 'public',
  server: { fs: { allow: ['.'] } },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  worker: { format: 'es' },
});
