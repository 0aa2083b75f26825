/**
 * The steering command drawn at the robot's base: an arrow on the ground along the commanded planar velocity
 * (body frame rotated by the robot's yaw; length 0.25 m + 1 s of travel), an arc for the yaw rate (its angle
 * 1 s of turning, the arrowhead at its end), and a thin arrow for the measured base velocity.
 */
import * as THREE from 'three';
import type { SteerSnapshot, SteerView } from '../steer/steer';

const COMMAND = 0x4dff88,
  MEASURED = 0x4da3ff,
  LIFT = 0.03,
  ARC_R = 0.45,
  ARC_N = 24;

export class CommandArrow implements SteerView {
  readonly group = new THREE.Group();
  private readonly cmd = new THREE.ArrowHelper(new THREE.Vector3(1, 0, 0), new THREE.Vector3(), 1, COMMAND, 0.12, 0.08);
  private readonly meas = new THREE.ArrowHelper(new THREE.Vector3(1, 0, 0), new THREE.Vector3(), 1, MEASURED, 0.08, 0.05);
  private readonly arc: THREE.Line;
  private readonly arcHead = new THREE.Mesh(new THREE.ConeGeometry(0.04, 0.1, 12), new THREE.MeshBasicMaterial({ color: COMMAND }));
  private readonly v = new THREE.Vector3();

  constructor(scene: THREE.Scene) {
    const g = new THREE.BufferGeometry().setFromPoints(Array.from({ length: ARC_N + 1 }, () => new THREE.Vector3()));
    this.arc = new THREE.Line(g, new THREE.LineBasicMaterial({ color: COMMAND }));
    this.group.add(this.cmd, this.meas, this.arc, this.arcHead);
    this.group.visible = false;
    this.group.name = 'steer-command-arrow';
    scene.add(this.group);
  }

  update(s: SteerSnapshot): void {
    this.group.visible = s.active && !!s.root;
    if (!this.group.visible || !s.root) return;
    const { x, y, yaw } = s.root;
    const c = Math.cos(yaw),
      sn = Math.sin(yaw);
    this.planar(this.cmd, x, y, c, sn, s.command[0], s.command[1]);
    if (s.measured) this.planar(this.meas, x, y, c, sn, s.measured[0], s.measured[1]);
    this.meas.visible = !!s.measured;
    this.yawArc(x, y, yaw, s.command[2]);
  }

  private planar(a: THREE.ArrowHelper, x: number, y: number, c: number, sn: number, vx: number, vy: number): void {
    const speed = Math.hypot(vx, vy);
    a.visible = speed > 0.02;
    if (!a.visible) return;
    this.v.set((c * vx - sn * vy) / speed, (sn * vx + c * vy) / speed, 0);
    a.position.set(x, y, LIFT);
    a.setDirection(this.v);
    a.setLength(0.25 + speed, 0.12, 0.08);
  }

  private yawArc(x: number, y: number, yaw: number, wz: number): void {
    const on = Math.abs(wz) > 0.02;
    this.arc.visible = this.arcHead.visible = on;
    if (!on) return;
    const pos = this.arc.geometry.getAttribute('position') as THREE.BufferAttribute;
    for (let i = 0; i <= ARC_N; i++) {
      const a = yaw + (wz * i) / ARC_N;
      pos.setXYZ(i, x + ARC_R * Math.cos(a), y + ARC_R * Math.sin(a), LIFT);
    }
    pos.needsUpdate = true;
    this.arc.geometry.computeBoundingSphere();
    const end = yaw + wz;
    this.arcHead.position.set(x + ARC_R * Math.cos(end), y + ARC_R * Math.sin(end), LIFT);
    // the cone points along +y of its frame: turn it to the arc's tangent
    const tangent = end + (wz > 0 ? Math.PI / 2 : -Math.PI / 2);
    this.arcHead.rotation.set(0, 0, tangent - Math.PI / 2);
  }
}
