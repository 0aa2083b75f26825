/** Web Worker pool for browser evaluation: Web Workers running ./worker.ts, in the core's pool. */
import { createPool, type Pool, type PoolWorker, type WorkerReply } from '../../core/evaluation/pool';

export type WebPool = Pool;

export function createWebPool(size: number): Pool {
  return createPool(
    Array.from({ length: Math.max(1, size) }, () => webWorker(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }))),
  );
}

function webWorker(w: Worker): PoolWorker {
  return {
    post: (m) => w.postMessage(m),
    listen: (onReply, onError) => {
      const msg = (ev: MessageEvent<WorkerReply>) => onReply(ev.data);
      const err = (ev: ErrorEvent) => onError(new Error(`evaluation worker failed: ${ev.message}`));
      w.addEventListener('message', msg);
      w.addEventListener('error', err);
      return () => {
        w.removeEventListener('message', msg);
        w.removeEventListener('error', err);
      };
    },
    terminate: () => w.terminate(),
  };
}
