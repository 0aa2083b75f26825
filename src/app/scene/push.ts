/**
 * Click-and-drag on a body to push it: a raycast picks the body and the grab point; while the mouse is held
 * a spring pulls the grab point toward the mouse ray (on the plane through the grab point facing the camera).
 * The simulation reads `current` each control step and applies the force; released → cleared.
 */
import * as THREE from 'three';
import type { Scene } from './scene';

export interface Push {
  body: number;
  /** grab point in the body frame */
  local: THREE.Vector3;
  /** where the mouse ray meets the drag plane (world) */
  target: THREE.Vector3;
  /** last force applied (N, world), for the arrow */
  force: THREE.Vector3;
}

export const PUSH_STIFFNESS = 600; // N/m
export const PUSH_MAX = 400; // N

export class PushTool {
  current: Push | null = null;
  private readonly ray = new THREE.Raycaster();
  private readonly plane = new THREE.Plane();
  private readonly arrow = new THREE.ArrowHelper(new THREE.Vector3(1, 0, 0), new THREE.Vector3(), 0.3, 0xff5a5a, 0.08, 0.05);

  constructor(
    private readonly view: Scene,
    private readonly enabled: () => boolean,
  ) {
    this.arrow.visible = false;
    view.scene.add(this.arrow);
    const c = view.canvas;
    c.addEventListener('pointerdown', (e) => this.down(e));
    c.addEventListener('pointermove', (e) => this.move(e));
    const up = () => this.release();
    c.addEventListener('pointerup', up);
    c.addEventListener('pointercancel', up);
    c.addEventListener('lostpointercapture', up);
  }

  private setRay(e: PointerEvent): void {
    const r = this.view.canvas.getBoundingClientRect();
    const p = new THREE.Vector2(((e.clientX - r.left) / r.width) * 2 - 1, -((e.clientY - r.top) / r.height) * 2 + 1);
    this.ray.setFromCamera(p, this.view.camera);
  }

  private down(e: PointerEvent): void {
    if (!this.enabled() || !this.view.robot || e.button !== 0) return;
    this.setRay(e);
    const hit = this.ray.intersectObjects(this.view.robot.pickables, false)[0];
    if (!hit) return;
    const body = hit.object.userData.body as number;
    const g = this.view.robot.bodies[body];
    const local = g.worldToLocal(hit.point.clone());
    const n = this.view.camera.getWorldDirection(new THREE.Vector3());
    this.plane.setFromNormalAndCoplanarPoint(n, hit.point);
    this.current = { body, local, target: hit.point.clone(), force: new THREE.Vector3() };
    this.view.controls.enabled = false;
    this.view.canvas.setPointerCapture(e.pointerId);
    e.preventDefault();
  }

  private move(e: PointerEvent): void {
    if (!this.current) return;
    this.setRay(e);
    this.ray.ray.intersectPlane(this.plane, this.current.target);
  }

  release(): void {
    this.current = null;
    this.arrow.visible = false;
    this.view.controls.enabled = true;
  }

  /** Force on the grab point (world) given the body's current pose; also updates the arrow. */
  force(bodyPos: ArrayLike<number>, bodyQuat: ArrayLike<number>, body: number): { point: number[]; force: number[] } | null {
    const p = this.current;
    if (!p || p.body !== body) return null;
    const q = new THREE.Quaternion(bodyQuat[body * 4 + 1], bodyQuat[body * 4 + 2], bodyQuat[body * 4 + 3], bodyQuat[body * 4]);
    const point = p.local
      .clone()
      .applyQuaternion(q)
      .add(new THREE.Vector3(bodyPos[body * 3], bodyPos[body * 3 + 1], bodyPos[body * 3 + 2]));
    const f = p.target.clone().sub(point).multiplyScalar(PUSH_STIFFNESS);
    if (f.length() > PUSH_MAX) f.setLength(PUSH_MAX);
    p.force.copy(f);
    const len = point.distanceTo(p.target);
    this.arrow.visible = len > 0.01;
    if (this.arrow.visible) {
      this.arrow.position.copy(point);
      this.arrow.setDirection(p.target.clone().sub(point).normalize());
      this.arrow.setLength(len, Math.min(0.08, len * 0.4), Math.min(0.05, len * 0.25));
    }
    return { point: [point.x, point.y, point.z], force: [f.x, f.y, f.z] };
  }
}
