/// <reference lib="webworker" />
/**
 * Web Worker entry for browser evaluation (bundled by Vite: `new Worker(new URL('./worker.ts', import.meta.url),
 * { type: 'module' })`). Runs one BatchJob per message with the same core code as the Node CLI.
 */
import * as ort from 'onnxruntime-web';
import wasmUrl from '../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm?url';
import { configureOrt } from '../../core/policy/ort-env';
import { MimicError } from '../../core/errors';
import { runBatch } from '../../core/evaluation/episode';
import { unpackJob, type JobMessage } from '../../core/evaluation/transfer';

configureOrt(ort, { wasmUrl: new URL(wasmUrl, self.location.href).href });

const scope = self as unknown as { postMessage(m: unknown): void; onmessage: ((ev: MessageEvent) => void) | null };

const inputs = new Map<string, unknown>(); // robot / policy / clip payloads, sent once (transfer.ts)

scope.onmessage = async (ev: MessageEvent<JobMessage & { id: number }>) => {
  const { id } = ev.data;
  let last = 0;
  try {
    const result = await runBatch(unpackJob(ev.data, inputs), (done, total) => {
      if (done === total || done - last >= Math.max(1, total / 50)) {
        last = done;
        scope.postMessage({ id, progress: [done, total] });
      }
    });
    scope.postMessage({ id, result });
  } catch (e) {
    scope.postMessage({
      id,
      error: e instanceof MimicError
        ? { message: e.message, kind: e.kind, file: e.file, where: e.where, detail: e.detail }
        : { message: (e as Error)?.message ?? String(e) },
    });
  }
};
