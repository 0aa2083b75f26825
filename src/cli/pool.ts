/**
 * Node worker pool for evaluation batches: worker_threads running src/cli/eval-worker.ts, in the core's pool.
 * Workers start from its esbuild bundle (bundle.mjs) when it can be made, else through tsx. `warm` names the
 * engines (and `ort`, onnxruntime) whose WebAssembly each worker instantiates at once, while the main thread still
 * reads inputs. That WebAssembly is compiled here once and shared by the workers and a warm-up thread (wasm-share.ts,
 * wasm-warm.ts); MIMIC_SHARE_WASM=0: each worker compiles its own.
 */
import { Worker } from 'node:worker_threads';
import { createPool, type Pool, type PoolWorker, type WorkerReply } from '../core/evaluation/pool';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleOf, ENTRIES, ROOT } from './bundle.mjs';
import { compileShared } from './wasm-share';

/** A worker from the bundle of `entry` (bundle.mjs), else from its TypeScript through tsx's loader (importTs). */
function startWorker(entry: keyof typeof ENTRIES, workerData: unknown): Worker {
  const bundle = bundleOf(entry);
  if (bundle) return new Worker(bundle, { workerData });
  const bundler = pathToFileURL(join(ROOT, 'src/cli/bundle.mjs'));
  const boot = `import(${JSON.stringify(bundler.href)}).then((m) => m.importTs(${JSON.stringify(ENTRIES[entry])}));`;
  return new Worker(boot, { eval: true, workerData });
}

/** Compile the shared WebAssembly, start the warm-up thread, then hand the Modules to the workers. */
async function shareWasm(workers: Worker[], warm: string[], policy: string | null): Promise<void> {
  const wasm = await compileShared(warm);
  if (wasm.length) {
    const warmer = startWorker('wasm-warm', { wasm, policy });
    warmer.on('error', () => {}); // only a warm-up: the workers meet any real failure themselves
    warmer.unref();
  }
  for (const w of workers) w.postMessage({ wasm, warmed: wasm.map((s) => s.name) });
}

/**
 * Start `size` workers; executors[i] sends its jobs to worker i (after the shared WebAssembly). `policy`: the
 * run's (first) policy file, which the warm-up thread loads once.
 */
export function createNodePool(size: number, warm: string[] = [], policy: string | null = null): Pool {
  const sharedWasm = warm.length > 0 && process.env.MIMIC_SHARE_WASM !== '0';
  const workers = Array.from({ length: Math.max(1, size) }, () => startWorker('eval-worker', { warm, sharedWasm }));
  const ready = sharedWasm ? shareWasm(workers, warm, policy) : Promise.resolve();
  return createPool(workers.map((w) => nodeWorker(w, ready)));
}

function nodeWorker(w: Worker, ready: Promise<void>): PoolWorker {
  return {
    post: (m) => void ready.then(() => w.postMessage(m)),
    listen: (onReply, onError) => {
      const msg = (m: WorkerReply) => onReply(m);
      w.on('message', msg);
      w.on('error', onError);
      return () => {
        w.off('message', msg);
        w.off('error', onError);
      };
    },
    terminate: () => w.terminate(),
  };
}
