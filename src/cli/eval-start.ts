/**
 * The first thing a scenario run does: start its worker pool from the arguments alone. The launcher
 * (run-eval.mjs) calls it before it loads the rest of the CLI, so the workers boot (and warm their engines) while
 * the main thread loads its modules and reads the inputs; main() calls it when started without the launcher.
 */
import type { Pool } from '../core/evaluation/pool';
import { parseArgs, type CliOptions } from './eval-options';
import { createNodePool } from './pool';
import { peekScenario } from './scenario-peek';
import { applyWasmTier, wasmTierFor } from './wasm-tier';

/**
 * Might the run be a skill plan or a velocity-command track (eval-modes.ts)? --command, or a --scenario JSON object
 * with `skills`, `blend` or `commands`: a superset of what eval-modes.ts accepts, read without its parsers.
 */
function maybeOtherMode(o: CliOptions): boolean {
  if (o.command) return true;
  return o.scenarios.some((path) => {
    const json = peekScenario(path);
    return !!json && ['skills', 'blend', 'commands'].some((k) => k in json);
  });
}

/** What the workers warm at their start: the run's engines, and onnxruntime when a policy runs. */
export const warmList = (o: CliOptions): string[] => [...o.engines, ...(o.policies.length ? ['ort'] : [])];

/**
 * The first worker of a pooled evaluation run (scenarios or several episodes, --workers ≠ 0), else null. The CLI adds
 * the others once the plan shows batches for them (eval.ts): a run of one batch starts one worker, and the first one
 * boots alone on the cores.
 */
export function earlyPool(o: CliOptions): Pool | null {
  if (maybeOtherMode(o)) return null;
  if (!o.policies.length && (!o.driver || o.driver === 'policy')) return null;
  return o.workers !== 0 && (o.scenarios.length > 0 || (o.episodes ?? 1) > 1) ? createNodePool(1, warmList(o)) : null;
}

/**
 * The launcher's start (run-eval.mjs, a process of its own): V8's WebAssembly tier for the run (wasm-tier.ts), then
 * earlyPool; null when the arguments do not parse or name a bad file (main reports it).
 */
export function earlyPoolFor(argv: string[]): Pool | null {
  try {
    const o = parseArgs(argv);
    applyWasmTier(wasmTierFor(o));
    return earlyPool(o);
  } catch {
    return null;
  }
}
