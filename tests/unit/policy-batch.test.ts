// Batched inference for a graph whose batch is fixed at 1: the rewritten real dance export computes, in one run of N
// envs, the same actions as N single runs of the original (onnxruntime-web wasm, real weights).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { withSymbolicBatch } from '../../src/core/policy/batch-dim';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { DANCE } from './policy-fixture';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

describe('symbolic batch rewrite', () => {
  const bytes = new Uint8Array(readFileSync(`${DANCE}/policy.onnx`));

  it('makes the dance export batchable: one run of 16 envs = 16 single runs (1e-5)', async () => {
    const before = readOnnxInfo(bytes, 'policy.onnx');
    expect(before.inputs[0].dims[0]).toBe(1);
    const rw = withSymbolicBatch(bytes, 'policy.onnx')!;
    expect(rw.changed).toEqual(['obs', 'actions']);
    const after = readOnnxInfo(rw.bytes, 'policy.onnx');
    expect(after.inputs[0].dims).toEqual(['batch', 154]);
    expect(after.outputs[0].dims).toEqual(['batch', 29]);
    expect(after.metadata).toEqual(before.metadata);

    const single = await ort.InferenceSession.create(bytes);
    const batched = await ort.InferenceSession.create(rw.bytes);
    const n = 16, size = 154;
    const obs = Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 0.37) * 0.8);
    const all = (await batched.run({ obs: new ort.Tensor('float32', obs, [n, size]) })).actions.data as Float32Array;
    expect(all.length).toBe(n * 29);
    let worst = 0;
    for (let e = 0; e < n; e++) {
      const one = (await single.run({ obs: new ort.Tensor('float32', obs.slice(e * size, (e + 1) * size), [1, size]) })).actions.data as Float32Array;
      for (let i = 0; i < 29; i++) worst = Math.max(worst, Math.abs(one[i] - all[e * 29 + i]));
    }
    expect(worst).toBeLessThan(1e-5);
    // the single-run graph really refuses a batch of 16, so the rewrite is what made it possible
    await expect(single.run({ obs: new ort.Tensor('float32', obs, [n, size]) })).rejects.toThrow();
    await single.release();
    await batched.release();
  });

  it('returns null when nothing has a fixed batch of 1, and names corrupt bytes', () => {
    const rw = withSymbolicBatch(bytes, 'policy.onnx')!;
    expect(withSymbolicBatch(rw.bytes, 'policy.onnx')).toBeNull();
    expect(() => withSymbolicBatch(bytes.subarray(0, 1000), 'cut.onnx')).toThrow(/ParseError in cut\.onnx at byte/);
  });
});
