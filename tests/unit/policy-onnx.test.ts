import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MimicError } from '../../src/core/errors';
import { featureSize, readOnnxInfo } from '../../src/core/policy/onnx';
import { PolicySession } from '../../src/core/policy/session';
import type { PolicyConfig } from '../../src/core/policy/config';
import { DANCE, caught, fBytes, linearPolicy, msg, node, onnxModel, tensor, valueInfo } from './policy-fixture';

const META = {
  joint_names: 'a_joint,b_joint',
  joint_stiffness: '40.2,99.1',
  anchor_body_name: 'torso_link',
  'odd key with spaces': 'value, with: punctuation — and ünïcode',
};

function expectParseError(f: () => unknown, file: string): MimicError {
  const m = caught(f);
  expect(m.kind).toBe('ParseError');
  expect(m.message).toContain(file);
  expect(m.where).toMatch(/^byte \d+$|^graph$/);
  return m;
}

describe('readOnnxInfo', () => {
  it('decodes metadata_props, inputs, outputs and opset of a model built by our own encoder', () => {
    const bytes = onnxModel({
      nodes: [node('MatMul', ['obs', 'W'], ['actions']), node('Identity', ['time_step'], ['ts_out'])],
      initializers: [tensor('W', [4, 2], new Float32Array(8).fill(0.5))],
      // an old-style export that lists the initializer among the inputs: it must be filtered out
      inputs: [valueInfo('obs', ['batch', 4]), valueInfo('time_step', [1, 1]), valueInfo('W', [4, 2])],
      outputs: [valueInfo('actions', ['batch', 2]), valueInfo('ts_out', [1, 1])],
      metadata: META,
      opset: 11,
    });
    const info = readOnnxInfo(bytes, 'tiny.onnx');
    expect(info.metadata).toEqual(META);
    expect(info.opset).toBe(11);
    expect(info.irVersion).toBe(8);
    expect(info.inputs.map((i) => i.name)).toEqual(['obs', 'time_step']);
    expect(info.inputs[0].dims).toEqual(['batch', 4]);
    expect(info.inputs[0].elemType).toBe(1);
    expect(info.outputs.map((o) => [o.name, o.dims])).toEqual([
      ['actions', ['batch', 2]],
      ['ts_out', [1, 1]],
    ]);
    expect(featureSize(info.inputs[0])).toBe(4);
  });

  it('reads the shared dance policy: obs [1,154] → actions [1,29], no metadata', () => {
    const info = readOnnxInfo(new Uint8Array(readFileSync(`${DANCE}/policy.onnx`)), 'policy.onnx');
    expect(info.metadata).toEqual({});
    expect(info.inputs).toEqual([{ name: 'obs', dims: [1, 154], elemType: 1 }]);
    expect(info.outputs).toEqual([{ name: 'actions', dims: [1, 29], elemType: 1 }]);
    expect(info.opset).toBeGreaterThan(0);
  });

  it('corrupt or truncated files give a ParseError naming the file and the byte', () => {
    const good = new Uint8Array(readFileSync(`${DANCE}/policy.onnx`));
    const cut = expectParseError(() => readOnnxInfo(good.subarray(0, 5000), 'cut.onnx'), 'cut.onnx');
    expect(cut.detail).toMatch(/runs past the end|truncated/);
    expectParseError(() => readOnnxInfo(good.subarray(0, good.length - 3), 'tail.onnx'), 'tail.onnx');
    expectParseError(() => readOnnxInfo(new TextEncoder().encode('<html>not a model</html>'), 'page.onnx'), 'page.onnx');
    expectParseError(() => readOnnxInfo(new Uint8Array(0), 'empty.onnx'), 'empty.onnx');
    // a length prefix that overruns its parent message
    const bad = msg(fBytes(7, Uint8Array.from([0x0a, 0x7f, 0x01])));
    expectParseError(() => readOnnxInfo(bad, 'nested.onnx'), 'nested.onnx');
  });

  it('our encoder writes models onnxruntime-web actually runs', async () => {
    const w = Float32Array.from({ length: 6 }, (_, i) => i + 1); // [3,2]
    const bytes = linearPolicy(3, 2, w, 'batch');
    const config = { jointNames: ['a', 'b'] } as PolicyConfig;
    const s = await PolicySession.create(bytes, config, { file: 'linear.onnx' });
    expect(s.batchFixed).toBe(false);
    const r = await s.run(Float32Array.from([1, 0, 0, 0, 1, 1]), 2);
    expect(Array.from(r.actions)).toEqual([1, 2, 8, 10]);
    await s.release();
  });

  it('PolicySession: a file onnxruntime cannot load is a named ParseError', async () => {
    const config = { jointNames: ['a'] } as PolicyConfig;
    await expect(PolicySession.create(new Uint8Array([1, 2, 3, 4]), config, { file: 'junk.onnx' })).rejects.toThrow(
      /ParseError in junk\.onnx/,
    );
  });
});
