/**
 * The frame loop, simulation first (issue 12): the simulation runs in its own task loop on the main thread
 * (fixed control steps by wall-clock time, sleeping until the next step is due), and the animation frames draw
 * only as often as leaves the simulation at real time (`draw-pacing.ts`: a draw's measured cost against the
 * simulation's measured need, corrected by the real-time factor achieved; at least every 0.5 s; at once after
 * user input). It starts before the app has booted, so the scene and the UI show at once and the robot as soon
 * as it exists. Nothing in the UI waits on a frame: panels react to the store, not to drawing.
 */
import { store, reportError } from './store';
import type { Scene } from './scene/scene';
import type { Sim } from './sim';
import type { Charts } from './panels/charts';
import type { Timings } from './hook';
import { DrawPacer } from './draw-pacing';

const GHOST_BESIDE = [0, 1.0, 0];
const FRAME_MS = 1000 / 60;
/** a view with nothing new (a stalled or very slow control step) is still drawn this often, ms */
const STILL_MS = 2000;
const INPUT_EVENTS = ['pointerdown', 'pointerup', 'wheel', 'keydown', 'keyup'] as const;

/** Counters for the hook and the bench: draws so far, the last draw's cost and the current gap between draws (ms). */
export const drawStats = { draws: 0, drawMs: 0, gapMs: 0 };

/** a video of the view is being recorded (the record panel's Video button is on): it gets every frame drawn */
const recordingVideo = (): boolean => !!document.getElementById('record-video')?.classList.contains('on');

export class FrameLoop {
  /** frame the robot at the next drawn pose (a new robot, or the "frame robot" action) */
  frameRobot = true;
  /** draw at most every this many ms (0: as the pacer decides); a debugging aid for slow-drawing tests */
  drawInterval = 0;
  readonly pacer = new DrawPacer();
  private sim: Sim | null = null;
  private charts: Charts | null = null;
  private simLast = performance.now();
  private lastDraw = -Infinity;
  /** end of the last draw and the simulation work done since (the next frame's delay beyond that is the draw's too) */
  private drawEnd = -1;
  private simSinceDraw = 0;
  private statusT = 0;
  private chartT = 0;
  private stepAtDraw = -1;
  private readonly wake = new MessageChannel();

  constructor(
    private readonly scene: Scene,
    private readonly timings: Timings,
  ) {
    this.wake.port1.onmessage = () => void this.simulate();
  }

  attach(sim: Sim, charts: Charts): void {
    this.sim = sim;
    this.charts = charts;
  }

  start(): void {
    for (const k of INPUT_EVENTS) window.addEventListener(k, () => this.pacer.noteInput(), { capture: true, passive: true });
    window.addEventListener('pointermove', (e) => e.buttons && this.pacer.noteInput(), { capture: true, passive: true });
    requestAnimationFrame((t) => this.frame(t));
    this.simLast = performance.now();
    this.later(0);
  }

  /** run the simulation again in `ms` (a message when due now: no timer clamping) */
  private later(ms: number): void {
    if (ms < 1) this.wake.port2.postMessage(0);
    else setTimeout(() => void this.simulate(), ms);
  }

  /** one simulation turn: the control steps due by now, then sleep until the next one is due */
  private async simulate(): Promise<void> {
    const now = performance.now();
    const dt = (now - this.simLast) / 1000;
    this.simLast = now;
    const s = store.getState(),
      sim = this.sim;
    let wait = 20;
    if (sim && sim.ref && s.playing && !s.busy) {
      try {
        const n = await sim.tick(dt, s.speed, s.loop);
        const work = performance.now() - now;
        this.simSinceDraw += work;
        this.pacer.noteSim(work, n * sim.dt, dt * s.speed);
      } catch (e) {
        reportError(e, 'simulation');
      }
      wait = ((sim.dt - sim.acc) / Math.max(s.speed, 1e-3)) * 1000;
    }
    this.later(Math.max(0, wait));
  }

  private frame(now: number): void {
    if (this.drawEnd >= 0) {
      // what the previous draw held beyond its own call: the frame it delayed (software GL finishes it later)
      const held = Math.max(0, now - this.drawEnd - this.simSinceDraw - FRAME_MS);
      this.pacer.noteDraw(drawStats.drawMs + held);
      this.drawEnd = -1;
    }
    const force = (this.frameRobot && !!this.sim?.refFrame) || recordingVideo();
    if (
      (this.pacer.due(now, this.lastDraw, this.moved() || now - this.lastDraw > STILL_MS) || force) &&
      now - this.lastDraw >= this.drawInterval
    ) {
      this.lastDraw = now;
      this.stepAtDraw = this.sim?.step ?? -1;
      const t0 = performance.now();
      this.draw();
      this.drawEnd = performance.now();
      this.simSinceDraw = 0;
      drawStats.draws++;
      drawStats.drawMs = this.drawEnd - t0;
    }
    drawStats.gapMs = this.pacer.gap;
    if (this.sim && now - this.statusT > 500) {
      this.statusT = now;
      const sim = this.sim;
      store.setState((st) => ({
        status: { ...st.status, fps: this.pacer.drawFps, rtf: sim.rtf, policyMs: sim.driver.latencyMs, physicsMs: sim.physicsMs },
      }));
    }
    requestAnimationFrame((t) => this.frame(t));
  }

  /** something new to show: the simulation is not playing, or it has run a control step since the last draw */
  private moved(): boolean {
    const s = store.getState(),
      sim = this.sim;
    return !sim?.ref || !s.playing || !!s.busy || sim.step !== this.stepAtDraw;
  }

  private draw(): void {
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
    scene.render();
    this.timings.firstFrame ??= performance.now();
    if (sim && this.charts && performance.now() - this.chartT > 100) {
      this.chartT = performance.now();
      this.charts.update();
      store.setState({ time: sim.time });
    }
  }
}
