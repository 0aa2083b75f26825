// Backend selection: forced modes, no adapter → CPU with the reason, auto = one measurement for N.
import { describe, expect, it } from 'vitest';
import { chooseObservationBackend } from '../../src/core/observation/select';
import { dawnGpu } from './dawn';

describe('chooseObservationBackend', () => {
  it('cpu mode and missing WebGPU', async () => {
    expect((await chooseObservationBackend({ mode: 'cpu', n: 4 })).backend).toBe('cpu');
    const none = await chooseObservationBackend({ mode: 'auto', n: 4, gpu: null });
    expect(none).toMatchObject({ backend: 'cpu', reason: 'no WebGPU adapter' });
    const forced = await chooseObservationBackend({ mode: 'gpu', n: 4, gpu: null });
    expect(forced.backend).toBe('cpu');
  });

  it('gpu and auto modes on Dawn', async () => {
    const gpu = await chooseObservationBackend({ mode: 'gpu', n: 4, gpu: dawnGpu() });
    expect(gpu.backend).toBe('gpu');
    expect(gpu.device, 'expected a WebGPU adapter (Dawn/SwiftShader) on this machine').toBeDefined();
    gpu.device?.destroy();
    const auto = await chooseObservationBackend({ mode: 'auto', n: 256, gpu: dawnGpu(), repeats: 3 });
    expect(auto.reason).toMatch(/faster at N=256: CPU [\d.]+ ms, WebGPU [\d.]+ ms/);
    expect(auto.cpuMs).toBeGreaterThan(0);
    expect(auto.gpuMs).toBeGreaterThan(0);
    expect(auto.backend).toBe(auto.gpuMs! < auto.cpuMs! ? 'gpu' : 'cpu');
    console.log(auto.reason);
    auto.device?.destroy();
  });
});
