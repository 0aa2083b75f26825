/**
 * The length of a policy's embedded reference. Real BeyondMimic-style exports CLAMP `time_step` past the last
 * frame (the outputs stop changing) and some graphs fail there instead (an out-of-range Gather); neither says
 * how long the motion is. So probe: the outputs at a far step are the "end"; an exponential search then a
 * bisection find the first step whose reference outputs equal the end's — the last frame (or, for a graph
 * that fails past the end, the first failing step − 1). About 2·log2(frames) runs of the policy for one env.
 */
import { fail, MimicError } from '../errors';
import { REFERENCE_OUTPUTS, type PolicyConfig } from './config';
import type { PolicySession } from './session';

/** Far enough for any motion (6 h at 50 Hz), exact in float32. */
export const PROBE_FAR = 1 << 20;

export interface ReferenceLength {
  /** index of the last reference step (the motion has last + 1 steps) */
  last: number;
  /** policy runs spent probing */
  probes: number;
  /** the graph failed past the end instead of clamping */
  failsPastEnd: boolean;
}

type Sample = Float32Array[] | null;

function referenceKeys(config: PolicyConfig): Set<string> {
  const r = config.referenceOutputs;
  const named = r ? [r.jointPos, r.jointVel, r.bodyPos, r.bodyQuat, r.bodyLinVel, r.bodyAngVel].filter((k): k is string => !!k) : [];
  return new Set([...REFERENCE_OUTPUTS, ...named]);
}

function same(a: Sample, b: Sample): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k],
      y = b[k];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return false;
  }
  return true;
}

/** Probe the last step of the reference embedded in `session` (one env, zero observations of `obsSize`). */
export async function probeReferenceLength(
  session: PolicySession,
  config: PolicyConfig,
  obsSize: number,
  file: string,
): Promise<ReferenceLength> {
  const obs = new Float32Array(obsSize);
  const wanted = referenceKeys(config);
  let probes = 0;
  const at = async (t: number): Promise<Sample> => {
    probes++;
    let out: Record<string, Float32Array> | undefined;
    try {
      out = (await session.run(obs, 1, Float32Array.of(t))).reference;
    } catch (e) {
      if (e instanceof MimicError || t === 0) throw e;
      return null; // the graph fails past its last frame
    }
    if (!out) return fail('PolicyError', file, 'outputs', 'the embedded-reference policy returned no reference outputs');
    const keys = Object.keys(out)
      .filter((k) => wanted.has(k))
      .sort();
    return (keys.length ? keys : Object.keys(out).sort()).map((k) => out[k]);
  };
  const end = await at(PROBE_FAR);
  let lo = 0,
    hi = 1;
  if (same(await at(0), end)) hi = 0;
  else {
    while (!same(await at(hi), end)) {
      lo = hi;
      if (hi >= PROBE_FAR) break;
      hi = Math.min(hi * 2, PROBE_FAR);
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (same(await at(mid), end)) hi = mid;
      else lo = mid;
    }
  }
  const failsPastEnd = end === null;
  const recurrent = session as { resetRecurrent?: (env?: number) => void };
  recurrent.resetRecurrent?.();
  return { last: failsPastEnd ? Math.max(0, hi - 1) : hi, probes, failsPastEnd };
}
