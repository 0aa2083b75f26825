/**
 * worker_threads entry (pool.ts): the warm-up thread. It instantiates the run's shared WebAssembly (wasm-share.ts)
 * and runs each runtime once: V8 compiles a Module's functions on their first call, and a shared Module keeps that
 * code for every thread, so the evaluation workers find onnxruntime's session set-up, MuJoCo's start-up and
 * Rapier's step already compiled. onnxruntime's first session in a worker took 265–370 ms, 70–120 ms after this.
 * It runs beside the workers (on a core the coordinator leaves idle) and ends when done.
 */
import { readFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { loadMujoco } from '../core/physics/mujoco';
import { initRapier } from '../core/physics/rapier';
import { configureOrt } from '../core/policy/ort-env';
import { warmOrt } from '../core/policy/identity-model';
import { useSharedWasm, type SharedWasm } from './wasm-share';

const { wasm, policy } = workerData as { wasm: SharedWasm[]; policy: string | null };
useSharedWasm(wasm);

/** A session of the run's policy (the operators it uses), or of the identity model. */
async function warmPolicy(): Promise<void> {
  if (!policy) return warmOrt();
  const ort = await import('onnxruntime-web');
  configureOrt(ort);
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(policy)));
  await session.release();
}

/** Rapier's step (one very large function) compiled by a step of an empty world. */
async function warmRapier(): Promise<void> {
  await initRapier();
  const { default: RAPIER } = await import('@dimforge/rapier3d-compat');
  const world = new RAPIER.World({ x: 0, y: 0, z: -9.81 });
  world.step();
  world.free();
}

const WARM: Record<string, () => Promise<unknown>> = { ort: warmPolicy, rapier: warmRapier, mujoco: loadMujoco };
for (const { name } of wasm) await WARM[name]?.().catch(() => {}); // a failure shows in the workers' own use
