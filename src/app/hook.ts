/** Read-only hook for tests and debugging: window.__mimic.getState() returns plain-data snapshots. */
import { store } from './store';
import type { App } from './app';
import type { Charts } from './panels/charts';
import type { Scene } from './scene/scene';
import * as THREE from 'three';
import type { PolicyConfig } from '../core/policy/config';
import { terrainLabel } from './terrain-state';
import type { Steer } from './steer/steer';
import { yawOf } from '../core/policy/heading';
import { skillInfo } from './skills/timeline-skills';
import { ortWarmState } from './ort-warm';

const arr = (a: ArrayLike<number> | undefined | null): number[] => (a ? Array.from(a) : []);

/** Screen box (CSS px, relative to the canvas) around the robot's body origins. */
/** Where the robot is on screen in the last drawn frame (its body origins as drawn, the camera as drawn), px. */
function screenBox(scene: Scene): { x0: number; y0: number; x1: number; y1: number } | null {
  const bodies = scene.robot?.bodies ?? [];
  if (!bodies.length) return null;
  const r = scene.canvas.getBoundingClientRect();
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  const v = new THREE.Vector3();
  for (const b of bodies) {
    v.copy(b.position).project(scene.camera);
    const x = ((v.x + 1) / 2) * r.width,
      y = ((1 - v.y) / 2) * r.height;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return { x0, y0, x1, y1 };
}

/** Start-up times (ms since navigation start): first frame drawn, first robot drawn, app ready (interactive). */
export interface Timings {
  firstFrame: number | null;
  robotVisible: number | null;
  ready: number | null;
  /** draws so far and the last draw's cost, ms (the frame loop counts them) */
  draws: number;
  drawMs: number;
  /** a draw's measured cost, ms: its JS plus the renderer's time until the next frame (draw-pace.ts) */
  drawCostMs: number;
}

declare global {
  interface Window {
    __mimic?: { getState(): unknown };
    __mimicDebug?: {
      loseGpuDevice(): Promise<boolean>;
      loseSimWorker(): boolean;
      setDrawInterval(ms: number): void;
      setQuality(q: number): void;
      setDrawPace(on: boolean): void;
      drawNow(): void;
    };
  }
}

export function installHook(app: App, charts: Charts, scene: Scene, timings: Timings, steer?: Steer): void {
  const page = app.sim;
  const getState = () => {
    const s = store.getState();
    const sim = app.view;
    const f = sim.refFrame;
    const m = sim.metrics;
    const info = sim.driverInfo();
    const rootQuat = sim.physicsRootQuat();
    return {
      ready: document.body.dataset.ready === '1',
      ortWarm: ortWarmState(),
      time: sim.time,
      step: sim.step,
      controlDt: sim.dt,
      playing: s.playing,
      speed: s.speed,
      loop: s.loop,
      driver: info.kind,
      /** where physics, observations and inference run: 'worker' (a Web Worker) or 'page' (app/sim-hosts.ts) */
      simHost: sim.host,
      /** observation backend actually building the policy's observations now (null: no policy driver) */
      backend: info.obs,
      obsMode: s.obsMode,
      gpuSteps: info.gpuSteps,
      requestedDriver: s.driver,
      assist: s.assist,
      source: s.source,
      busy: s.busy,
      robotName: sim.model?.name ?? null,
      jointNames: sim.model?.joints.map((j) => j.name) ?? [],
      reference: f ? { rootPos: arr(f.rootPos), rootQuat: arr(f.rootQuat), jointPos: arr(f.jointPos) } : null,
      robot: {
        rootPos: arr(sim.rootPos),
        rootQuat: rootQuat ? arr(rootQuat) : f ? arr(f.rootQuat) : [],
        jointPos: arr(sim.jointPos),
      },
      errors: s.errors.map((x) => ({ kind: x.kind, message: x.message, count: x.count })),
      progress: s.progress ? { ...s.progress } : null,
      waitingSession: app.files.waitingSession,
      timings: { ...timings },
      assets: s.assets.map((a) => ({ id: a.id, kind: a.kind, name: a.name, builtin: a.builtin })),
      robotId: s.robotId,
      policyId: s.policyId,
      segments: s.segments.map((g) => ({ ...g })),
      currentSegment: app.currentSegment(),
      layers: s.layers.map((l) => ({ ...l, mask: { ...l.mask } })),
      metrics: {
        n: m.t.length,
        lastJointErr: m.jointErr.at(-1) ?? null,
        lastAnchorErr: m.anchorErr.at(-1) ?? null,
        lastTorque: m.torque.at(-1) ?? null,
      },
      chartUpdates: charts.updates,
      push: sim.lastPush ? { body: sim.lastPush.body, force: [...sim.lastPush.force] } : null,
      robotScreenBox: screenBox(scene),
      status: { ...s.status },
      /** the frame loop: draws so far, the last draw's JS (ms), a draw's measured cost (ms), the scene's quality
       * level and the robot's triangles drawn per pass */
      drawing: {
        draws: timings.draws,
        drawMs: timings.drawMs,
        costMs: timings.drawCostMs,
        quality: scene.quality,
        triangles: scene.robot?.triangleCount() ?? 0,
      },
      policy: policyInfo(info.config),
      objects: objectsInfo(app), // objects
      /** terrain (issue 16): the label of the ground the robot stands on ('flat': the plain floor) */
      terrain: terrainLabel(),
      /** steering (app/steer): active, requested / clamped command, measured base velocity, clamps, gamepad, notice */
      steer: steer?.snapshot() ?? null,
      /** robot root yaw (rad, world; physics state), null in replay / before a robot */
      robotYaw: rootQuat ? yawOf(rootQuat) : null,
      /** control steps that failed in a driver already replaced while they were in flight (sim.ts; not shown as errors) */
      replacedStepFailures: sim.replacedFailures,
      /** fall resets so far; the skill timeline (names, running one, transition jumps) when one drives */
      fallResets: app.fallResets,
      skills: app.hosts.onWorkerSim?.skills() ?? skillInfo(page.driver),
      /** IndexedDB writes started / settled (remembered files): equal → a reload keeps every one */
      storage: { ...app.persist.writes },
    };
  };
  window.__mimic = Object.freeze({ getState });
}

/** The policy's configuration as the Run box names it (plain data for tests). */
function policyInfo(cfg: PolicyConfig | null): { family: string; source: string; embedded: boolean; filledFromProfile: string[] } | null {
  if (!cfg) return null;
  return {
    family: cfg.family ?? 'unknown',
    source: cfg.source,
    embedded: cfg.embeddedReference,
    filledFromProfile: cfg.filledFromProfile ?? [],
  };
}

/** objects: env 0's objects (name, position, contact with any body), the skill picked by key and the one-hot. */
function objectsInfo(app: App) {
  const v = app.view,
    objectErr = app.objectRef.err;
  const o = v.objects(),
    skill = v.driverInfo().skill;
  return {
    list: o
      ? o.names.map((name, k) => ({
          name,
          pos: arr(o.pos.subarray(k * 3, k * 3 + 3)),
          touching: o.contact.subarray(k * o.nb, (k + 1) * o.nb).some((c) => c > 0),
        }))
      : [],
    skillKey: app.objectsReadout.skill,
    skillOneHot: skill,
    /** ghost objects drawn at the reference poses; object position error series (points, last, m) */
    ghosts: app.objectsReadout.ghosts,
    errorPoints: objectErr.t.length,
    lastError: objectErr.err.at(-1) ?? null,
  };
}
