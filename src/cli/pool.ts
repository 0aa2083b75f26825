/**
 * Node worker pool for evaluation batches: worker_threads running src/cli/eval-worker.ts, in the core's pool.
 * Workers start from its esbuild bundle (bundle.mjs) when it can be made, else through tsx. `warm` names the
 * engines (and `ort`, onnxruntime) whose WebAssembly each worker instantiates at once, while the main thread still
 * reads inputs.
 */
import { Worker } from 'node:worker_threads';
import { createPool, type Pool, type PoolWorker, type WorkerReply } from '../core/evaluation/pool';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleOf, ROOT } from './bundle.mjs';

const ENTRY = 'src/cli/eval-worker.ts';

/** The worker entry as TypeScript, through tsx's loader registered inside the worker (bundle.mjs importTs). */
function tsxWorker(warm: string[]): Worker {
  const bundler = pathToFileURL(join(ROOT, 'src/cli/bundle.mjs'));
  const boot = `import(${JSON.stringify(bundler.href)}).then((m) => m.importTs(${JSON.stringify(ENTRY)}));`;
  return new Worker(boot, { eval: true, workerData: { warm } });
}

/** Start `size` workers; executors[i] sends its jobs to worker i. */
export function createNodePool(size: number, warm: string[] = []): Pool {
  const bundle = bundleOf('eval-worker');
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
