// Shared by the benches that drive headless Chromium, and by every bench file runnable on its own.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { exitWhenFlushed } from '../src/cli/exit';

/** Chromium flags every bench launch uses (no sandbox, no background traffic, no first-run UI). */
export const CHROMIUM_BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** WebGPU on SwiftShader (a CPU rasteriser): the adapter headless Chromium has without a GPU. */
export const SWIFTSHADER_ARGS = ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-features=Vulkan'];

/** The repository root and the shared test assets beside it. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SHARED_ASSETS = resolve(REPO_ROOT, '../shared/assets');

/**
 * A Vite dev server over the repository (test and bench pages), the shared assets readable under /@fs, on a free
 * port. node_modules is allowed where it really is (a git worktree may link it from another checkout).
 */
export async function serveRepo(): Promise<{ url: string; server: ViteDevServer }> {
  const server = await createServer({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'error',
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      fs: { allow: [REPO_ROOT, SHARED_ASSETS, realpathSync(resolve(REPO_ROOT, 'node_modules'))] },
      hmr: false,
      watch: null,
    },
    optimizeDeps: { noDiscovery: true, include: [], exclude: ['onnxruntime-web'] },
  });
  await server.listen();
  const addr = server.httpServer!.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`, server };
}

/** Run `run` when the file at `url` (its import.meta.url) is the process's entry point; exit 0 or 1. */
export function runIfMain(url: string, run: () => Promise<unknown>): void {
  if (!process.argv[1] || fileURLToPath(url) !== process.argv[1]) return;
  run().then(
    () => exitWhenFlushed(0),
    (e) => {
      console.error(e);
      exitWhenFlushed(1);
    },
  );
}

/** Build the app into `outDir` and serve it with `vite preview` on a free port. */
export async function serveBuiltApp(outDir: string): Promise<{ url: string; server: PreviewServer }> {
  await build({ logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ logLevel: 'error', build: { outDir }, preview: { port: 0, strictPort: false, host: '127.0.0.1' } });
  const addr = server.httpServer.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 4173}/`, server };
}
