/**
 * Node worker pool for evaluation batches: worker_threads running src/cli/eval-worker.ts, in the core's pool.
 * Workers start from the bundled entry (worker-bundle.ts) when it can be made, else through tsx. `warm` names
 * the engines whose WebAssembly each worker instantiates at once, while the main thread still reads inputs.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createPool, type Pool, type PoolWorker, type WorkerReply } from '../core/evaluation/pool';
import { workerBundle } from './worker-bundle';

/** The worker entry as TypeScript: register tsx's loader inside the worker, then import it. */
function tsxWorker(warm: string[]): Worker {
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const entry = new URL('./eval-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: { warm } });
}

/** Start `size` workers; executors[i] sends its jobs to worker i. */
export function createNodePool(size: number, warm: string[] = []): Pool {
  const bundle = workerBundle();
  const start = () => (bundle ? new Worker(bundle, { workerData: { warm } }) : tsxWorker(warm));
  return createPool(Array.from({ length: Math.max(1, size) }, () => nodeWorker(start())));
}

function nodeWorker(w: Worker): PoolWorker {
  return {
    post: (m) => w.postMessage(m),
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
