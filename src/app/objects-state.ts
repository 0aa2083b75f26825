/**
 * objects: the scene's free objects in the app (added from the Objects panel or an object file), the physics
 * options that put them in the engine, and their observation context for a policy driver.
 */
import { separateObjects, type ObjectSpec } from '../core/model/objects';
import { createObsObjects, type ObsObjects } from '../core/observation/objects';
import type { PhysicsEngine, PhysicsOptions } from '../core/physics/types';

/** The scene's objects of one app (app.ts `objects`), and who is told when they change. */
export class SceneObjects {
  private list: ObjectSpec[] = [];
  private readonly listeners = new Set<() => void>();

  get current(): readonly ObjectSpec[] {
    return this.list;
  }

  /** Replace the scene's objects (overlaps separated; each move and computed mass goes to `warnings`). */
  set(next: ObjectSpec[], warnings: string[]): void {
    this.list = separateObjects(next, warnings);
    for (const f of this.listeners) f();
  }

  onChange(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Physics options carrying the scene's objects (none: no key). */
  options(): Partial<PhysicsOptions> {
    return this.list.length ? { objects: [...this.list] } : {};
  }
}

/** Object observations for a policy on this engine (undefined when the engine has no objects). */
export function obsObjectsFor(engine: PhysicsEngine): ObsObjects | undefined {
  const specs = engine.options.objects;
  if (!engine.objects || !specs?.length) return undefined;
  return createObsObjects(engine.model, engine.objects, specs);
}
