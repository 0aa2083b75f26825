/**
 * Does a rewritten (symbolic-batch) session compute what the original computes env by env? A batch of a few
 * pseudo-random observations (with distinct time steps and random recurrent state when the graph has them) is
 * run once on the batched session and env by env on the original; every output must agree to 1e-5.
 */
import type { PolicySession } from './session';

const TOL = 1e-5;

/** deterministic values in [-1, 1) */
function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function worstDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let w = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= w)) w = Number.isNaN(d) ? (Number.isNaN(a[i]) && Number.isNaN(b[i]) ? w : Infinity) : d;
  }
  return w;
}

/** null when `batched` (one run of n envs) equals `single` (n runs), else why not. */
export async function batchDisagreement(single: PolicySession, batched: PolicySession, n = 3): Promise<string | null> {
  const size = single.obsSize;
  if (size <= 0) return 'the observation size is not fixed in the graph';
  const obs = noise(n * size, 7);
  const ts = single.timeStepInput ? Float32Array.from({ length: n }, (_, e) => e) : undefined;
  const inputs = single.recurrentInputs();
  for (const [k, input] of inputs.entries()) {
    const state = noise(single.recurrentSize(input) * n, 11 + k);
    single.setRecurrentState(input, state, n);
    batched.setRecurrentState(input, state, n);
  }
  try {
    const a = await single.run(obs, n, ts),
      b = await batched.run(obs, n, ts);
    const pairs: [string, Float32Array, Float32Array][] = [['actions', a.actions, b.actions]];
    for (const k of Object.keys(a.reference ?? {})) pairs.push([k, a.reference![k], b.reference?.[k] ?? new Float32Array(0)]);
    for (const input of inputs) pairs.push([`state ${input}`, single.recurrentState(input)!, batched.recurrentState(input)!]);
    for (const [name, x, y] of pairs) {
      const w = worstDiff(y, x);
      if (!(w <= TOL))
        return `output ${name} of a batch of ${n} differs from ${n} single runs (${Number.isFinite(w) ? w.toExponential(2) : 'shape or NaN'})`;
    }
    return null;
  } catch (e) {
    return `a batch of ${n} fails: ${String((e as Error).message ?? e).split('\n')[0]}`;
  } finally {
    single.resetRecurrent();
    batched.resetRecurrent();
  }
}
