/**
 * The terrain drawn in the scene (issue 16): the same geometry the engines collide with (terrain.ts): boxes and
 * the heightfield's triangles. `TerrainView.show(spec)` replaces what was drawn; null / flat clears it.
 */
import * as THREE from 'three';
import type { TerrainGeometry, TerrainSpec } from '../../core/physics/terrain';
import { heightfieldMesh, terrainOf } from '../../core/physics/terrain-engines';

const MATERIAL = () => new THREE.MeshStandardMaterial({ color: 0x5a5248, roughness: 0.9, flatShading: true });

/** three.js objects of a terrain geometry (z up, world frame). */
export function terrainObject(g: TerrainGeometry): THREE.Group {
  const group = new THREE.Group();
  group.name = `terrain ${g.label}`;
  const mat = MATERIAL();
  for (const b of g.boxes) {
    const m = new THREE.Mesh(new THREE.BoxGeometry(2 * b.half[0], 2 * b.half[1], 2 * b.half[2]), mat);
    m.position.set(b.pos[0], b.pos[1], b.pos[2]);
    m.quaternion.set(b.quat[1], b.quat[2], b.quat[3], b.quat[0]);
    m.castShadow = m.receiveShadow = true;
    group.add(m);
  }
  if (g.hfield) {
    const { vertices, indices } = heightfieldMesh(g.hfield);
    const geo = new THREE.BufferGeometry();
    geo.setAttribute('position', new THREE.BufferAttribute(vertices, 3));
    geo.setIndex(new THREE.BufferAttribute(indices, 1));
    geo.computeVertexNormals();
    const m = new THREE.Mesh(geo, mat);
    m.receiveShadow = true;
    group.add(m);
  }
  return group;
}

export class TerrainView {
  private current: THREE.Group | null = null;
  constructor(private readonly scene: THREE.Scene) {}

  /** Draw a terrain (bad specs throw the engines' named errors); null or flat: the plain floor. */
  show(spec: TerrainSpec | null): void {
    this.clear();
    const g = terrainOf(spec);
    if (!g) return;
    this.current = terrainObject(g);
    this.scene.add(this.current);
  }

  clear(): void {
    if (!this.current) return;
    this.scene.remove(this.current);
    this.current.traverse((o) => {
      if (o instanceof THREE.Mesh) (o.geometry as THREE.BufferGeometry).dispose();
    });
    this.current = null;
  }
}
