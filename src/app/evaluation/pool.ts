/** Web Worker pool for browser evaluation: one BatchJob at a time per worker; terminate() cancels. */
import { MimicError, type ErrorKind } from '../../core/errors';
import type { BatchJob, BatchOutput } from '../../core/evaluation/episode';
import type { Executor } from '../../core/evaluation/plan';
import { packJob } from '../../core/evaluation/transfer';

interface Reply {
  id: number;
  progress?: [number, number];
  result?: BatchOutput;
  error?: { message: string; kind?: ErrorKind; file?: string; where?: string; detail?: string };
}

export interface WebPool {
  executors: Executor[];
  /** stop every worker; running jobs reject with "cancelled" */
  terminate(): void;
}

export function createWebPool(size: number): WebPool {
  const pending = new Set<(e: Error) => void>();
  let nextId = 1;
  const workers = Array.from({ length: Math.max(1, size) }, () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }));
  const sent = workers.map(() => new Set<string>()); // inputs each worker already holds (see transfer.ts)
  const executors: Executor[] = workers.map((w, i) => (job: BatchJob, onProgress) =>
    new Promise<BatchOutput>((resolve, reject) => {
      const id = nextId++;
      const fail = (e: Error) => { cleanup(); reject(e); };
      const onMessage = (ev: MessageEvent<Reply>) => {
        const m = ev.data;
        if (m.id !== id) return;
        if (m.progress) onProgress(m.progress[0], m.progress[1]);
        else if (m.result) { cleanup(); resolve(m.result); }
        else if (m.error) {
          const e = m.error;
          fail(e.kind && e.file !== undefined && e.detail !== undefined ? new MimicError(e.kind, e.file, e.where ?? '', e.detail) : new Error(e.message));
        }
      };
      const onError = (ev: ErrorEvent) => fail(new Error(`evaluation worker failed: ${ev.message}`));
      const cleanup = () => {
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
        pending.delete(fail);
      };
      pending.add(fail);
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError);
      w.postMessage({ id, ...packJob(job, sent[i]) });
    }));
  return {
    executors,
    terminate: () => {
      for (const w of workers) w.terminate();
      for (const f of [...pending]) f(new Error('cancelled'));
    },
  };
}
