/** worker_threads entry: runs evaluation batches sent by src/cli/pool.ts (the core's pool). */
import { parentPort } from 'node:worker_threads';
import { serveBatches } from '../core/evaluation/pool';

const port = parentPort!;
const serve = serveBatches((m) => port.postMessage(m), true);
port.on('message', (m: Parameters<typeof serve>[0]) => void serve(m));
