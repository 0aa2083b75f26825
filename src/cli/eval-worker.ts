/** worker_threads entry: runs evaluation batches sent by src/cli/pool.ts (the core's pool). */
import { parentPort, workerData } from 'node:worker_threads';
import '../core/evaluation/episode'; // the batch runner (the pool imports it on use): loaded now, before the first job
import { serveBatches } from '../core/evaluation/pool';
import { loadMujoco } from '../core/physics/mujoco';
import { initRapier } from '../core/physics/rapier';
import { warmOrt } from '../core/policy/identity-model';
import { useHullCache } from './hull-cache';

useHullCache(); // collision hulls from the disk cache (src/cli/hull-cache.ts)

// instantiate the engines' and onnxruntime's WebAssembly now, while the main thread reads the inputs (a failure shows in the job)
const warm = ((workerData as { warm?: string[] } | null)?.warm ?? []).map(String);
if (warm.includes('mujoco')) loadMujoco().catch(() => {});
if (warm.includes('rapier')) initRapier().catch(() => {});
if (warm.includes('ort')) warmOrt().catch(() => {});

const port = parentPort!;
const serve = serveBatches((m) => port.postMessage(m), true);
port.on('message', (m: Parameters<typeof serve>[0]) => void serve(m));
