/**
 * objects: the scene's free objects drawn (sphere, box, capsule), following env 0's object state each frame, and
 * the ghost's objects: translucent copies at the reference object poses (clips that carry object tracks).
 */
import * as THREE from 'three';
import type { ObjectSpec } from '../../core/model/objects';
import type { Shape } from '../../core/model/types';
import type { ObjectState } from '../../core/physics/objects';

const COLORS = [0xff8c42, 0x4fb3ff, 0xb8e986, 0xf25f8c];

function shapeMesh(s: Shape, color: number, ghost = false): THREE.Mesh | null {
  let g: THREE.BufferGeometry;
  if (s.type === 'sphere') g = new THREE.SphereGeometry(s.size[0], 24, 16);
  else if (s.type === 'box') g = new THREE.BoxGeometry(2 * s.size[0], 2 * s.size[1], 2 * s.size[2]);
  else if (s.type === 'capsule') g = new THREE.CapsuleGeometry(s.size[0], 2 * s.size[1], 8, 16).rotateX(Math.PI / 2);
  else return null;
  const mat = ghost
    ? new THREE.MeshStandardMaterial({ color, roughness: 0.6, transparent: true, opacity: 0.3, depthWrite: false })
    : new THREE.MeshStandardMaterial({ color, roughness: 0.6 });
  const m = new THREE.Mesh(g, mat);
  m.position.set(s.pos[0], s.pos[1], s.pos[2]);
  m.quaternion.set(s.quat[1], s.quat[2], s.quat[3], s.quat[0]);
  m.castShadow = !ghost;
  return m;
}

export class ObjectsView {
  readonly root = new THREE.Group();
  private groups: THREE.Group[] = [];
  /** translucent copies at the reference poses (hidden while the reference carries no object) */
  private ghosts: THREE.Group[] = [];

  constructor(scene: THREE.Scene) {
    this.root.name = 'objects';
    scene.add(this.root);
  }

  /** Build the meshes of these objects (at their start poses). */
  set(specs: readonly ObjectSpec[]): void {
    for (const g of [...this.groups, ...this.ghosts]) {
      this.root.remove(g);
      g.traverse((o) => (o as THREE.Mesh).geometry?.dispose());
    }
    const build = (o: ObjectSpec, k: number, ghost: boolean) => {
      const g = new THREE.Group();
      g.name = ghost ? `${o.name} (reference)` : o.name;
      for (const s of o.shapes) {
        const m = shapeMesh(s, COLORS[k % COLORS.length], ghost);
        if (m) g.add(m);
      }
      g.position.set(o.pos[0], o.pos[1], o.pos[2]);
      g.quaternion.set(o.quat[1], o.quat[2], o.quat[3], o.quat[0]);
      g.visible = !ghost;
      this.root.add(g);
      return g;
    };
    this.groups = specs.map((o, k) => build(o, k, false));
    this.ghosts = specs.map((o, k) => build(o, k, true));
  }

  /** Put the ghost objects at the reference poses (per object: shown only when the reference carries it). */
  updateReference(ref: { has: boolean[]; pos: ArrayLike<number>; quat: ArrayLike<number> } | null): void {
    this.ghosts.forEach((g, k) => {
      g.visible = !!ref?.has[k];
      if (!ref || !g.visible) return;
      g.position.set(ref.pos[k * 3], ref.pos[k * 3 + 1], ref.pos[k * 3 + 2]);
      g.quaternion.set(ref.quat[k * 4 + 1], ref.quat[k * 4 + 2], ref.quat[k * 4 + 3], ref.quat[k * 4]);
    });
  }

  /** ghost objects shown now (the hook reports it) */
  ghostsShown(): number {
    return this.ghosts.filter((g) => g.visible).length;
  }

  /** Move the meshes to env 0's object poses. */
  update(s: ObjectState | undefined): void {
    if (!s || s.nk !== this.groups.length) return;
    this.groups.forEach((g, k) => {
      g.position.set(s.pos[k * 3], s.pos[k * 3 + 1], s.pos[k * 3 + 2]);
      g.quaternion.set(s.quat[k * 4 + 1], s.quat[k * 4 + 2], s.quat[k * 4 + 3], s.quat[k * 4]);
    });
  }
}
