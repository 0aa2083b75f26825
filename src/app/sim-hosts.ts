/**
 * Where the app's simulation runs. By default in a Web Worker (sim-worker/): physics, observations (CPU or WebGPU:
 * the worker's own probe and GPUDevice, obs-hosts.ts) and inference off the page's thread, which only draws. The page
 * simulates itself (`Sim`) only when it has no Worker, asks for it (`?sim=page`), or the worker failed. Steering,
 * skill timelines, policy blends, objects, skill keys, WebGPU observations and run recording work on both.
 * A change of host carries the robot's state and the control step across: no jump; a run being recorded holds the
 * simulation where it is until its stop.
 */
import type { RobotModel } from '../core/model/types';
import type { EnvState, PhysicsOptions } from '../core/physics/types';
import type { Sim } from './sim';
import type { SimView } from './sim-view';
import { RemoteSim } from './sim-worker/remote';
import type { DriverSpec, Handover, PushSpec, SourceSpec } from './sim-worker/protocol';
import type { LayerSpec } from './store';
import type { ObsStatus } from './obs-policy';

export type Host = 'page' | 'worker';

interface RobotSetup {
  model: RobotModel;
  options: Partial<PhysicsOptions>;
  notes: string[];
  fallenDelay: number;
}

export class SimHosts {
  private remote: RemoteSim | null = null;
  /** after each snapshot of the worker */
  onSnapshot: () => void = () => {};
  /** the worker failed (the app moves the simulation to the page) */
  onLost: (why: string) => void = () => {};
  /** the worker's observation path changed the status line */
  onStatus: (s: ObsStatus) => void = () => {};
  private onWorker = false;
  private robot: RobotSetup | null = null;
  private source: SourceSpec | null = null;
  /** the state a change to the page carried, for the next driver the page builds */
  private carried: EnvState | null = null;
  /** the steering command last sent to the worker ('' : none) */
  private commandSent = '';

  constructor(
    private readonly sim: Sim,
    private readonly onError: (e: Error) => void,
    private readonly onFallen: () => void,
  ) {}

  get view(): SimView {
    return this.onWorker && this.remote ? this.remote : this.sim;
  }

  /** the worker's side while it simulates, else null */
  get onWorkerSim(): RemoteSim | null {
    return this.onWorker ? this.remote : null;
  }

  get host(): Host {
    return this.onWorker ? 'worker' : 'page';
  }

  /** the worker is the first choice on this page (a Worker exists and `?sim=page` is not asked for) */
  workerFirst(): boolean {
    if (this.remote?.dead) return false; // it failed once: the page simulates from then on
    return typeof Worker !== 'undefined' && !/[?&]sim=page\b/.test(globalThis.location?.search ?? '');
  }

  /** the worker while it is the first choice (its observation backend decides for the next policy), else null */
  obsWorker(): RemoteSim | null {
    return this.workerFirst() ? this.worker() : null;
  }

  private worker(): RemoteSim {
    if (!this.remote) {
      const w = new Worker(new URL('./sim-worker/worker.ts', import.meta.url), { type: 'module', name: 'simulation' });
      this.remote = new RemoteSim(w, this.sim.metrics);
      this.remote.onError = this.onError;
      this.remote.onFallen = this.onFallen;
      this.remote.onSnapshot = () => this.onSnapshot();
      this.remote.onLost = (why) => this.onLost(why);
      this.remote.onStatus = (st) => this.onStatus(st);
    }
    return this.remote;
  }

  /**
   * A new robot (the page's Sim keeps its model and reference either way). On the worker: its engine there; on the
   * page: the engine made here. Returns the engine's model adjustments.
   */
  async setRobot(setup: RobotSetup, host: Host): Promise<string[]> {
    this.robot = setup;
    this.source = null;
    this.carried = null;
    if (host === 'worker') {
      const r = this.worker();
      await r.setRobot(setup.model, setup.options, setup.fallenDelay, setup.notes);
      this.sim.setRobot(setup.model, null);
      this.onWorker = true;
      this.commandSent = '-'; // told again
      return r.engineInfo()?.adjustments ?? [];
    }
    if (this.onWorker) await this.remote!.release().catch(() => undefined);
    this.onWorker = false;
    const engine = await this.pageEngine(setup);
    this.sim.setRobot(setup.model, engine);
    return engine.adjustments;
  }

  private async pageEngine(setup: RobotSetup) {
    // the physics (Rapier, its wasm inlined: megabytes of script) loads here, not before the first frame
    const { createEngine } = await import('../core/physics/index');
    return createEngine('rapier', setup.model, setup.options);
  }

  /** The reference changed (the page's Sim has it already): the worker samples the same. */
  async setSource(source: SourceSpec): Promise<void> {
    this.source = source;
    if (this.onWorker) await this.remote!.setSource(source, this.sim.dt, this.sim.decimation);
  }

  /** Simulate on the page from now on: the worker's robot state and step come across. */
  async toPage(): Promise<void> {
    if (!this.onWorker || !this.robot) return;
    const r = this.remote!;
    const h = await r.release().catch(() => r.lastHandover());
    const engine = await this.pageEngine(this.robot);
    this.onWorker = false;
    this.sim.setEngine(engine);
    this.sim.step = h.step;
    this.sim.refresh();
    this.carried = h.state;
  }

  /** the state the last change to the page carried (once) */
  takeCarried(): EnvState | null {
    const c = this.carried;
    this.carried = null;
    return c;
  }

  /** Run `driver` on the worker; from the page, the robot's state and step come across. */
  async runOnWorker(driver: DriverSpec): Promise<void> {
    const r = this.worker();
    const source = this.source;
    if (!this.robot || !source) throw new Error('no robot or reference to simulate yet');
    let handover: Handover | null = null;
    if (!this.onWorker) {
      // from the page: the robot and the reference go first (on the worker, setSource keeps the reference current)
      handover = { step: this.sim.step, state: this.sim.physical() };
      await r.setRobot(this.robot.model, this.robot.options, this.robot.fallenDelay, this.robot.notes);
      await r.setSource(source, this.sim.dt, this.sim.decimation);
      this.sim.setEngine(null);
      this.onWorker = true;
      this.commandSent = '-'; // told again
    }
    await r.setDriver(driver, handover);
  }

  /** onnxruntime compiled where the next policy will run (the worker, when it is the first choice) */
  warmPolicyRuntime(): Promise<void> {
    return this.worker().warm();
  }

  setAssist(value: number): void {
    if (this.onWorker) this.remote!.setAssist(value);
  }

  /** a debugging aid: stop the worker as if it had crashed (the page takes over) */
  loseWorkerForTesting(): boolean {
    if (!this.onWorker || !this.remote) return false;
    this.remote.lost('stopped for testing');
    return true;
  }

  /** the steering command for the worker's policy (sent when it changes) */
  setCommand(command: [number, number, number] | null): void {
    const key = command ? command.join() : '';
    if (!this.onWorker || key === this.commandSent) return;
    this.commandSent = key;
    this.remote!.setCommand(command);
  }

  /** the blend's weights and masks, live (the worker's blend driver) */
  setLayers(layers: LayerSpec[]): void {
    if (this.onWorker) this.remote!.setLayers(layers);
  }

  setPush(push: PushSpec | null): void {
    if (this.onWorker) this.remote!.setPush(push);
  }
}
