/**
 * Sending batch jobs to workers without copying the big inputs every time: a job's robot (with its mesh files,
 * ~19 MB for the G1), policy and clip go to a given worker once; later jobs name them by key. Structured-cloning
 * the G1's files took 40–600 ms per job on the (serial) main thread plus as much again in the worker.
 * Keys follow object identity: a plan reuses the same objects for all its batches.
 */
import type { BatchJob } from './episode';

export interface JobMessage {
  /** the job without robot, clip and variant.policy */
  job: BatchJob;
  refs: { robot: string; clip: string; policy?: string };
  /** payloads this worker has not seen yet, by key */
  shared: Record<string, unknown>;
  /** parsed inputs this worker has not received yet (inputs.ts primeInputs), by their cache key */
  primed?: [string, unknown][];
}

const ids = new WeakMap<object, string>();
let nextId = 1;
const keyOf = (o: object): string => {
  let k = ids.get(o);
  if (!k) ids.set(o, (k = `payload-${nextId++}`));
  return k;
};

/** Pack `job` for one worker; `sent` is that worker's set of keys already delivered (updated here). */
export function packJob(job: BatchJob, sent: Set<string>): JobMessage {
  const shared: Record<string, unknown> = {};
  const share = (o: object): string => {
    const k = keyOf(o);
    if (!sent.has(k)) {
      shared[k] = o;
      sent.add(k);
    }
    return k;
  };
  const refs: JobMessage['refs'] = { robot: share(job.robot), clip: share(job.clip) };
  if (job.variant.policy) refs.policy = share(job.variant.policy);
  const slim = { ...job, robot: undefined, clip: undefined, variant: { ...job.variant, policy: undefined } };
  return { job: slim as unknown as BatchJob, refs, shared };
}

/** Rebuild the job in the worker; `cache` holds the payloads received so far (kept for the worker's life). */
export function unpackJob(m: JobMessage, cache: Map<string, unknown>): BatchJob {
  for (const [k, v] of Object.entries(m.shared)) cache.set(k, v);
  const get = <T>(k: string): T => {
    if (!cache.has(k)) throw new Error(`evaluation worker: input ${k} was never sent to this worker`);
    return cache.get(k) as T;
  };
  return {
    ...m.job,
    robot: get(m.refs.robot),
    clip: get(m.refs.clip),
    variant: { ...m.job.variant, policy: m.refs.policy ? get(m.refs.policy) : undefined },
  };
}
