// The one-node model the app warms onnxruntime with: real onnxruntime-web takes it and returns its input.
import { expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { identityModel } from '../../src/core/policy/identity-model';
import { readOnnxInfo } from '../../src/core/policy/onnx';

it('is a valid model: y = x, float32 [1]', async () => {
  const bytes = identityModel();
  expect(bytes.length).toBeLessThan(100);
  const s = await ort.InferenceSession.create(bytes);
  expect([s.inputNames, s.outputNames]).toEqual([['x'], ['y']]);
  const out = await s.run({ x: new ort.Tensor('float32', Float32Array.of(2.5), [1]) });
  expect(Array.from(out.y.data as Float32Array)).toEqual([2.5]);
  await s.release();
  expect(readOnnxInfo(bytes, 'warm.onnx').externalFiles).toEqual([]);
});
