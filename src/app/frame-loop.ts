/**
 * The frame loop: the simulation advances by wall-clock time (fixed control steps) every animation frame; the
 * view draws what is there, at most every `drawInterval` ms. It starts before the app has booted, so the scene
 * and the UI show at once and the robot as soon as it exists. Nothing in the UI waits on a frame: panels react
 * to the store, not to drawing.
 */
import { store, reportError } from './store';
import type { Scene } from './scene/scene';
import type { Sim } from './sim';
import type { Charts } from './panels/charts';
import type { Timings } from './hook';

const GHOST_BESIDE = [0, 1.0, 0];

export class FrameLoop {
  /** frame the robot at the next drawn pose (a new robot, or the "frame robot" action) */
  frameRobot = true;
  /** draw at most every this many ms (0: every animation frame); a debugging aid for slow-drawing tests */
  drawInterval = 0;
  private sim: Sim | null = null;
  private charts: Charts | null = null;
  private last = performance.now();
  private lastDraw = -Infinity;
  private frames = 0;
  private fpsT = performance.now();
  private chartT = 0;

  constructor(
    private readonly scene: Scene,
    private readonly timings: Timings,
  ) {}

  attach(sim: Sim, charts: Charts): void {
    this.sim = sim;
    this.charts = charts;
  }

  start(): void {
    requestAnimationFrame((t) => void this.frame(t));
  }

  private async frame(now: number): Promise<void> {
    const dt = (now - this.last) / 1000;
    this.last = now;
    const s = store.getState(),
      sim = this.sim;
    try {
      if (sim && s.playing && !s.busy) await sim.tick(dt, s.speed, s.loop);
    } catch (e) {
      reportError(e, 'simulation');
    }
    if (now - this.lastDraw >= this.drawInterval) {
      this.lastDraw = now;
      this.draw(now);
    }
    if (sim && this.charts && now - this.chartT > 100) {
      this.chartT = now;
      this.charts.update();
      store.setState({ time: sim.time });
    }
    requestAnimationFrame((t) => void this.frame(t));
  }

  private draw(now: number): void {
    const s = store.getState(),
      sim = this.sim,
      scene = this.scene;
    if (sim && scene.robot && sim.bodyPos.length === scene.robot.bodies.length * 3) {
      scene.robot.update(sim.bodyPos, sim.bodyQuat);
      if (this.frameRobot && sim.refFrame) {
        this.frameRobot = false;
        scene.frameRobot(sim.bodyPos);
      }
      const g = sim.ghostPose();
      if (scene.ghost) {
        scene.ghost.root.visible = s.ghost !== 'off' && !!g;
        if (g) scene.ghost.update(g.pos, g.quat, s.ghost === 'beside' ? GHOST_BESIDE : [0, 0, 0]);
      }
      const contact = sim.engine && sim.driver.kind !== 'replay' ? sim.engine.state.contactForce : null;
      scene.showContacts(s.showContacts, sim.bodyPos, contact);
      scene.showCom(s.showCom, sim.com);
      scene.follow(s.follow, sim.bodyPos);
      this.timings.robotVisible ??= performance.now();
    }
    const t0 = performance.now();
    scene.render();
    this.timings.draws++;
    this.timings.drawMs = performance.now() - t0;
    this.timings.firstFrame ??= performance.now();
    this.frames++;
    if (now - this.fpsT > 500) {
      const fps = (this.frames * 1000) / (now - this.fpsT);
      this.frames = 0;
      this.fpsT = now;
      if (sim)
        store.setState((st) => ({ status: { ...st.status, fps, rtf: sim.rtf, policyMs: sim.driver.latencyMs, physicsMs: sim.physicsMs } }));
    }
  }
}
