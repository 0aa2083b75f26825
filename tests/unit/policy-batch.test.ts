// Batched inference for a graph whose batch is fixed at 1: the rewritten real dance export computes, in one run of N
// envs, the same actions as N single runs of the original (onnxruntime-web wasm, real weights).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { withSymbolicBatch } from '../../src/core/policy/batch-dim';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { PolicySession } from '../../src/core/policy/session';
import { DANCE, fBytes, fString, fVarint, msg, node, onnxModel, tensor, valueInfo } from './policy-fixture';

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
    const n = 16,
      size = 154;
    const obs = Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 0.37) * 0.8);
    const all = (await batched.run({ obs: new ort.Tensor('float32', obs, [n, size]) })).actions.data as Float32Array;
    expect(all.length).toBe(n * 29);
    let worst = 0;
    for (let e = 0; e < n; e++) {
      const one = (await single.run({ obs: new ort.Tensor('float32', obs.slice(e * size, (e + 1) * size), [1, size]) })).actions
        .data as Float32Array;
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

/** TensorProto int64 initializer (raw_data) */
const int64Tensor = (name: string, values: number[]): Uint8Array =>
  msg(fVarint(1, values.length), fVarint(2, 7), fString(8, name), fBytes(9, new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer)));

describe('PolicySession batches a graph fixed at 1 when it can, else runs per env with a note', () => {
  it('the dance export at N = 8: one batched run, the same actions as per-env runs (1e-5)', async () => {
    const bytes = new Uint8Array(readFileSync(`${DANCE}/policy.onnx`));
    const cfg = { jointNames: Array.from({ length: 29 }, (_, j) => `j${j}`) };
    const batched = await PolicySession.create(bytes, cfg, { file: 'policy.onnx' });
    const single = await PolicySession.create(bytes, cfg, { file: 'policy.onnx', batch: false });
    expect(batched.batchNote).toMatch(/made symbolic at load \(obs, actions\).*matched per-env runs/);
    expect(batched.fixedBatch).toBeNull();
    expect(single.batchNote).toBeNull();
    expect(single.perEnv(8)).toBe(true);
    expect(batched.perEnv(8)).toBe(false);
    const n = 8,
      obs = Float32Array.from({ length: n * 154 }, (_, i) => Math.cos(i * 0.71) * 0.9);
    const a = (await batched.run(obs, n)).actions,
      b = (await single.run(obs, n)).actions;
    expect(a.length).toBe(n * 29);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-5);
    await batched.release();
    await single.release();
  });

  it('a Reshape to a constant [1, -1] cannot batch: per-env runs, with the note saying why', async () => {
    // obs [1,4] → Reshape [1,-1] → MatMul W [4,3] → actions [1,3]: with a batch of 3 the reshape gives [1,12]
    const bytes = onnxModel({
      nodes: [node('Reshape', ['obs', 'S'], ['flat']), node('MatMul', ['flat', 'W'], ['actions'])],
      initializers: [
        int64Tensor('S', [1, -1]),
        tensor(
          'W',
          [4, 3],
          Array.from({ length: 12 }, (_, i) => i - 5),
        ),
      ],
      inputs: [valueInfo('obs', [1, 4])],
      outputs: [valueInfo('actions', [1, 3])],
    });
    const s = await PolicySession.create(bytes, { jointNames: ['a', 'b', 'c'] }, { file: 'reshape.onnx' });
    expect(s.batchNote).toMatch(/reshape|cannot be batched/i);
    expect(s.batchNote).toMatch(/cannot be batched \(a batch of 3 fails/);
    expect(s.perEnv(2)).toBe(true);
    const r = await s.run(Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]), 2);
    expect(Array.from(r.actions)).toEqual([-5, -4, -3, -2, -1, 0]);
    await s.release();
  });
});
