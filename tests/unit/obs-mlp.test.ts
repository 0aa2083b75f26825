// The hand-written ONNX MLP used by the Chromium hand-off test runs in onnxruntime-web (wasm, Node) and
// matches the same network in plain JS.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { makeMlp, mlpForward } from '../gpu/onnx-mlp';

describe('hand-written ONNX MLP', () => {
  it('onnxruntime-web (wasm) = JS forward pass, batch 3', async () => {
    const m = makeMlp(160, 64, 29, 5);
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(m.bytes, { executionProviders: ['wasm'] });
    expect(session.inputNames).toEqual(['obs']);
    expect(session.outputNames).toEqual(['actions']);
    const x = Float32Array.from({ length: 3 * 160 }, (_, i) => Math.sin(i * 0.37) * 2);
    const out = await session.run({ obs: new ort.Tensor('float32', x, [3, 160]) });
    const y = out.actions.data as Float32Array;
    expect(out.actions.dims).toEqual([3, 29]);
    for (let e = 0; e < 3; e++) {
      const want = mlpForward(m, x, e * 160);
      for (let k = 0; k < 29; k++) expect(Math.abs(y[e * 29 + k] - want[k])).toBeLessThan(1e-4);
    }
    expect(Math.max(...Array.from(y, Math.abs))).toBeGreaterThan(0.05);
    await session.release();
  });
});
