/**
 * The page's side of the observation choice: the busy line while the decision waits for the start-up measurement,
 * and the ONNX policy driver the page simulates itself (`?sim=page`, after a worker failure) on its own observation
 * backend, every step of it in the status line (obs-policy.ts). The simulation worker builds its own the same way
 * (sim-worker/host.ts) and posts those status lines here.
 */
import { store, setStatus, type ObsMode } from './store';
import type { Driver, PolicyInputs } from './drivers';
import type { Decision, ObsBackend } from './obs-backend';
import { obsPolicyDriver } from './obs-policy';

/** The decision for `mode` (wherever it is made), the busy line saying so while the start-up measurement runs. */
export async function decideBusy(obs: { decide(mode: ObsMode): Promise<Decision> }, mode: ObsMode): Promise<Decision> {
  if (mode !== 'cpu' && store.getState().status.obsBackend === 'probing') store.setState({ busy: 'measuring observation backends…' });
  const d = await obs.decide(mode);
  store.setState({ busy: 'loading policy…' });
  return d;
}

/** The page's ONNX policy driver on the chosen observation backend; a failed GPU path falls back to the CPU, saying why. */
export async function pagePolicyDriver(obs: ObsBackend, p: PolicyInputs): Promise<Driver> {
  const d = await decideBusy(obs, store.getState().obsMode);
  return obsPolicyDriver(obs, p, d, setStatus);
}
