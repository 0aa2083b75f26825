/**
 * The frame loop: the simulation advances by wall-clock time (fixed control steps) every animation frame; the
 * view draws what is there when the draw pace allows (draw-pace.ts: on a slow renderer draws are spaced so the
 * simulation keeps real time) and never more often than every `drawInterval` ms. The scene lowers its detail from
 * the measured draw cost. It starts before the app has booted, so the scene and the UI show at once and the robot
 * as soon as it exists. Nothing in the UI waits on a frame: panels react to the store, not to drawing.
 */
import { store, reportError } from './store';
import type { Scene } from './scene/scene';
import type { SimView } from './sim-view';
import type { Charts } from './panels/charts';
import type { Timings } from './hook';
import { DrawPace } from './draw-pace';

const GHOST_BESIDE = [0, 1.0, 0];

/** how long after a user's action every frame draws, ms */
const INTERACTIVE_MS = 400;
/** the time between draws of a view that does not move (paused, loading), ms: the CPU goes to the loading */
const IDLE_PERIOD = 250;

export class FrameLoop {
  /** frame the robot at the next drawn pose (a new robot, or the "frame robot" action) */
  frameRobot = true;
  /** draw at most every this many ms (0: every animation frame); a debugging aid for slow-drawing tests */
  drawInterval = 0;
  readonly pace = new DrawPace();
  /** draws spaced by the pace (false: every frame, as before the pace; a debugging aid) */
  paced = true;
  private view: (() => SimView) | null = null;
  private charts: Charts | null = null;
  private last = performance.now();
  /** until then (performance.now() ms) every frame draws: the user is acting on the page */
  private interactiveUntil = -Infinity;
  /** wall time (s) not yet simulated: frames that found a control step in flight */
  private pending = 0;
  private lastDraw = -Infinity;
  private frames = 0;
  private fpsT = performance.now();
  private chartT = 0;
  /** the step and metric count the charts were last updated at */
  private chartStep = -1;

  constructor(
    private readonly scene: Scene,
    private readonly timings: Timings,
  ) {}

  /** the simulation to draw: the app's view of it (on the page or on the worker) */
  attach(view: () => SimView, charts: Charts): void {
    this.view = view;
    this.charts = charts;
  }

  /** The user acted (pointer, wheel, key, a control): draw at the next frame and every frame for a moment. */
  interact(): void {
    this.interactiveUntil = performance.now() + INTERACTIVE_MS;
  }

  start(): void {
    requestAnimationFrame((t) => this.frame(t));
  }

  /**
   * One animation frame. The next one is asked for first: a control step may await the GPU, whose reads Chromium
   * answers with animation frames, so frames must keep coming while a step is in flight. The simulation runs the
   * wall time since it last ran (frames that found it busy add theirs); the frame draws once it has simulated.
   */
  private frame(now: number): void {
    requestAnimationFrame((t) => this.frame(t));
    this.pending += (now - this.last) / 1000;
    this.last = now;
    this.pace.frameStart(now);
    const s = store.getState(),
      sim = this.view?.() ?? null,
      running = !!sim && s.playing && !s.busy;
    if (!running) this.pending = 0;
    if (running && !sim.busy) {
      const dt = this.pending;
      this.pending = 0;
      // files being read (a long load): a few draws a second, the page's thread goes to the reading
      const drawSpeed = s.progress ? 0 : s.speed;
      void this.simulate(sim, dt, s.speed, s.loop).then(() => this.show(now, drawSpeed));
    } else {
      if (sim && !running) void sim.advance(0, s.speed, s.loop, false); // a worker pauses
      this.show(now, running ? s.speed : 0);
    }
  }

  /** The page's simulation runs the wall time due; the worker's is told to play (it keeps its own clock). */
  private async simulate(sim: SimView, dt: number, speed: number, loop: boolean): Promise<void> {
    const t0 = performance.now();
    try {
      const n = await sim.advance(dt, speed, loop, true);
      this.pace.simulated(performance.now() - t0, n * sim.dt);
    } catch (e) {
      reportError(e, 'simulation');
    }
  }

  /** Draw if the pace allows (speed: the simulation's, 0 when it is not running); charts and the time readout. */
  private show(now: number, speed: number): void {
    const t = performance.now(),
      sim = this.view?.() ?? null;
    // a video, the user acting or a cleared canvas: this frame; the pace otherwise; never under `drawInterval` (a
    // debugging aid) but for a video
    const eager = this.scene.recording || this.scene.blank || t < this.interactiveUntil;
    // paused or loading: nothing moves but what the user moves, so a still view is drawn a few times a second
    const still = speed === 0 ? IDLE_PERIOD : 0;
    const paced = eager || !this.paced ? 0 : Math.max(still, this.pace.period(speed));
    const period = this.scene.recording ? 0 : Math.max(this.drawInterval, paced);
    if (t - this.lastDraw >= period) {
      this.lastDraw = t;
      this.draw(now);
      this.pace.drew(this.timings.drawMs);
      this.timings.drawCostMs = this.pace.drawMs;
      this.scene.adapt(this.pace.drawMs);
    }
    // charts and time readout at 10 Hz, and only when the simulation moved (a still page repaints nothing)
    const moved = sim ? sim.step * 1e6 + sim.metrics.t.length : 0;
    if (sim && this.charts && now - this.chartT > 100 && moved !== this.chartStep) {
      this.chartStep = moved;
      this.chartT = now;
      this.charts.update();
      store.setState({ time: sim.time });
    }
    this.pace.frameEnded(performance.now());
  }

  /** Draw now, whatever the pace (a debugging aid: a test reads the canvas in the same task). */
  drawNow(): void {
    this.draw(performance.now());
  }

  private draw(now: number): void {
    const s = store.getState(),
      sim = this.view?.() ?? null,
      scene = this.scene;
    sim?.prepareDraw(performance.now());
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
      const contact = sim.contactForce();
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
        store.setState((st) => ({
          status: { ...st.status, fps, rtf: sim.rtf, policyMs: sim.driverInfo().latencyMs, physicsMs: sim.physicsMs },
        }));
    }
  }
}
