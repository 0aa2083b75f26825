/**
 * The terrain in Rapier: fixed colliders per env (cuboids, the heightfield as a trimesh of the same triangles
 * `heightfieldAt` interpolates), in the ground's collision group. The geometry: terrain-engines.ts.
 */
import RAPIER from '@dimforge/rapier3d-compat';
import type { Vec3 } from '../math';
import type { TerrainGeometry } from './terrain';
import { heightfieldMesh } from './terrain-engines';

/** Fixed colliders of the terrain around each env offset (friction: the robot collider's, rule Min as the floor); per env. */
export function addTerrainRapier(world: RAPIER.World, g: TerrainGeometry, offsets: Vec3[], collisionGroups: number): RAPIER.Collider[][] {
  const mesh = g.hfield ? heightfieldMesh(g.hfield) : null;
  return offsets.map((o) => {
    const body = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(o[0], o[1], o[2]));
    const descs: RAPIER.ColliderDesc[] = g.boxes.map((b) =>
      RAPIER.ColliderDesc.cuboid(b.half[0], b.half[1], b.half[2])
        .setTranslation(b.pos[0], b.pos[1], b.pos[2])
        .setRotation({ w: b.quat[0], x: b.quat[1], y: b.quat[2], z: b.quat[3] }),
    );
    if (mesh) descs.push(RAPIER.ColliderDesc.trimesh(mesh.vertices, mesh.indices));
    return descs.map((d) =>
      world.createCollider(
        d.setFriction(1e6).setFrictionCombineRule(RAPIER.CoefficientCombineRule.Min).setCollisionGroups(collisionGroups),
        body,
      ),
    );
  });
}
