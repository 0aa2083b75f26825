import type { PhysicsEngine } from './types';

/** Hold the current PD targets for `decimation` physics steps (one policy/control step). */
export function controlStep(engine: PhysicsEngine, decimation: number): void {
  for (let i = 0; i < decimation; i++) engine.step();
}
