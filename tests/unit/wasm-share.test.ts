// WebAssembly compiled once by the eval CLI's main thread and shared by its workers (src/cli/wasm-share.ts, pool.ts,
// wasm-warm.ts): the bytes are found in each package, only equal bytes take the shared Module, and a run whose
// workers instantiate the shared Modules prints what a run whose workers compile their own prints.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileShared, useSharedWasm } from '../../src/cli/wasm-share';
import { POLICY, ROBOT, withoutTiming } from './eval-cli-spawn';

/** the smallest module, and one with a custom section (other bytes) */
const EMPTY = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]);
const OTHER = Uint8Array.from([...EMPTY, 0, 2, 1, 120]);

describe('shared WebAssembly', () => {
  it("finds MuJoCo's, Rapier's and onnxruntime's wasm in their packages", async () => {
    const list = await compileShared(['mujoco', 'rapier', 'ort', 'unknown']);
    expect(list.map((s) => s.name)).toEqual(['mujoco', 'rapier', 'ort']);
    for (const s of list) {
      expect([...s.bytes.subarray(0, 4)]).toEqual([0, 97, 115, 109]);
      expect(s.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(WebAssembly.Module.exports(s.module).length).toBeGreaterThan(0);
    }
  });

  it('instantiates the shared Module for equal bytes only', async () => {
    const module = await WebAssembly.compile(EMPTY);
    const bytes = new Uint8Array(new SharedArrayBuffer(EMPTY.length));
    bytes.set(EMPTY);
    const restore = useSharedWasm([{ name: 'empty', bytes, module }]);
    try {
      const same = await WebAssembly.instantiate(EMPTY.slice());
      expect(same.module).toBe(module);
      const other = await WebAssembly.instantiate(OTHER);
      expect(other.module).not.toBe(module);
      expect(await WebAssembly.instantiate(module)).toBeInstanceOf(WebAssembly.Instance);
    } finally {
      restore();
    }
  });

  it('workers on the shared Modules print what workers compiling their own print (both engines, 2 workers)', () => {
    const args = ['src/cli/run-eval.mjs', '--robot', ROBOT, '--policy', POLICY, '--scenario', 'seeds/nominal.json'];
    args.push('--engine', 'rapier,mujoco', '--episodes', '3', '--seconds', '0.2', '--envs', '2', '--workers', '2', '--json', '--quiet');
    const run = (share: string) =>
      spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 180_000, env: { ...process.env, MIMIC_SHARE_WASM: share } });
    const shared = run('1'),
      own = run('0');
    expect(shared.stderr).toBe('');
    expect(shared.status).toBe(0);
    expect(own.status).toBe(0);
    expect(withoutTiming(shared.stdout)).toBe(withoutTiming(own.stdout));
  }, 200_000);
});
