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
    this.controls.target.set(0, 0, 0.8);
    this.controls.enableDamping = true;
    this.controls.dampingFactor = 0.15;

    this.scene.add(new THREE.HemisphereLight(0xbfd4ff, 0x2a2a30, 1.1));
    this.sun = new THREE.DirectionalLight(0xffffff, 2.2);
    this.sun.position.set(3, -2, 6);
    this.sun.castShadow = true;
    this.sun.shadow.mapSize.set(2048, 2048);
    const sc = this.sun.shadow.camera;
    sc.left = -3;
    sc.right = 3;
    sc.top = 3;
    sc.bottom = -3;
    sc.near = 0.5;
    sc.far = 20;
    this.sun.shadow.bias = -0.0005;
    this.scene.add(this.sun, this.sun.target);
    if (softwareRenderer(this.renderer.getContext())) this.setQuality(SOFTWARE_QUALITY);

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
    const ring = new THREE.Mesh(
      new THREE.RingGeometry(0.035, 0.05, 32),
      new THREE.MeshBasicMaterial({ color: 0xffb347, side: THREE.DoubleSide }),
    );
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
    this.setQuality(this.quality); // the new robot drawn at the detail in force
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

  /** middle and size of the body origins (nb*3): centre x, y; lowest and highest z; largest horizontal extent */
  private static extent(bodyPos: ArrayLike<number>): { x: number; y: number; z0: number; z1: number; w: number } | null {
    const n = bodyPos.length / 3;
    if (!n) return null;
    let x0 = Infinity,
      x1 = -Infinity,
      y0 = Infinity,
      y1 = -Infinity,
      z0 = Infinity,
      z1 = -Infinity;
    for (let b = 0; b < n; b++) {
      const x = bodyPos[b * 3],
        y = bodyPos[b * 3 + 1],
        z = bodyPos[b * 3 + 2];
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
      z0 = Math.min(z0, z);
      z1 = Math.max(z1, z);
    }
    return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, z0, z1, w: Math.max(x1 - x0, y1 - y0) };
  }

  /** height of the framed robot (m), set by frameRobot: the follow camera keeps looking at its middle */
  private framedHeight = 1.6;

  /**
   * Frame the robot (body origins, nb*3), the "frame robot" action: the camera looks at its middle from the front
   * right, at the distance (from the robot's size) where it fills about `fill` of the view's height (and width).
   */
  frameRobot(bodyPos: ArrayLike<number>, fill = 0.55): void {
    const e = Scene.extent(bodyPos);
    if (!e) return;
    const height = Math.max(0.3, e.z1 - Math.min(e.z0, 0.05) + 0.2, e.w + 0.2); // body origins → head top and soles
    this.framedHeight = height;
    const tanV = Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2));
    const dist = height / (fill * 2 * tanV * Math.min(1, this.camera.aspect));
    const target = new THREE.Vector3(e.x, e.y, height * 0.5);
    const dir = new THREE.Vector3(1, -1.1, 0.32).normalize();
    this.controls.target.copy(target);
    this.camera.position.copy(target).addScaledVector(dir, dist);
    this.controls.update();
  }

  /**
   * follow: the orbit target moves with the robot's middle (the camera keeps its offset, so the user's orbit and
   * zoom stay); the height looked at is the framed robot's middle, so a jump or a fall does not tilt the view.
   */
  follow(on: boolean, bodyPos: ArrayLike<number>): void {
    const e = Scene.extent(bodyPos);
    if (!e) return;
    if (on) {
      const d = new THREE.Vector3(e.x, e.y, this.framedHeight * 0.5).sub(this.controls.target);
      this.camera.position.add(d);
      this.controls.target.add(d);
    }
    this.sun.position.set(e.x + 3, e.y - 2, 6);
    this.sun.target.position.set(e.x, e.y, 0);
  }

  resize(): void {
    const el = this.canvas.parentElement ?? this.canvas;
    const w = Math.max(1, el.clientWidth),
      h = Math.max(1, el.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.blank = true; // a new size (or pixel ratio) clears the canvas
  }

  /** the canvas was cleared (resized) since the last draw: the frame loop draws at the next frame, whatever the pace */
  blank = true;

  /**
   * Quality level: 0 full; each level down lowers the resolution, then drops shadows and draws the robot's meshes
   * with fewer triangles (software GL). Lowered when the measured draw cost (frame-loop's pace: the renderer's whole
   * time, not only the JS) stays above `SLOW_DRAW_MS`; never raised again in the page's life.
   */
  quality = 0;
  /** a video of the view is being recorded: the frame loop draws every frame, whatever the pace */
  recording = false;
  /** the quality follows the draw cost (false: held where it was set, a debugging aid) */
  adaptive = true;
  private slowDraws = 0;
  /** draws left before the cost counts again (after a change) */
  private warmDraws = WARM_DRAWS;
  render(): void {
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
    this.blank = false;
  }

  /**
   * Take the measured cost of a draw (ms): after `SLOW_DRAWS` slow draws in a row, one quality level down (two when
   * far too slow). The draws just after a change (new robot, new level: shaders compile) do not count.
   */
  adapt(drawMs: number): void {
    if (this.warmDraws > 0) {
      this.warmDraws--;
      return;
    }
    this.slowDraws = drawMs > SLOW_DRAW_MS ? this.slowDraws + 1 : 0;
    if (!this.adaptive || this.slowDraws < SLOW_DRAWS || this.quality >= QUALITY.length - 1) return;
    this.slowDraws = 0;
    this.setQuality(this.quality + (drawMs > 4 * SLOW_DRAW_MS ? 2 : 1));
  }

  setQuality(q: number): void {
    this.quality = Math.max(0, Math.min(QUALITY.length - 1, q));
    const { scale, shadows, detail } = QUALITY[this.quality];
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2) * scale);
    this.sun.castShadow = shadows;
    this.renderer.shadowMap.enabled = shadows;
    this.robot?.setDetail(detail);
    this.ghost?.setDetail(Math.min(detail + 1, 2));
    this.warmDraws = WARM_DRAWS;
    this.resize();
  }
}

/** draws after a change that the adaptation leaves out (shader compiles, new buffers) */
const WARM_DRAWS = 3;
/** the level a software renderer (SwiftShader, llvmpipe) starts at: it fills pixels and shades vertices on the CPU */
const SOFTWARE_QUALITY = 2;

/** Whether WebGL runs on a CPU rasterizer (the unmasked renderer name says so). */
export function softwareRenderer(gl: WebGLRenderingContext | WebGL2RenderingContext): boolean {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  return /swiftshader|llvmpipe|softpipe|software/i.test(name);
}

/** a draw slower than this (ms) counts as slow */
const SLOW_DRAW_MS = 50;
/** this many slow draws in a row lower the quality one level */
const SLOW_DRAWS = 3;
/** the quality levels: pixel ratio scale, shadows, mesh detail of the robot (robot-view.ts DETAIL_DIVISIONS) */
const QUALITY = [
  { scale: 1, shadows: true, detail: 0 },
  { scale: 0.8, shadows: true, detail: 1 },
  { scale: 0.6, shadows: false, detail: 1 },
  { scale: 0.45, shadows: false, detail: 2 },
];
