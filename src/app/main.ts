/**
 * Entry: creates the one app controller (app.ts) and the scene, mounts the panels with what they need, runs the
 * frame loop (started at once: the scene and the UI show before the robot exists), drag-and-drop, the test hook.
 */
import './style.css';
import './ort-setup';
import { warmOrtOnIntent } from './ort-warm';
import { store, reportError } from './store';
import { App } from './app';
import { mountDrop } from './drop';
import { Scene } from './scene/scene';
import { PushTool } from './scene/push';
import { Charts } from './panels/charts';
import { mountLibrary, openPicked } from './panels/library';
import { mountTransport } from './panels/transport';
import { mountDrive } from './panels/drive';
import { mountTimeline } from './panels/timeline';
import { mountBlend } from './panels/blend';
import { mountErrors, mountStatus, mountToggles, mountBusy } from './panels/misc';
import { mountShortcuts } from './panels/shortcuts';
import { saveSession, saveSessionBundle } from './session';
import { installHook, type Timings } from './hook';
import { mountEvaluation } from './evaluation-tab';
import { FrameLoop } from './frame-loop';
import { h } from './dom';
import { mountObjects } from './panels/objects';
import { Steer } from './steer/steer';
import { steerTarget } from './steer/target';
import { CommandArrow } from './scene/command-arrow';
import { SteerPlot } from './panels/steer-plot';
import { mountRecord, applyShareFromUrl } from './panels/record';

const $ = (id: string) => document.getElementById(id)!;
const timings: Timings = { firstFrame: null, robotVisible: null, ready: null, draws: 0, drawMs: 0, drawCostMs: 0 };

window.addEventListener('error', (e) => reportError(e.error ?? e.message, 'uncaught'));
window.addEventListener('unhandledrejection', (e) => reportError(e.reason, 'uncaught'));

const scene = new Scene($('scene') as HTMLCanvasElement);
const push = new PushTool(scene, () => store.getState().driver !== 'replay');
const loop = new FrameLoop(scene, timings);
const app = new App({
  onRobot: (m) => {
    scene.setRobot(m);
    loop.frameRobot = true;
  },
  push: (engine) => {
    const p = push.current;
    const f = p && push.force(engine.state.bodyPos, engine.state.bodyQuat, p.body);
    if (!p || !f) return null;
    engine.applyForce(0, p.body, f.force, f.point);
    return { body: p.body, force: f.force };
  },
});
// the mouse push on the worker's robot: the force from the drawn pose, sent every frame while a body is held
let pushing = false;
const sendPush = () => {
  const v = app.view,
    p = push.current;
  const f = v.host === 'worker' && p ? push.force(v.bodyPos, v.bodyQuat, p.body) : null;
  if (f || pushing) app.hosts.setPush(f && p ? { body: p.body, force: f.force, point: f.point } : null);
  pushing = !!f;
  requestAnimationFrame(sendPush);
};
requestAnimationFrame(sendPush);
const charts = new Charts($('charts'), app.sim.metrics, app.objectRef.err);
loop.attach(() => app.view, charts);

mountLibrary($('library'), app);
mountErrors($('errors'));
mountStatus($('statusline'));
mountToggles($('view-toggles'), () => {
  loop.frameRobot = true;
});
mountBusy($('busy'), app.files);
mountTransport($('transport'), () => app.view);
mountShortcuts(document.body);
mountRecord(document.querySelector('.top-actions')!, app, scene);

// right-hand tabs
const tabs: [string, (el: HTMLElement) => void][] = [
  ['Drive', (el) => mountDrive(el, () => app.view)],
  ['Timeline', (el) => mountTimeline(el, app)],
  ['Blend', mountBlend],
  ['Evaluate', (el) => mountEvaluation(el, app.assets)],
  ['Objects', (el) => mountObjects(el, app, scene)], // objects
];
const bodies = tabs.map(([name, mount]) => {
  const el = h('div', { id: `tab-${name.toLowerCase()}`, hidden: name !== 'Drive' });
  try {
    mount(el);
  } catch (e) {
    reportError(e, `${name} panel`);
  }
  $('tab-body').append(el);
  return el;
});
tabs.forEach(([name], i) =>
  $('tabs').append(
    h(
      'button',
      {
        id: `tabbtn-${name.toLowerCase()}`,
        class: i === 0 ? 'on' : '',
        onclick: (e: Event) => {
          bodies.forEach((b, k) => (b.hidden = k !== i));
          $('tabs')
            .querySelectorAll('button')
            .forEach((b) => b.classList.toggle('on', b === e.currentTarget));
        },
      },
      name,
    ),
  ),
);

$('session-save').addEventListener('click', () => saveSession(app.assets.records));
$('session-save-all').addEventListener('click', () => {
  try {
    saveSessionBundle(app.assets.records);
  } catch (e) {
    reportError(e, 'session');
  }
});
$('session-load').addEventListener('change', openPicked(app));

mountDrop($('drop-hint'), app.files); // drag and drop of files or a whole folder onto the page

const resize = () => {
  scene.resize();
  charts.resize();
};
window.addEventListener('resize', resize);
new ResizeObserver(resize).observe($('viewport'));
resize();

// steering of locomotion policies (keyboard, gamepad, on-screen joystick; arrow in the scene, plot in the charts)
const steer = new Steer(steerTarget(app.sim, app.hosts), $('viewport'));
steer.views.push(new CommandArrow(scene.scene), new SteerPlot($('charts')));
steer.start();
installHook(app, charts, scene, timings, steer);
// debugging aids, not part of the read-only hook: simulate a WebGPU device loss (where the simulation runs: the
// worker's device or the page's); draw at most every `ms`
window.__mimicDebug = Object.freeze({
  loseGpuDevice: () => app.obs.loseDeviceForTesting(),
  /** stop the simulation worker as if it had crashed */
  loseSimWorker: () => app.hosts.loseWorkerForTesting(),
  setDrawInterval: (ms: number) => {
    loop.drawInterval = ms;
  },
  /** hold the drawing quality at level q (the adaptation off) */
  setQuality: (q: number) => {
    scene.adaptive = false;
    scene.setQuality(q);
  },
  /** draw the current state now (a test reads the canvas in the same task) */
  drawNow: () => loop.drawNow(),
  /** space draws by the draw pace (on by default) or draw every frame */
  setDrawPace: (on: boolean) => {
    loop.paced = on;
  },
});
// the view answers the user at once, whatever the draw pace (frame-loop.ts)
for (const type of ['pointerdown', 'pointermove', 'wheel', 'keydown', 'input', 'change'])
  document.addEventListener(type, (e) => (type !== 'pointermove' || (e as PointerEvent).buttons) && loop.interact(), {
    capture: true,
    passive: true,
  });
loop.start();
// a hidden page draws no frames: the worker's simulation pauses with it (the frame loop plays it again when shown)
document.addEventListener('visibilitychange', () => {
  const st = store.getState();
  if (document.hidden) void app.view.advance(0, st.speed, st.loop, false);
});
window.addEventListener('hashchange', () => void applyShareFromUrl(app, scene, () => !loop.frameRobot)); // a link pasted here
app
  .boot()
  .then(() => applyShareFromUrl(app, scene, () => !loop.frameRobot))
  .then(
    () => {
      resize();
      timings.ready = performance.now();
      document.body.dataset.ready = '1';
      // the policy runtime compiled when files come (a drag over the page, a picker opened), before the drop or pick
      // (in the simulation worker, where the policies run, when it is the first choice)
      warmOrtOnIntent(window, app.hosts.workerFirst() ? () => app.hosts.warmPolicyRuntime() : undefined);
    },
    (e) => reportError(e, 'start-up'),
  );
