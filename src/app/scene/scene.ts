/** three.js scene: ground grid with shadows, lights, orbit camera with follow mode, robot + ghost, markers. */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { RobotModel } from '../../core/model/types';
import { RobotView } from './robot-view';

export const BACKGROUND = 0x14171c;

export class Scene {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(45, 1, 0.02, 200);
  readonly controls: OrbitControls;
  robot: RobotView | null = null;
  ghost: RobotView | null = null;
  private readonly sun: THREE.DirectionalLight;
  private readonly contactMarkers: THREE.Mesh[] = [];
  private readonly comMarker: THREE.Group;
  private readonly followTarget = new THREE.Vector3(0, 0, 0.8);
  private readonly lastRoot = new THREE.Vector3();

  constructor(readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.shadowMap.enabled = true;
    this.renderer.shadowMap.type = THREE.PCFShadowMap;
    this.scene.background = new THREE.Color(BACKGROUND);
    this.scene.fog = new THREE.Fog(BACKGROUND, 12, 40);
    this.camera.up.set(0, 0, 1);
    this.camera.position.set(2.6, -2.8, 1.6);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.copy(this.followTarget);
    this.controls.enableDamping = true;
    this.controls.dampingFactor = 0.15;

    this.scene.add(new THREE.HemisphereLight(0xbfd4ff, 0x2a2a30, 1.1));
    this.sun = new THREE.DirectionalLight(0xffffff, 2.2);
    this.sun.position.set(3, -2, 6);
    this.sun.castShadow = true;
    this.sun.shadow.mapSize.set(2048, 2048);
    const sc = this.sun.shadow.camera;
    sc.left = -3; sc.right = 3; sc.top = 3; sc.bottom = -3; sc.near = 0.5; sc.far = 20;
    this.sun.shadow.bias = -0.0005;
    this.scene.add(this.sun, this.sun.target);

    const ground = new THREE.Mesh(new THREE.PlaneGeometry(200, 200), new THREE.MeshStandardMaterial({ color: 0x22262d, roughness: 0.95 }));
    ground.receiveShadow = true;
    ground.name = 'ground';
    this.scene.add(ground);
    const grid = new THREE.GridHelper(40, 80, 0x4a5260, 0x30353e);
    grid.rotation.x = Math.PI / 2;
    grid.position.z = 0.001;
    this.scene.add(grid);
    const axes = new THREE.AxesHelper(0.4);
    axes.position.z = 0.002;
    this.scene.add(axes);

    this.comMarker = new THREE.Group();
    const ring = new THREE.Mesh(new THREE.RingGeometry(0.035, 0.05, 32), new THREE.MeshBasicMaterial({ color: 0xffb347, side: THREE.DoubleSide }));
    ring.position.z = 0.004;
    const dot = new THREE.Mesh(new THREE.CircleGeometry(0.012, 16), new THREE.MeshBasicMaterial({ color: 0xffb347 }));
    dot.position.z = 0.004;
    this.comMarker.add(ring, dot);
    this.scene.add(this.comMarker);
  }

  setRobot(model: RobotModel): void {
    this.robot?.dispose();
    this.ghost?.dispose();
    this.robot = new RobotView(model);
    this.ghost = new RobotView(model, { ghost: true });
    this.scene.add(this.robot.root, this.ghost.root);
    for (const m of this.contactMarkers) m.removeFromParent();
    this.contactMarkers.length = 0;
    const mat = new THREE.MeshBasicMaterial({ color: 0x4dff88, transparent: true, opacity: 0.85, side: THREE.DoubleSide });
    for (let b = 0; b < model.bodies.length; b++) {
      const m = new THREE.Mesh(new THREE.RingGeometry(0.03, 0.06, 24), mat);
      m.visible = false;
      this.contactMarkers.push(m);
      this.scene.add(m);
    }
  }

  /** contact: per body ground-contact force (world, N), nb*3 */
  showContacts(on: boolean, bodyPos: ArrayLike<number>, contact: ArrayLike<number> | null): void {
    this.contactMarkers.forEach((m, b) => {
      const f = contact ? contact[b * 3 + 2] : 0;
      m.visible = on && f > 1;
      if (m.visible) {
        m.position.set(bodyPos[b * 3], bodyPos[b * 3 + 1], 0.003);
        const s = 0.6 + Math.min(f / 400, 1.2);
        m.scale.set(s, s, 1);
      }
    });
  }

  showCom(on: boolean, com: ArrayLike<number> | null): void {
    this.comMarker.visible = on && !!com;
    if (com) this.comMarker.position.set(com[0], com[1], 0);
  }

  /**
   * Frame the robot (body origins, nb*3): the camera looks at its middle from the current direction, at the
   * distance where it fills about `fill` of the view's height.
   */
  frameRobot(bodyPos: ArrayLike<number>, fill = 0.55): void {
    let z0 = Infinity, z1 = -Infinity, x = 0, y = 0;
    const n = bodyPos.length / 3;
    if (!n) return;
    for (let b = 0; b < n; b++) {
      z0 = Math.min(z0, bodyPos[b * 3 + 2]); z1 = Math.max(z1, bodyPos[b * 3 + 2]);
      x += bodyPos[b * 3] / n; y += bodyPos[b * 3 + 1] / n;
    }
    const height = Math.max(0.3, z1 - Math.min(z0, 0.05) + 0.2); // body origins → head top and soles
    const dist = height / (fill * 2 * Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2)));
    const target = new THREE.Vector3(x, y, height * 0.5);
    const dir = new THREE.Vector3(1, -1.1, 0.32).normalize();
    this.controls.target.copy(target);
    this.camera.position.copy(target).addScaledVector(dir, dist);
    this.lastRoot.set(bodyPos[0], bodyPos[1], Math.max(0.5, Math.min(bodyPos[2], 1.2)));
    this.controls.update();
  }

  /** follow: keep the camera's offset to the robot root, move the orbit target with it */
  follow(on: boolean, root: ArrayLike<number>): void {
    const r = new THREE.Vector3(root[0], root[1], Math.max(0.5, Math.min(root[2], 1.2)));
    if (on) {
      const d = r.clone().sub(this.lastRoot);
      if (d.length() < 2) {
        this.camera.position.add(d);
        this.controls.target.add(d);
      } else {
        this.controls.target.copy(r);
      }
    }
    this.lastRoot.copy(r);
    this.sun.position.set(r.x + 3, r.y - 2, 6);
    this.sun.target.position.set(r.x, r.y, 0);
  }

  resize(): void {
    const el = this.canvas.parentElement ?? this.canvas;
    const w = Math.max(1, el.clientWidth), h = Math.max(1, el.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  /** quality level: 0 full; each level down lowers the resolution / drops shadows (slow software GL) */
  quality = 0;
  private frameMs: number[] = [];
  render(): void {
    const t0 = performance.now();
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
    this.adapt(performance.now() - t0);
  }

  private adapt(ms: number): void {
    this.frameMs.push(ms);
    if (this.frameMs.length < 8) return;
    const mean = this.frameMs.reduce((a, b) => a + b, 0) / this.frameMs.length;
    this.frameMs.length = 0;
    if (mean < 45 || this.quality >= 3) return;
    this.quality++;
    const dpr = Math.min(window.devicePixelRatio, 2);
    const scale = [1, 0.8, 0.6, 0.45][this.quality];
    this.renderer.setPixelRatio(dpr * scale);
    if (this.quality >= 2) { this.sun.castShadow = false; this.renderer.shadowMap.enabled = false; }
    this.resize();
  }
}
