/** worker_threads entry: runs evaluation batches sent by src/cli/pool.ts (the core's pool). */
import { parentPort, workerData } from 'node:worker_threads';
import '../core/evaluation/episode'; // the batch runner (the pool imports it on use): loaded now, before the first job
import { serveBatches } from '../core/evaluation/pool';
import { loadMujoco } from '../core/physics/mujoco';
import { initRapier } from '../core/physics/rapier';
import { warmOrt } from '../core/policy/identity-model';
import { useSharedWasm, type SharedWasm } from './wasm-share';

const data = workerData as { warm?: string[]; sharedWasm?: boolean } | null;

/**
 * Instantiate the engines' and onnxruntime's WebAssembly now, while the main thread reads the inputs (a failure
 * shows in the job); not what the warm-up thread runs (wasm-warm.ts), beyond the engines' own instances.
 */
function warmUp(warmed: string[] = []): void {
  const warm = (data?.warm ?? []).map(String);
  if (warm.includes('mujoco')) loadMujoco().catch(() => {});
  if (warm.includes('rapier')) initRapier().catch(() => {});
  if (warm.includes('ort') && !warmed.includes('ort')) warmOrt().catch(() => {});
}

// with sharedWasm, the pool's first message carries the Modules compiled in the main thread (wasm-share.ts)
if (!data?.sharedWasm) warmUp();

const port = parentPort!;
const serve = serveBatches((m) => port.postMessage(m), true);
port.on('message', (m: Parameters<typeof serve>[0] | { wasm: SharedWasm[]; warmed: string[] }) => {
  if (!('wasm' in m)) return void serve(m);
  useSharedWasm(m.wasm);
  warmUp(m.warmed);
});
