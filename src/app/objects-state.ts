/**
 * objects: the scene's free objects in the app (added from the Objects panel or an object file), the physics
 * options that put them in the engine, and their observation context for a policy driver.
 */
import { separateObjects, type ObjectSpec } from '../core/model/objects';
import { createObsObjects, type ObsObjects } from '../core/observation/objects';
import type { PhysicsEngine, PhysicsOptions } from '../core/physics/types';

let objects: ObjectSpec[] = [];
const listeners = new Set<() => void>();

export const sceneObjects = (): readonly ObjectSpec[] => objects;

/** Replace the scene's objects (overlaps separated; each move and computed mass goes to `warnings`). */
export function setSceneObjects(next: ObjectSpec[], warnings: string[]): void {
  objects = separateObjects(next, warnings);
  for (const f of listeners) f();
}

export function onObjectsChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Physics options carrying the scene's objects (none: no key). */
export const objectOptions = (): Partial<PhysicsOptions> => (objects.length ? { objects: [...objects] } : {});

/** Object observations for a policy on this engine (undefined when the engine has no objects). */
export function obsObjectsFor(engine: PhysicsEngine): ObsObjects | undefined {
  const specs = engine.options.objects;
  if (!engine.objects || !specs?.length) return undefined;
  return createObsObjects(engine.model, engine.objects, specs);
}
