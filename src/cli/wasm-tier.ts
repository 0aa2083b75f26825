/**
 * Which of V8's WebAssembly compilers a run uses. V8 runs new WebAssembly on its baseline compiler (Liftoff) and
 * recompiles hot functions with its optimising compiler (TurboFan) in the background. Rapier's step is one very large
 * function: optimising it costs ~1.4 s of CPU, and a process cannot exit before that compile is done. Measured here
 * (G1 + dance, nominal, --envs 4, 1 worker, wall s, optimising → baseline only): 1 × 0.1 s 2.92 → 1.83; 1 × 10 s 3.5 →
 * 2.3; 8 × 10 s 5.2–5.4 → 4.3–4.6; 16 × 10 s 5.85 → 6.44. MuJoCo gains nothing on short runs (1 × 0.1 s 3.33 → 3.24)
 * and loses on long ones (16 × 10 s 6.69 → 7.96). So a Rapier-only run of at most BASELINE_MAX_SECONDS simulated
 * humanoid-seconds per worker runs on the baseline compiler alone; every other run as V8 chooses.
 * MIMIC_WASM_TIER=baseline|optimizing overrides the choice.
 *
 * The optimizing tier runs with 100× V8's tiering budget: by default V8 also optimises every function that runs for a
 * moment (MuJoCo's model compiler and embind start-up, onnxruntime's session set-up), in each worker, on the
 * background threads that share the cores with the workers; the step loop's functions still reach the larger
 * budget within the first simulated seconds. CPU s (user + sys, G1 + dance, nominal, --envs 4; V8's budget → 100×,
 * same results bit for bit): MuJoCo 1 × 0.1 s, 2 workers 5.3–5.4 → 3.1–3.8; 16 × 10 s, 2 workers 12.9–14.3 →
 * 10.2–11.2; 64 × 10 s 23.5 → 18.6 (1 worker), 26.1 → 21.4 (2); Rapier 64 × 10 s 25.2 → 23.6 (1), 31.4 → 23.2 (2).
 * 1000× was worse again (MuJoCo 64 × 10 s, 1 worker: 22.1). MIMIC_WASM_BUDGET=N sets the budget (0: V8's own).
 */
import { setFlagsFromString } from 'node:v8';
import type { CliOptions } from './eval-options';
import { peekScenario } from './scenario-peek';

/** Simulated humanoid-seconds per worker up to which a Rapier-only run skips the optimising compiler. */
export const BASELINE_MAX_SECONDS = 100;

export type WasmTier = 'baseline' | 'optimizing';

/** A scenario file's `episodes` (1 when it names none or cannot be read: the run reports that itself). */
function scenarioEpisodes(path: string): number {
  const episodes = peekScenario(path)?.episodes;
  return typeof episodes === 'number' && episodes > 0 ? episodes : 1;
}

/**
 * Simulated humanoid-seconds per worker the run asks for, or null when it cannot be known from the arguments (no
 * --seconds: the clips' lengths decide).
 */
export function secondsPerWorker(o: CliOptions): number | null {
  if (o.seconds === undefined) return null;
  const episodes = o.scenarios.length ? o.scenarios.reduce((a, s) => a + (o.episodes ?? scenarioEpisodes(s)), 0) : (o.episodes ?? 1);
  const runs = episodes * Math.max(1, o.policies.length) * Math.max(1, o.motions.length) * o.engines.length;
  return (runs * o.seconds) / Math.max(1, o.workers);
}

/** The tier for the run: the override, else baseline for a short Rapier-only run. */
export function wasmTierFor(o: CliOptions, env: Record<string, string | undefined> = process.env): WasmTier {
  const forced = env.MIMIC_WASM_TIER;
  if (forced === 'baseline' || forced === 'optimizing') return forced;
  const s = secondsPerWorker(o);
  return o.engines.every((e) => e === 'rapier') && s !== null && s <= BASELINE_MAX_SECONDS ? 'baseline' : 'optimizing';
}

/** V8's default dynamic-tiering budget (roughly: bytes of a function's code run before it is optimised). */
export const V8_TIERING_BUDGET = 1_800_000;

/** The budget the optimizing tier runs with: V8's ×TIERING_BUDGET_SCALE, or MIMIC_WASM_BUDGET. */
export const TIERING_BUDGET_SCALE = 100;

/** V8's flags for `tier` (MIMIC_WASM_BUDGET=N sets the optimizing tier's budget; 0: V8's default). */
export function wasmTierFlags(tier: WasmTier, env: Record<string, string | undefined> = process.env): string[] {
  if (tier === 'baseline') return ['--liftoff-only'];
  const forced = Number(env.MIMIC_WASM_BUDGET);
  const budget = env.MIMIC_WASM_BUDGET !== undefined && forced >= 0 ? forced : V8_TIERING_BUDGET * TIERING_BUDGET_SCALE;
  return budget > 0 ? [`--wasm-tiering-budget=${Math.round(budget)}`] : [];
}

/** Set V8's flags for `tier` (process-wide, workers included); call before any WebAssembly is compiled. */
export function applyWasmTier(tier: WasmTier): void {
  for (const flag of wasmTierFlags(tier)) setFlagsFromString(flag);
}
