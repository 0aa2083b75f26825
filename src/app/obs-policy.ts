/**
 * The ONNX policy driver on a decided observation backend, built in the thread that simulates (the page's own, or
 * the simulation worker's): on WebGPU observations when the decision is the GPU (that thread's one GPUDevice, shared
 * with onnxruntime's WebGPU EP: gpu-driver.ts), else on the CPU. Every step of it and of a device loss is reported as
 * a status-line patch: the page applies it with `setStatus` (page-policy.ts), the worker posts it to the page.
 */
import type { AppState } from './store';
import { PolicyDriver, type PolicyDriverBase, type PolicyInputs } from './drivers';
import { GpuPolicyDriver } from './gpu-driver';
import type { Decision, ObsBackend } from './obs-backend';

/** what the observation path tells the status line (plain data: it crosses from the worker) */
export type ObsStatus = Partial<Pick<AppState['status'], 'obsBackend' | 'obsReason' | 'obsEp' | 'note'>>;

/** The policy driver on `d`'s backend; a failed GPU path falls back to the CPU, saying why. */
export async function obsPolicyDriver(
  obs: ObsBackend,
  p: PolicyInputs,
  d: Decision,
  report: (s: ObsStatus) => void,
): Promise<PolicyDriverBase> {
  if (d.backend !== 'gpu') {
    report({ obsBackend: 'cpu', obsReason: d.reason, obsEp: '', note: d.notice ?? '' });
    return PolicyDriver.create(p);
  }
  try {
    const device = await obs.appDevice();
    if (!device) throw new Error('no WebGPU device');
    const drv = await GpuPolicyDriver.create(p, device, () => obs.replaceDevice(), lossEvents(d, report));
    report({
      obsBackend: 'gpu',
      obsReason: `${d.reason}; policy on ${drv.ep === 'webgpu' ? 'the WebGPU EP, obs buffer as input, actions read back' : `wasm (${drv.epReason})`}`,
      obsEp: drv.ep,
      note: '',
    });
    return drv;
  } catch (e) {
    const why = (e as Error).message;
    report({
      obsBackend: 'cpu',
      obsReason: `GPU path failed (${why}) → CPU`,
      obsEp: '',
      note: 'GPU observations unavailable: using the CPU',
    });
    console.warn('[mimic] GPU observation path failed:', why);
    return PolicyDriver.create(p);
  }
}

/** a device loss, its restoration or its failure, in the status line */
function lossEvents(d: Decision, report: (s: ObsStatus) => void) {
  return {
    onLost: (why: string) =>
      report({
        obsBackend: 'cpu',
        obsReason: `GPU device lost (${why}): rebuilding, CPU meanwhile`,
        note: 'WebGPU device lost — observations on the CPU while it is rebuilt',
      }),
    onRestored: (ep: string) => report({ obsBackend: 'gpu', obsReason: `${d.reason}; device restored after a loss`, obsEp: ep, note: '' }),
    onFailed: (why: string) =>
      report({
        obsBackend: 'cpu',
        obsReason: `GPU device lost and not restored (${why}) → CPU`,
        note: 'WebGPU lost for good: observations on the CPU',
      }),
  };
}
