/**
 * Node worker pool for evaluation batches (worker_threads). Each worker runs src/cli/eval-worker.ts and
 * executes one BatchJob at a time; errors come back as MimicErrors with their kind, file and place.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MimicError, type ErrorKind } from '../core/errors';
import type { BatchJob, BatchOutput } from '../core/evaluation/episode';
import type { Executor } from '../core/evaluation/plan';
import { packJob } from '../core/evaluation/transfer';

export interface WorkerError { message: string; kind?: ErrorKind; file?: string; where?: string; detail?: string }

export type WorkerReply =
  | { id: number; progress: [number, number] }
  | { id: number; result: BatchOutput }
  | { id: number; error: WorkerError };

export interface NodePool {
  executors: Executor[];
  close(): Promise<void>;
}

export function toError(e: WorkerError): Error {
  if (e.kind && e.file !== undefined && e.detail !== undefined) return new MimicError(e.kind, e.file, e.where ?? '', e.detail);
  return new Error(e.message);
}

/** Start `size` workers; executors[i] sends its jobs to worker i. */
export function createNodePool(size: number): NodePool {
  // the worker is TypeScript: register tsx's loader inside the worker, then import the entry
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const entry = new URL('./eval-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const workers = Array.from({ length: Math.max(1, size) }, () => new Worker(boot, { eval: true }));
  let nextId = 1;
  const sent = workers.map(() => new Set<string>()); // inputs each worker already holds (see transfer.ts)
  const executors: Executor[] = workers.map((w, i) => (job: BatchJob, onProgress) =>
    new Promise<BatchOutput>((resolve, reject) => {
      const id = nextId++;
      const onMessage = (m: WorkerReply) => {
        if (m.id !== id) return;
        if ('progress' in m) onProgress(m.progress[0], m.progress[1]);
        else {
          w.off('message', onMessage);
          w.off('error', onError);
          if ('result' in m) resolve(m.result);
          else reject(toError(m.error));
        }
      };
      const onError = (err: Error) => {
        w.off('message', onMessage);
        reject(err);
      };
      w.on('message', onMessage);
      w.once('error', onError);
      w.postMessage({ id, ...packJob(job, sent[i]) });
    }));
  return {
    executors,
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
