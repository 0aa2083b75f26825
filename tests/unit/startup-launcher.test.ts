// `npm run eval` starts src/cli/run-eval.mjs: the CLI from esbuild bundles (src/cli/bundle.mjs), its workers
// started from a small first module. It must print what the TypeScript CLI prints (apart from `timing`), and that
// first module must load no package (no engine, no onnxruntime): that is what lets the workers start at once.
// The launcher's run is a short Rapier-only one, so it takes V8's baseline WebAssembly tier alone (wasm-tier.ts)
// while the tsx CLI takes V8's default: the same output shows that the tier does not change results.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleOf } from '../../src/cli/bundle.mjs';
import { parseArgs } from '../../src/cli/eval-options';
import { wasmTierFor } from '../../src/cli/wasm-tier';
import { POLICY, ROBOT, withoutTiming } from './eval-cli-spawn';

const ARGS = ['--robot', ROBOT, '--policy', POLICY, '--motion', '../shared/assets/policies/g1-dance-102/G1_Take_102.bvh_60hz.csv'];
ARGS.push('--scenario', 'seeds/nominal.json', '--seconds', '0.1', '--envs', '1', '--workers', '1', '--json', '--quiet');

const run = (node: string[]) => spawnSync(process.execPath, [...node, ...ARGS], { encoding: 'utf8', timeout: 180_000 });

/** Packages a bundle file imports statically, following its static imports of other bundle files. */
function eagerPackages(file: string, seen = new Set<string>(), found = new Set<string>()): Set<string> {
  if (seen.has(file)) return found;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/^import\s[^'"]*?["']([^"']+)["'];?$/gm)) {
    if (m[1].startsWith('./')) eagerPackages(join(dirname(file), m[1]), seen, found);
    else if (!m[1].startsWith('node:')) found.add(m[1]);
  }
  return found;
}

describe('eval CLI launcher (bundles)', () => {
  it('prints what the TypeScript CLI prints, apart from timing (baseline WebAssembly tier against the default)', () => {
    expect(wasmTierFor(parseArgs(ARGS), {})).toBe('baseline');
    const viaBundle = run(['src/cli/run-eval.mjs']);
    expect(viaBundle.stderr).toBe('');
    expect(viaBundle.status).toBe(0);
    const viaTsx = run(['--import', 'tsx', 'src/cli/eval.ts']);
    expect(viaTsx.status).toBe(0);
    expect(withoutTiming(viaBundle.stdout)).toBe(withoutTiming(viaTsx.stdout));
    expect(JSON.parse(viaBundle.stdout).groups[0].episodes).toHaveLength(1);
  }, 200_000);

  it('the first module loads no package; the main bundle leaves MuJoCo and onnxruntime to the workers', () => {
    const start = bundleOf('eval-start'),
      cli = bundleOf('eval-cli'),
      worker = bundleOf('eval-worker');
    expect(start && cli && worker).toBeTruthy();
    expect([...eagerPackages(fileURLToPath(start!))]).toEqual([]);
    const main = eagerPackages(fileURLToPath(cli!));
    expect(main.has('mujoco-js') || main.has('onnxruntime-web')).toBe(false);
    // the worker loads onnxruntime before its first job (it runs every batch), MuJoCo only when asked for
    const inWorker = eagerPackages(fileURLToPath(worker!));
    expect(inWorker.has('onnxruntime-web')).toBe(true);
    expect(inWorker.has('mujoco-js')).toBe(false);
  });
});
