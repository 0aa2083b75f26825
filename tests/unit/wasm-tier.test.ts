// Which V8 WebAssembly tier an eval run takes (src/cli/wasm-tier.ts): the baseline compiler alone for short
// Rapier-only runs, V8's own choice otherwise. That the tier does not change results is tested end to end in
// startup-launcher.test.ts (the launcher's run takes the baseline tier, the tsx CLI V8's default).
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/eval-options';
import {
  BASELINE_MAX_SECONDS,
  secondsPerWorker,
  TIERING_BUDGET_SCALE,
  V8_TIERING_BUDGET,
  wasmTierFlags,
  wasmTierFor,
} from '../../src/cli/wasm-tier';
import { POLICY, ROBOT } from './eval-cli-spawn';

const args = (...more: string[]) => parseArgs(['--robot', ROBOT, '--policy', POLICY, ...more]);

describe('eval WebAssembly tier', () => {
  it('counts simulated humanoid-seconds per worker from the arguments (scenario episodes when --episodes is absent)', () => {
    expect(secondsPerWorker(args('--scenario', 'seeds/nominal.json', '--seconds', '0.1', '--workers', '1'))).toBeCloseTo(0.1);
    expect(secondsPerWorker(args('--episodes', '16', '--seconds', '10', '--workers', '2', '--engine', 'rapier,mujoco'))).toBe(160);
    expect(secondsPerWorker(args('--episodes', '16'))).toBeNull(); // the clip's length decides
  });

  it('takes the baseline tier only for Rapier-only runs of at most BASELINE_MAX_SECONDS per worker', () => {
    const per = (episodes: number) => args('--episodes', String(episodes), '--seconds', '10', '--workers', '1');
    expect(wasmTierFor(per(BASELINE_MAX_SECONDS / 10), {})).toBe('baseline');
    expect(wasmTierFor(per(BASELINE_MAX_SECONDS / 10 + 1), {})).toBe('optimizing');
    expect(wasmTierFor(args('--episodes', '1', '--seconds', '1', '--engine', 'mujoco'), {})).toBe('optimizing');
    expect(wasmTierFor(args('--episodes', '1'), {})).toBe('optimizing');
  });

  it('MIMIC_WASM_TIER overrides the choice either way', () => {
    expect(wasmTierFor(args('--episodes', '1', '--seconds', '1'), { MIMIC_WASM_TIER: 'optimizing' })).toBe('optimizing');
    expect(wasmTierFor(args('--episodes', '1'), { MIMIC_WASM_TIER: 'baseline' })).toBe('baseline');
  });
});

describe('eval WebAssembly tier flags', () => {
  it('baseline: Liftoff alone; optimizing: a larger tiering budget, MIMIC_WASM_BUDGET overrides (0: V8 default)', () => {
    expect(wasmTierFlags('baseline', {})).toEqual(['--liftoff-only']);
    expect(wasmTierFlags('optimizing', {})).toEqual([`--wasm-tiering-budget=${V8_TIERING_BUDGET * TIERING_BUDGET_SCALE}`]);
    expect(wasmTierFlags('optimizing', { MIMIC_WASM_BUDGET: '5000000' })).toEqual(['--wasm-tiering-budget=5000000']);
    expect(wasmTierFlags('optimizing', { MIMIC_WASM_BUDGET: '0' })).toEqual([]);
    expect(wasmTierFlags('optimizing', { MIMIC_WASM_BUDGET: 'x' })).toEqual([
      `--wasm-tiering-budget=${V8_TIERING_BUDGET * TIERING_BUDGET_SCALE}`,
    ]);
  });
});
