/** Dawn (npm `webgpu`) in Node: SwiftShader via VK_ICD_FILENAMES (vitest.config.ts sets it). */
import { expect } from 'vitest';
import { create, globals } from 'webgpu';

let gpu: GPU | null = null;

export function dawnGpu(): GPU {
  if (!gpu) {
    Object.assign(globalThis, globals);
    gpu = create([]);
  }
  return gpu;
}

export async function dawnAdapter(): Promise<GPUAdapter | null> {
  return dawnGpu().requestAdapter();
}

/** A device on Dawn's adapter; the test fails where Dawn gives no adapter. */
export async function dawnDevice(): Promise<GPUDevice> {
  const adapter = await dawnAdapter();
  expect(adapter, 'no WebGPU adapter from Dawn').not.toBeNull();
  return adapter!.requestDevice();
}

export function describeAdapter(a: GPUAdapter): string {
  const i = a.info;
  return [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ') || 'unnamed adapter';
}
