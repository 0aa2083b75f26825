/** worker_threads entry: runs evaluation batches sent by src/cli/pool.ts. */
import { parentPort } from 'node:worker_threads';
import { MimicError } from '../core/errors';
import { runBatch } from '../core/evaluation/episode';
import { unpackJob, type JobMessage } from '../core/evaluation/transfer';

const port = parentPort!;
const inputs = new Map<string, unknown>(); // robot / policy / clip payloads, sent once (transfer.ts)
port.on('message', async (m: JobMessage & { id: number }) => {
  let last = 0;
  try {
    const result = await runBatch(unpackJob(m, inputs), (done, total) => {
      // at most ~50 progress messages per batch
      if (done === total || done - last >= Math.max(1, total / 50)) {
        last = done;
        port.postMessage({ id: m.id, progress: [done, total] });
      }
    });
    port.postMessage({ id: m.id, result });
  } catch (e) {
    const err = e as Error;
    port.postMessage({
      id: m.id,
      error: e instanceof MimicError
        ? { message: e.message, kind: e.kind, file: e.file, where: e.where, detail: e.detail }
        : { message: err?.stack ?? String(e) },
    });
  }
});
