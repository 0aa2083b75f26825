/**
 * The two ways one policy step can run on one observation context (browser only: onnxruntime-web/webgpu):
 * GPU observations → PolicyHandoff (WebGPU EP, or wasm after a read-back), and CPU observations → wasm, one row at a
 * time when the model's batch is fixed. Used by the Chromium test page (equal actions) and the bench page (timings).
 */
import * as ort from 'onnxruntime-web/webgpu';
import { CpuObservationBuilder } from '../../src/core/observation/builder';
import { GpuObservationBuilder } from '../../src/core/observation/gpu';
import { PolicyHandoff } from '../../src/core/observation/handoff';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import type { ObsContext, ObsLayoutEntry } from '../../src/core/observation/types';

export interface PolicyPaths {
  handoff: PolicyHandoff;
  /** upload the state, build on the GPU, run the policy there; actions [n × nActions] (reused array) */
  runGpu(): Promise<Float32Array>;
  /** build on the CPU, run wasm; actions [n × nActions] (reused array) */
  runCpu(): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function policyPaths(
  device: GPUDevice,
  name: string,
  model: Uint8Array,
  layout: ObsLayoutEntry[],
  ctx: ObsContext,
  ep: 'webgpu' | 'wasm' = 'webgpu',
): Promise<PolicyPaths> {
  const n = ctx.n;
  const gpu = await GpuObservationBuilder.create(device, layout, ctx);
  const handoff = await PolicyHandoff.create({ model, builder: gpu, ep, file: name });
  const cpu = new CpuObservationBuilder(layout, ctx);
  const obs = new Float32Array(n * cpu.size);
  const wasm = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const input = wasm.inputNames[0],
    output = wasm.outputNames.includes('actions') ? 'actions' : wasm.outputNames[0];
  const actions = new Float32Array(n * handoff.nActions);
  // the plain wasm session runs the file as it is: one row at a time when its graph fixes the batch at 1
  const rows = readOnnxInfo(model, name).inputs[0].dims[0] === 1 ? 1 : n;
  return {
    handoff,
    runGpu: () => {
      gpu.upload();
      gpu.build();
      return handoff.run();
    },
    runCpu: async () => {
      cpu.build(obs);
      for (let e = 0; e < n; e += rows) {
        const out = await wasm.run({
          [input]: new ort.Tensor('float32', obs.slice(e * cpu.size, (e + rows) * cpu.size), [rows, cpu.size]),
        });
        actions.set(out[output].data as Float32Array, e * handoff.nActions);
      }
      return actions;
    },
    release: async () => {
      handoff.release();
      await wasm.release();
      gpu.destroy();
    },
  };
}
