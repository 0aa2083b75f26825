/**
 * The observation backend of the thread that simulates policies: one start-up measurement, one GPUDevice for the
 * observation builder and onnxruntime's WebGPU EP, in that thread. While the simulation worker is the first choice
 * it is the worker's (sim-worker/host.ts), asked by message: the probe, the decision for a mode and, as a debugging
 * aid, a device loss. Otherwise (`?sim=page`, after a worker failure) it is the page's own `ObsBackend`, which
 * measures and opens its device only then. The App holds one.
 */
import { ObsBackend, type Decision } from './obs-backend';
import type { SimHosts } from './sim-hosts';
import type { ObsMode } from './store';

export class ObsHosts {
  /** the page's own backend (the page simulates a policy itself) */
  readonly page = new ObsBackend();
  /** the start-up measurement was asked of the worker */
  private asked = false;

  constructor(private readonly hosts: SimHosts) {}

  /** the start-up measurement has been started where policies run */
  probeStarted(): boolean {
    return this.asked || this.page.probeStarted();
  }

  /** The one-time start-up measurement where the next policy will run. Never rejects. */
  async probeOnce(): Promise<void> {
    const w = this.hosts.obsWorker();
    if (!w) return void (await this.page.probeOnce());
    this.asked = true;
    await w.obsDecide('auto').catch(() => this.page.probeOnce());
  }

  /** The backend for a mode where the next policy will run (the worker's answer; the page's when the worker failed). */
  decide(mode: ObsMode): Promise<Decision> {
    const w = this.hosts.obsWorker();
    return w ? w.obsDecide(mode).catch(() => this.page.decide(mode)) : this.page.decide(mode);
  }

  /** Debugging aid (tests): destroy the GPUDevice of the thread that simulates; false when it has none. */
  loseDeviceForTesting(): Promise<boolean> {
    const w = this.hosts.onWorkerSim;
    return w ? w.loseGpuDevice() : Promise.resolve(this.page.loseDeviceForTesting());
  }
}
