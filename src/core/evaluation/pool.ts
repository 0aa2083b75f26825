/**
 * A pool of evaluation workers, the same for Node (worker_threads, src/cli/pool.ts) and the browser (Web Workers,
 * src/app/evaluation/pool.ts): executor i sends its BatchJobs to worker i, one at a time; progress and results
 * come back by job id; errors come back as MimicErrors (errors.ts `errorFromData`). The worker side is
 * `serveBatches`. Each platform only adapts its worker object to `PoolWorker`.
 */
import { errorFromData, errorToData, type ErrorData } from '../errors';
import type { BatchJob, BatchOutput } from './episode';
import type { Executor } from './plan';
import { packJob, unpackJob, type JobMessage } from './transfer';

export type WorkerReply =
  { id: number; progress: [number, number] } | { id: number; result: BatchOutput } | { id: number; error: ErrorData };

/** What the pool needs of a worker: post, listen (returns the unsubscribe), stop. */
export interface PoolWorker {
  post(message: unknown): void;
  listen(onReply: (m: WorkerReply) => void, onError: (e: Error) => void): () => void;
  terminate(): Promise<unknown> | void;
}

export interface Pool {
  executors: Executor[];
  /**
   * Parse each job's inputs on this thread with `prime` (inputs.ts primeInputs) and send them with it, once per
   * worker, so that workers do not parse them again.
   */
  primeWith(prime: (job: BatchJob) => [string, unknown][]): void;
  /** stop every worker; jobs still running reject with "cancelled" */
  close(): Promise<void>;
}

export function createPool(workers: PoolWorker[]): Pool {
  const pending = new Set<(e: Error) => void>();
  const sent = workers.map(() => new Set<string>()); // inputs each worker already holds (see transfer.ts)
  let nextId = 1;
  let prime: ((job: BatchJob) => [string, unknown][]) | null = null;
  const primedFor = (job: BatchJob, i: number) => {
    const fresh = (prime?.(job) ?? []).filter(([k]) => !sent[i].has(`primed:${k}`));
    fresh.forEach(([k]) => sent[i].add(`primed:${k}`));
    return fresh.length ? { primed: fresh } : {};
  };
  const executors: Executor[] = workers.map(
    (w, i) => (job: BatchJob, onProgress) =>
      new Promise<BatchOutput>((resolve, reject) => {
        const id = nextId++;
        const done = () => {
          stop();
          pending.delete(fail);
        };
        const fail = (e: Error) => {
          done();
          reject(e);
        };
        const stop = w.listen((m) => {
          if (m.id !== id) return;
          if ('progress' in m) onProgress(m.progress[0], m.progress[1]);
          else if ('result' in m) {
            done();
            resolve(m.result);
          } else fail(errorFromData(m.error));
        }, fail);
        pending.add(fail);
        w.post({ id, ...packJob(job, sent[i]), ...primedFor(job, i) });
      }),
  );
  return {
    executors,
    primeWith: (f) => (prime = f),
    close: async () => {
      await Promise.all(
        workers.map(async (w) => {
          await w.terminate();
        }),
      );
      for (const f of [...pending]) f(new Error('cancelled'));
    },
  };
}

/** The worker side: run each job message with the core's runBatch, at most ~50 progress replies per batch. */
export function serveBatches(reply: (m: WorkerReply) => void, stack = false): (m: JobMessage & { id: number }) => Promise<void> {
  const inputs = new Map<string, unknown>(); // robot / policy / clip payloads, sent once (transfer.ts)
  return async (m) => {
    let last = 0;
    try {
      const { runBatch } = await import('./episode'); // loaded on use: a CLI's main thread imports this pool without running batches
      const result = await runBatch(
        unpackJob(m, inputs),
        (done, total) => {
          if (done === total || done - last >= Math.max(1, total / 50)) {
            last = done;
            reply({ id: m.id, progress: [done, total] });
          }
        },
        m.primed,
      );
      reply({ id: m.id, result });
    } catch (e) {
      reply({ id: m.id, error: errorToData(e, stack) });
    }
  };
}
