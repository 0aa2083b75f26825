/**
 * terrain (issue 16): the built-in controller's reference raised onto the terrain. A clip is recorded on a flat
 * floor; on a terrain each written frame is lifted by the ground height under its root (root and bodies), so the
 * reset puts the robot on the terrain and the assist holds it there. Flat floor: the track unchanged.
 */
import { groundFor } from '../core/physics/terrain-engines';
import type { PhysicsEngine } from '../core/physics/types';
import type { ReferenceSource } from '../core/policy/refio';

export function onTerrain(track: ReferenceSource, engine: PhysicsEngine): ReferenceSource {
  const ground = groundFor(engine.options.terrain);
  if (!ground) return track;
  return {
    nSteps: track.nSteps,
    dt: track.dt,
    write(step, ref, e) {
      track.write(step, ref, e);
      const dz = ground(ref.rootPos[e * 3], ref.rootPos[e * 3 + 1]);
      ref.rootPos[e * 3 + 2] += dz;
      const nb = ref.nb;
      for (let b = 0; b < nb; b++) ref.bodyPos[(e * nb + b) * 3 + 2] += dz;
    },
  };
}
