/** Entry: layout, panels, scene, the frame loop, drag-and-drop, and the read-only test hook. */
import './style.css';
import './ort-setup';
import { store, reportError } from './store';
import { boot, sim, loadFiles, setPushHook, setOnRobot } from './app';
import { readDrop } from './assets';
import { Scene } from './scene/scene';
import { PushTool } from './scene/push';
import { Charts } from './panels/charts';
import { mountLibrary } from './panels/library';
import { mountTransport } from './panels/transport';
import { mountDrive } from './panels/drive';
import { mountTimeline } from './panels/timeline';
import { mountBlend } from './panels/blend';
import { mountErrors, mountStatus, mountToggles, mountBusy } from './panels/misc';
import { saveSession, applySession } from './panels/session';
import { installHook } from './hook';
import { loseDeviceForTesting } from './obs-backend';
import { mountEvaluation } from './evaluation-tab';
import { h } from './dom';

const $ = (id: string) => document.getElementById(id)!;

window.addEventListener('error', (e) => reportError(e.error ?? e.message, 'uncaught'));
window.addEventListener('unhandledrejection', (e) => reportError(e.reason, 'uncaught'));

const scene = new Scene($('scene') as HTMLCanvasElement);
const push = new PushTool(scene, () => store.getState().driver !== 'replay');
let frameRobot = true; // a new robot is framed once its first pose is there
setOnRobot((m) => { scene.setRobot(m); frameRobot = true; });
setPushHook((engine) => {
  const p = push.current;
  sim.lastPush = null;
  if (!p) return;
  const f = push.force(engine.state.bodyPos, engine.state.bodyQuat, p.body);
  if (f) {
    engine.applyForce(0, p.body, f.force, f.point);
    sim.lastPush = { body: p.body, force: f.force };
  }
});
const charts = new Charts($('charts'), sim.metrics);

mountLibrary($('library'));
mountErrors($('errors'));
mountStatus($('statusline'));
mountToggles($('view-toggles'));
mountBusy($('busy'));
mountTransport($('transport'));

// right-hand tabs
const tabs: [string, (el: HTMLElement) => void][] = [
  ['Drive', mountDrive], ['Timeline', mountTimeline], ['Blend', mountBlend], ['Evaluate', mountEvaluation],
];
const bodies = tabs.map(([name, mount]) => {
  const el = h('div', { id: `tab-${name.toLowerCase()}`, hidden: name !== 'Drive' });
  try { mount(el); } catch (e) { reportError(e, `${name} panel`); }
  $('tab-body').append(el);
  return el;
});
tabs.forEach(([name], i) => $('tabs').append(h('button', { id: `tabbtn-${name.toLowerCase()}`, class: i === 0 ? 'on' : '', onclick: (e: Event) => {
  bodies.forEach((b, k) => (b.hidden = k !== i));
  $('tabs').querySelectorAll('button').forEach((b) => b.classList.toggle('on', b === e.currentTarget));
} }, name)));

$('session-save').addEventListener('click', saveSession);
$('session-load').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const f = input.files?.[0];
  if (f) applySession(await f.text(), f.name);
  input.value = '';
});

// drag and drop of files or a whole folder onto the page
const hint = $('drop-hint');
let dragDepth = 0;
window.addEventListener('dragenter', (e) => { if (e.dataTransfer?.types.includes('Files')) { dragDepth++; hint.hidden = false; } });
window.addEventListener('dragleave', () => { dragDepth = Math.max(0, dragDepth - 1); if (!dragDepth) hint.hidden = true; });
window.addEventListener('dragover', (e) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); });
window.addEventListener('drop', async (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  e.preventDefault();
  dragDepth = 0;
  hint.hidden = true;
  try { await loadFiles(await readDrop(e.dataTransfer)); } catch (err) { reportError(err, 'drop'); }
});

// frame loop: the simulation advances by wall-clock time (fixed control steps), the view draws what is there
let last = performance.now();
let frames = 0, fpsT = last, chartT = 0;
const GHOST_BESIDE = [0, 1.0, 0];
async function frame(now: number): Promise<void> {
  const dt = (now - last) / 1000;
  last = now;
  const s = store.getState();
  try {
    if (s.playing && !s.busy) await sim.tick(dt, s.speed, s.loop);
  } catch (e) { reportError(e, 'simulation'); }
  if (scene.robot && sim.bodyPos.length === scene.robot.bodies.length * 3) {
    scene.robot.update(sim.bodyPos, sim.bodyQuat);
    if (frameRobot && sim.refFrame) { frameRobot = false; scene.frameRobot(sim.bodyPos); }
    const g = sim.ghostPose();
    if (scene.ghost) {
      scene.ghost.root.visible = s.ghost !== 'off' && !!g;
      if (g) scene.ghost.update(g.pos, g.quat, s.ghost === 'beside' ? GHOST_BESIDE : [0, 0, 0]);
    }
    const contact = sim.engine && sim.driver.kind !== 'replay' ? sim.engine.state.contactForce : null;
    scene.showContacts(s.showContacts, sim.bodyPos, contact);
    scene.showCom(s.showCom, sim.com);
    scene.follow(s.follow, sim.rootPos);
  }
  scene.render();
  frames++;
  if (now - fpsT > 500) {
    const fps = (frames * 1000) / (now - fpsT);
    frames = 0; fpsT = now;
    store.setState((st) => ({ status: { ...st.status, fps, rtf: sim.rtf, policyMs: sim.driver.latencyMs, physicsMs: sim.physicsMs } }));
  }
  if (now - chartT > 100) { chartT = now; charts.update(); store.setState({ time: sim.time }); }
  requestAnimationFrame((t) => void frame(t));
}

const resize = () => { scene.resize(); charts.resize(); };
window.addEventListener('resize', resize);
new ResizeObserver(resize).observe($('viewport'));
resize();

installHook(sim, charts, scene);
// debugging aid, not part of the read-only hook: simulate a WebGPU device loss
(window as unknown as { __mimicDebug: unknown }).__mimicDebug = Object.freeze({ loseGpuDevice: loseDeviceForTesting });
boot().then(() => {
  resize();
  document.body.dataset.ready = '1';
}, (e) => reportError(e, 'start-up')).finally(() => requestAnimationFrame((t) => void frame(t)));
