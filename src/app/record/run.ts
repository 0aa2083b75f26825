/**
 * The Record button's recorder: the current run, one entry per control step (the core Recorder: the simulated
 * robot's root and joints, the policy's raw actions, the PD targets, the joint torques), written on Stop as a
 * BeyondMimic CSV (rate in the name, so it loads back as a clip), a BeyondMimic NPZ and the JSON recording.
 */
import { Recorder } from '../../core/motion/formats/record';
import { fail } from '../../core/errors';
import { BuiltinDriver, PolicyDriverBase, type Driver } from '../drivers';
import type { Sim } from '../sim';

/** The controller whose raw actions are copied (a policy driver's), with the hook it had before. */
interface Hooked {
  driver: PolicyDriverBase;
  previous: ((a: Float32Array) => void) | null;
}

export class RunRecorder {
  private rec: Recorder | null = null;
  private hooked: Hooked | null = null;
  private actions: Float32Array | null = null;

  constructor(private readonly sim: Sim) {}

  get active(): boolean {
    return !!this.rec;
  }
  get steps(): number {
    return this.rec?.nSteps ?? 0;
  }

  /** Start recording from the next control step (a physical driver must run: replay has no simulated robot). */
  start(): void {
    const { model, engine } = this.sim;
    if (!model || !engine) fail('MotionError', 'record', 'robot', 'no robot loaded yet');
    if (this.sim.driver.kind === 'replay')
      fail(
        'MotionError',
        'record',
        'driver',
        'replay moves no simulated robot: choose the built-in controller or a policy to record a run',
      );
    const hz = Math.round(1 / this.sim.dt);
    const name = `${model!.name.replace(/[^\w-]+/g, '_')}_run_${stamp()}_${hz}hz`;
    const actionNames = this.sim.driver instanceof PolicyDriverBase ? this.sim.driver.ctrl.config.jointNames : undefined;
    this.rec = new Recorder(model!, this.sim.dt, { name, actionNames });
    this.hook(this.sim.driver);
  }

  /** After each control step: the state, the PD targets, the torques, the actions of a policy that names them. */
  onStep(): void {
    const rec = this.rec,
      engine = this.sim.engine;
    if (!rec || !engine || engine.model !== rec.robot || this.sim.driver.kind === 'replay') return;
    const d = this.sim.driver,
      nj = engine.state.nj;
    this.hook(d);
    const targets = targetsOf(d)?.subarray(0, nj);
    const actions = this.actions && this.actions.length === rec.actionNames.length ? this.actions : undefined;
    rec.push(engine.state, { targets, actions });
  }

  /** Stop; the three files by name (CSV, NPZ, JSON). */
  stop(): Record<string, Uint8Array> {
    const rec = this.rec;
    this.rec = null;
    this.unhook();
    if (!rec) return fail('MotionError', 'record', 'recording', 'not recording');
    return rec.files();
  }

  /** Copy the raw actions of the policy driving now (keeping any hook the controller had). */
  private hook(d: Driver): void {
    if (this.hooked?.driver === d) return;
    this.unhook();
    this.actions = null;
    if (!(d instanceof PolicyDriverBase)) return;
    const ctrl = d.ctrl,
      previous = ctrl.onActions,
      na = ctrl.na;
    ctrl.onActions = (a) => {
      previous?.(a);
      this.actions = a.slice(0, na);
    };
    this.hooked = { driver: d, previous };
  }

  private unhook(): void {
    if (this.hooked) this.hooked.driver.ctrl.onActions = this.hooked.previous;
    this.hooked = null;
  }
}

const targetsOf = (d: Driver): Float32Array | null =>
  d instanceof BuiltinDriver ? d.ctrl.targets : d instanceof PolicyDriverBase ? d.ctrl.targets : null;

const stamp = (): string => new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
