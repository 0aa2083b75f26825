/**
 * What steering acts on, wherever the simulation runs (app/sim-hosts.ts): the locomotion policy driving now, its
 * command for the next control step, and the robot's measured base velocity and root pose. On the page it reaches
 * into the running driver and the engine; on the worker it sends the command and reads the worker's snapshots.
 */
import type { PolicyConfig } from '../../core/policy/config';
import { baseVelocity } from '../../core/evaluation/ends';
import { PolicyDriverBase } from '../drivers';
import type { Sim } from '../sim';
import type { SimHosts } from '../sim-hosts';
import { isLocomotion, type Vec3 } from './command';

export interface SteerTarget {
  /** the config of the locomotion (velocity-command) policy driving now, else null */
  steered(): PolicyConfig | null;
  /** the command for the policy's next control step; null: not steering (the reference's end counts again) */
  command(cmd: Vec3 | null): void;
  /** env 0's base velocity [forward, left, yaw rate] while a policy is steered, else null */
  measured(): Vec3 | null;
  /** env 0's simulated root pose while a policy is steered, else null */
  root(): { pos: ArrayLike<number>; quat: ArrayLike<number> } | null;
  readonly time: number;
}

/** The steering target of the app: the page's driver when the page simulates, else the worker's. */
export function steerTarget(sim: Sim, hosts: SimHosts): SteerTarget {
  const page = (): PolicyDriverBase | null => {
    const d = sim.driver;
    return hosts.host === 'page' && d instanceof PolicyDriverBase && isLocomotion(d.ctrl.config) ? d : null;
  };
  const worker = (): PolicyConfig | null => {
    const c = hosts.host === 'worker' ? hosts.view.driverInfo().config : null;
    return c && isLocomotion(c) ? c : null;
  };
  return {
    steered: () => page()?.ctrl.config ?? worker(),
    command: (cmd) => {
      sim.endless = !!cmd;
      const d = page();
      if (d && cmd) d.ctrl.ctx.command.set(cmd, 0);
      hosts.setCommand(cmd);
    },
    measured: () => {
      if (page()) return sim.engine ? baseVelocity(sim.engine.state, 0) : null;
      return worker() ? hosts.view.baseVelocity() : null;
    },
    root: () => {
      if (page()) return sim.engine ? { pos: sim.engine.state.rootPos, quat: sim.engine.state.rootQuat } : null;
      const q = worker() ? hosts.view.physicsRootQuat() : null;
      return q ? { pos: hosts.view.rootPos, quat: q } : null;
    },
    get time() {
      return hosts.view.time;
    },
  };
}
