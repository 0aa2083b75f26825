/**
 * The ONNX policy driver the page simulates itself: on WebGPU observations when the observation backend chooses the
 * GPU (the page's GPUDevice, shared with onnxruntime's WebGPU EP: gpu-driver.ts), else on the CPU; every step of the
 * choice and of a device loss goes to the status line. The simulation worker runs CPU policies (sim-hosts.ts).
 */
import { store, setStatus } from './store';
import { PolicyDriver, type Driver, type PolicyInputs } from './drivers';
import { GpuPolicyDriver } from './gpu-driver';
import type { ObsBackend } from './obs-backend';

/** The ONNX policy driver on the chosen observation backend; a failed GPU path falls back to the CPU, saying why. */
export async function pagePolicyDriver(obs: ObsBackend, p: PolicyInputs): Promise<Driver> {
  const s = store.getState();
  if (s.obsMode !== 'cpu' && s.status.obsBackend === 'probing') store.setState({ busy: 'measuring observation backends…' });
  const d = await obs.decide(s.obsMode);
  store.setState({ busy: 'loading policy…' });
  if (d.backend !== 'gpu') {
    setStatus({ obsBackend: 'cpu', obsReason: d.reason, obsEp: '', note: d.notice ?? '' });
    return PolicyDriver.create(p);
  }
  try {
    const device = await obs.appDevice();
    if (!device) throw new Error('no WebGPU device');
    const drv = await GpuPolicyDriver.create(p, device, () => obs.replaceDevice(), {
      onLost: (why) =>
        setStatus({
          obsBackend: 'cpu',
          obsReason: `GPU device lost (${why}): rebuilding, CPU meanwhile`,
          note: 'WebGPU device lost — observations on the CPU while it is rebuilt',
        }),
      onRestored: (ep) => setStatus({ obsBackend: 'gpu', obsReason: `${d.reason}; device restored after a loss`, obsEp: ep, note: '' }),
      onFailed: (why) =>
        setStatus({
          obsBackend: 'cpu',
          obsReason: `GPU device lost and not restored (${why}) → CPU`,
          note: 'WebGPU lost for good: observations on the CPU',
        }),
    });
    setStatus({
      obsBackend: 'gpu',
      obsReason: `${d.reason}; policy on ${drv.ep === 'webgpu' ? 'the WebGPU EP, obs buffer as input, actions read back' : `wasm (${drv.epReason})`}`,
      obsEp: drv.ep,
      note: '',
    });
    return drv;
  } catch (e) {
    const why = (e as Error).message;
    setStatus({
      obsBackend: 'cpu',
      obsReason: `GPU path failed (${why}) → CPU`,
      obsEp: '',
      note: 'GPU observations unavailable: using the CPU',
    });
    console.warn('[mimic] GPU observation path failed:', why);
    return PolicyDriver.create(p);
  }
}
