import { defineConfig } from 'vitest/config';

// Files that must start in a fresh process: they watch the WASM heaps of engines they load themselves (the engine
// module must not be loaded yet), or drive a GPU device (Dawn) of their own.
const ISOLATED = ['tests/unit/physics-memory.test.ts', 'tests/unit/mujoco-model-cache.test.ts', 'tests/gpu/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' },
    globalSetup: ['tests/global-setup.ts'],
    projects: [
      // the core unit tests share each worker's module cache (isolate: false): every file's imports (the engines,
      // onnxruntime, the model loaders) are loaded once per worker instead of once per file
      { extends: true, test: { name: 'core', include: ['tests/unit/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: [...ISOLATED, 'tests/browser/**/*.test.ts'] } },
    ],
  },
});
