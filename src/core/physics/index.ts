import type { RobotModel } from '../model/types';
import type { MujocoSource } from './mujoco';
import { createRapierEngine } from './rapier';
import type { PhysicsEngine, PhysicsOptions } from './types';

export * from './types';
export { controlStep } from './control';
export { createRapierEngine, initRapier, type RapierExtraOptions } from './rapier';
export type { MujocoSource } from './mujoco';
export { toMjcf } from './mjcf';
export { bodyMotion, hingeAngle } from './kinematics';

/** MuJoCo-WASM backend, loaded on first use (keeps mujoco-js out of bundles that never ask for it). */
export async function createMujocoEngine(
  model: RobotModel,
  options?: Partial<PhysicsOptions>,
  source?: MujocoSource,
): Promise<PhysicsEngine> {
  const { createMujocoEngine: create } = await import('./mujoco');
  return create(model, options, source);
}

/** One entry point for both backends. `source` (an MJCF with its mesh files) is used by MuJoCo only. */
export function createEngine(
  kind: 'rapier' | 'mujoco',
  model: RobotModel,
  options?: Partial<PhysicsOptions>,
  source?: MujocoSource,
): Promise<PhysicsEngine> {
  return kind === 'rapier' ? createRapierEngine(model, options) : createMujocoEngine(model, options, source);
}
