/**
 * A --scenario file read as plain JSON, before (and without) the scenario parser: the launcher's first module peeks
 * at it to choose a run mode (eval-start.ts) and a WebAssembly tier (wasm-tier.ts). Null when it cannot be read or is
 * not an object; the run's own parser reports that.
 */
import { readFileSync } from 'node:fs';

export function peekScenario(path: string): Record<string, unknown> | null {
  try {
    const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
