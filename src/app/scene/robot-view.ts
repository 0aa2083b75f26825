/** A robot drawn from its RobotModel's visual shapes (meshes or primitives): one group per body. */
import * as THREE from 'three';
import type { MeshData, RobotModel, Shape } from '../../core/model/types';
import { coarser } from './simplify';

export interface RobotViewOptions {
  ghost?: boolean;
}

/**
 * Drawing detail: grid cells along each mesh's bounding-box diagonal at each level (level 0: the mesh as loaded).
 * The robot's meshes are clustered (simplify.ts) when the renderer is slow (scene.ts lowers the level from measured
 * draw costs). The G1's 393k visual triangles: 40k at level 1, ~12k at level 2.
 */
export const DETAIL_DIVISIONS = [0, 25, 10];

/** The geometry of a mesh at a detail level: built once per mesh data and level (a pure cache of immutable input). */
const geometryCache = new WeakMap<MeshData, THREE.BufferGeometry[]>();

function meshGeometry(m: MeshData, level = 0): THREE.BufferGeometry {
  let byLevel = geometryCache.get(m);
  if (!byLevel) geometryCache.set(m, (byLevel = []));
  let g = byLevel[level];
  if (!g) {
    const d = level ? coarser(m, DETAIL_DIVISIONS[level]) : m;
    g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(d.vertices, 3));
    g.setIndex(new THREE.BufferAttribute(d.indices, 1));
    g.computeVertexNormals();
    g.computeBoundingSphere();
    byLevel[level] = g;
  }
  return g;
}

function shapeGeometry(s: Shape): THREE.BufferGeometry | null {
  const z = new THREE.Matrix4().makeRotationX(Math.PI / 2); // three's capsule/cylinder run along y; ours along z
  switch (s.type) {
    case 'mesh':
      return s.mesh ? meshGeometry(s.mesh) : null;
    case 'sphere':
      return new THREE.SphereGeometry(s.size[0], 20, 14);
    case 'capsule':
      return new THREE.CapsuleGeometry(s.size[0], 2 * s.size[1], 6, 16).applyMatrix4(z);
    case 'cylinder':
      return new THREE.CylinderGeometry(s.size[0], s.size[0], 2 * s.size[1], 20).applyMatrix4(z);
    case 'box':
      return new THREE.BoxGeometry(2 * s.size[0], 2 * s.size[1], 2 * s.size[2]);
    default:
      return null;
  }
}

export class RobotView {
  readonly root = new THREE.Group();
  readonly bodies: THREE.Group[] = [];
  /** meshes that can be picked for pushing: userData.body = body index */
  readonly pickables: THREE.Mesh[] = [];
  /** the meshes drawn from mesh data, whose detail can be lowered */
  private readonly meshes: { mesh: THREE.Mesh; data: MeshData }[] = [];
  /** the drawing detail level now (DETAIL_DIVISIONS) */
  detail = 0;

  constructor(
    readonly model: RobotModel,
    opts: RobotViewOptions = {},
  ) {
    const ghostMat = new THREE.MeshStandardMaterial({
      color: 0x5ab0ff,
      transparent: true,
      opacity: 0.28,
      depthWrite: false,
      roughness: 0.6,
      emissive: 0x0a2a55,
    });
    const mats = new Map<string, THREE.Material>();
    const matFor = (s: Shape): THREE.Material => {
      if (opts.ghost) return ghostMat;
      const c = s.rgba ?? [0.72, 0.74, 0.78, 1];
      const key = c.join(',');
      let m = mats.get(key);
      if (!m) {
        m = new THREE.MeshStandardMaterial({
          color: new THREE.Color(c[0], c[1], c[2]),
          roughness: 0.55,
          metalness: 0.15,
          transparent: c[3] < 1,
          opacity: c[3],
        });
        mats.set(key, m);
      }
      return m;
    };
    for (const body of model.bodies) {
      const g = new THREE.Group();
      g.name = body.name;
      g.matrixAutoUpdate = true;
      const shapes = body.visual.length ? body.visual : body.collision;
      for (const s of shapes) {
        if (s.type === 'plane') continue;
        const geo = shapeGeometry(s);
        if (!geo) continue;
        // skip the tiny foot contact spheres when the body also has a real visual
        if (s.type === 'sphere' && s.size[0] < 0.008 && shapes.length > 1) continue;
        const mesh = new THREE.Mesh(geo, matFor(s));
        mesh.position.set(s.pos[0], s.pos[1], s.pos[2]);
        mesh.quaternion.set(s.quat[1], s.quat[2], s.quat[3], s.quat[0]);
        mesh.castShadow = !opts.ghost;
        mesh.receiveShadow = !opts.ghost;
        mesh.userData.body = body.index;
        mesh.userData.sharedGeometry = s.type === 'mesh';
        if (s.mesh) this.meshes.push({ mesh, data: s.mesh });
        if (!opts.ghost) this.pickables.push(mesh);
        g.add(mesh);
      }
      this.bodies.push(g);
      this.root.add(g);
    }
    if (opts.ghost) this.root.renderOrder = 2;
  }

  /** Place every body from world poses (nb*3, nb*4 [w,x,y,z]), optionally shifted by `offset`. */
  update(bodyPos: ArrayLike<number>, bodyQuat: ArrayLike<number>, offset: ArrayLike<number> = [0, 0, 0], env = 0): void {
    const nb = this.bodies.length,
      o3 = env * nb * 3,
      o4 = env * nb * 4;
    for (let b = 0; b < nb; b++) {
      const g = this.bodies[b];
      g.position.set(bodyPos[o3 + b * 3] + offset[0], bodyPos[o3 + b * 3 + 1] + offset[1], bodyPos[o3 + b * 3 + 2] + offset[2]);
      g.quaternion.set(bodyQuat[o4 + b * 4 + 1], bodyQuat[o4 + b * 4 + 2], bodyQuat[o4 + b * 4 + 3], bodyQuat[o4 + b * 4]);
    }
  }

  /** Draw the meshes at detail `level` (0: full; higher: fewer triangles; the physics is not touched). */
  setDetail(level: number): void {
    const l = Math.max(0, Math.min(DETAIL_DIVISIONS.length - 1, Math.round(level)));
    if (l === this.detail) return;
    this.detail = l;
    for (const { mesh, data } of this.meshes) mesh.geometry = meshGeometry(data, l);
  }

  /** Triangles drawn per pass at the detail level now (the hook reports them). */
  triangleCount(): number {
    let n = 0;
    this.root.traverse((o) => {
      const m = o as THREE.Mesh;
      if (m.isMesh) n += (m.geometry.index?.count ?? m.geometry.getAttribute('position').count) / 3;
    });
    return n;
  }

  dispose(): void {
    this.root.traverse((o) => {
      const m = o as THREE.Mesh;
      if (m.isMesh) {
        if (!m.userData.sharedGeometry) m.geometry.dispose();
        (m.material as THREE.Material).dispose();
      }
    });
    this.root.removeFromParent();
  }
}
