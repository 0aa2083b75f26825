import { fail } from '../errors';
import { LIMITS } from '../validate';
import type { PhysicsEngine } from './types';

/**
 * Hold the current PD targets for `decimation` physics steps (one policy/control step). A decimation that is not
 * a whole number in [1, LIMITS.maxStepsPerAction] is a named error (a `step_dt: 1000` would otherwise run
 * 200,000 physics steps per action with no progress).
 */
export function controlStep(engine: PhysicsEngine, decimation: number): void {
  if (!Number.isInteger(decimation) || decimation < 1 || decimation > LIMITS.maxStepsPerAction) {
    fail(
      'SimulationError',
      engine.model.source.file,
      'decimation',
      `${decimation} physics steps per control step; expected a whole number in [1, ${LIMITS.maxStepsPerAction}]`,
    );
  }
  for (let i = 0; i < decimation; i++) engine.step(i < decimation - 1); // contact forces are read after the last one
}
