// A pool parses a job's inputs once on its own thread and sends them with the first job each worker gets (inputs.ts
// primeInputs → seedInputs); the worker runs on them without parsing, with the same output as parsing itself.
// Workers here are the core's serveBatches behind the pool's own worker interface, each in a fresh module instance
// (its own input cache, as in a worker thread), messages through a structured clone; real Rapier and onnxruntime.
import { describe, expect, it, vi } from 'vitest';
import type { BatchJob, BatchOutput } from '../../src/core/evaluation/episode';
import type { PoolWorker, WorkerReply } from '../../src/core/evaluation/pool';
import type { JobMessage } from '../../src/core/evaluation/transfer';
import { nominalScenario } from '../../src/core/evaluation/scenario';
import { danceBatch } from './policy-fixture';

type Served = JobMessage & { id: number };

/** A worker with its own module instances (fresh input cache); records what it was sent. */
async function freshWorker(log: Served[]): Promise<PoolWorker> {
  vi.resetModules();
  const { serveBatches } = await import('../../src/core/evaluation/pool');
  const listeners = new Set<(m: WorkerReply) => void>();
  const serve = serveBatches((m) => listeners.forEach((l) => l(structuredClone(m))));
  return {
    post: (m) => {
      log.push(m as Served);
      void serve(structuredClone(m) as Served);
    },
    listen: (onReply) => (listeners.add(onReply), () => listeners.delete(onReply)),
    terminate: () => {},
  };
}

const strip = (o: BatchOutput) => JSON.stringify({ ...o, msPerControlStep: 0 });

describe('evaluation pool: inputs parsed once, sent primed', () => {
  it('each worker gets the parsed robot, clip and policy with its first job only, and gives the same output', async () => {
    const job = (episodes: number[]): BatchJob => ({ ...danceBatch(), scenario: nominalScenario(1), episodes, seconds: 0.2 });
    const base = job([0]);
    const plain: Served[] = [],
      primed: Served[][] = [[], []];
    // unprimed: the worker parses the files itself
    const { createPool } = await import('../../src/core/evaluation/pool');
    const alone = createPool([await freshWorker(plain)]);
    const expected = await alone.executors[0]({ ...base }, () => {});
    expect(plain[0].primed).toBeUndefined();
    // primed: this thread parses (a fresh instance, like the CLI's main thread), two workers
    vi.resetModules();
    const core = await import('../../src/core/evaluation/pool');
    const { primeInputs } = await import('../../src/core/evaluation/inputs');
    const pool = core.createPool([await freshWorker(primed[0]), await freshWorker(primed[1])]);
    pool.primeWith(primeInputs);
    const same = { robot: base.robot, clip: base.clip, variant: base.variant };
    const outs = [
      await pool.executors[0]({ ...job([0]), ...same }, () => {}),
      await pool.executors[1]({ ...job([0]), ...same }, () => {}),
      await pool.executors[0]({ ...job([0]), ...same }, () => {}),
    ];
    for (const w of primed) expect(w[0].primed!.map(([k]) => k.replace(/:.*$/, '').split('|')[0])).toEqual(['robot', 'robot', 'robot']);
    expect(primed[0][0].primed!.map(([k]) => k.split('|').pop()!.split(':')[0])).toEqual(['robot', 'diagnosed', 'policy']);
    expect(primed[0][1].primed).toBeUndefined(); // the second job to the same worker: nothing again
    for (const o of outs) expect(strip(o)).toBe(strip(expected));
    expect(expected.records[0].control_steps).toBeGreaterThan(0);
  }, 120_000);
});
