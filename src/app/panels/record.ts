/**
 * Record / video / share buttons: Record the run (a .zip with the BeyondMimic CSV, NPZ and the JSON of actions,
 * PD targets and torques), record the 3D view as WebM, and a share link of the session's built-in choices.
 */
import { zipSync } from 'fflate';
import { store, reportError } from '../store';
import { h } from '../dom';
import { RunRecorder } from '../record/run';
import { VideoRecorder } from '../record/video';
import { downloadFile } from '../record/download';
import { shareState, shareUrl, readShareHash, applyShareState } from '../share';
import { saveSessionBundle } from '../session';
import type { App } from '../app';
import type { Scene } from '../scene/scene';

const note = (message: string) => reportError({ name: 'Note', message });

/** What the buttons need: the app (its simulation), the scene (canvas, camera). */
export function mountRecord(el: HTMLElement, app: App, scene: Scene): void {
  const sim = app.sim,
    view = () => app.view,
    run = new RunRecorder(sim),
    video = new VideoRecorder();
  const runBtn = h('button', {
    id: 'record-run',
    title: 'Record the run: trajectory, actions, PD targets, torques (.zip: CSV, NPZ, JSON)',
  });
  const videoBtn = h('button', { id: 'record-video', title: 'Record the 3D view as WebM (with the overlays shown)' });
  const shareBtn = h(
    'button',
    { id: 'share', title: 'A link to this session (built-in robot/clips, timeline, blend, camera)' },
    'Share link',
  );
  const link = h('input', { id: 'share-link', readonly: true, hidden: true, style: 'width:14em' });
  const saveAll = h(
    'button',
    {
      id: 'share-save-all',
      hidden: true,
      title: 'The link cannot carry loaded files: save the session with them (.zip)',
      onclick: () => saveSessionBundle(app.assets.records),
    },
    'Save with files',
  );
  let videoStartStep = 0;
  /** where the run is being recorded: the page's simulation or the worker's (null: not recording) */
  let recording: 'page' | 'worker' | null = null;
  const steps = () => (recording === 'worker' ? (app.hosts.onWorkerSim?.recordedSteps() ?? 0) : run.steps);
  const label = () => {
    runBtn.textContent = recording ? `■ Stop (${steps()} steps)` : '● Record run';
    runBtn.dataset.steps = String(steps());
    runBtn.classList.toggle('on', !!recording);
    videoBtn.textContent = video.active ? `■ Stop video (${((view().step - videoStartStep) * view().dt).toFixed(1)} s)` : '● Video';
    videoBtn.classList.toggle('on', video.active);
  };
  sim.onStep = () => {
    try {
      run.onStep();
    } catch (e) {
      reportError(e, 'record');
    }
    if (recording || video.active) label();
  };
  app.hosts.onSnapshot = () => {
    if (recording || video.active) label();
  };
  runBtn.onclick = () => void toggleRun();
  // the run is recorded where the simulation runs (the recorder reads the driver and the engine after each control
  // step), and the simulation stays there until the stop
  let toggling = false;
  const toggleRun = async () => {
    if (toggling) return; // a click while the worker answers the last one
    toggling = true;
    try {
      if (!recording) {
        const worker = app.hosts.onWorkerSim;
        void app.holdHost('recording', true);
        try {
          if (worker) await worker.recordStart();
          else run.start();
        } catch (e) {
          void app.holdHost('recording', false);
          throw e;
        }
        recording = worker ? 'worker' : 'page';
      } else {
        const worker = recording === 'worker' ? app.hosts.onWorkerSim : null;
        recording = null;
        const files = worker ? await worker.recordStop() : run.stop();
        void app.holdHost('recording', false);
        const name = Object.keys(files)[0].replace(/\.csv$/, '');
        downloadFile(`${name}.zip`, zipSync(files), 'application/zip');
        note(`recorded ${name}: ${Object.keys(files).join(', ')} (CSV loads back as a clip)`);
      }
    } catch (e) {
      reportError(e, 'record');
    } finally {
      toggling = false;
    }
    label();
  };
  videoBtn.onclick = () => void toggleVideo();
  const toggleVideo = async () => {
    try {
      if (!video.active) {
        video.start(scene.canvas);
        scene.recording = true;
        videoStartStep = view().step;
        delete videoBtn.dataset.seconds;
      } else {
        const simSeconds = (view().step - videoStartStep) * view().dt;
        label();
        const { blob, seconds } = await video.stop(() => scene.render()).finally(() => (scene.recording = false));
        downloadFile(`mimic-view-${Date.now().toString(36)}.webm`, blob);
        videoBtn.dataset.seconds = seconds.toFixed(3);
        videoBtn.dataset.simSeconds = simSeconds.toFixed(3);
        note(`video: ${seconds.toFixed(1)} s recorded (${simSeconds.toFixed(2)} s simulated), ${(blob.size / 1024).toFixed(0)} KB WebM`);
      }
    } catch (e) {
      reportError(e, 'video');
    }
    label();
  };
  shareBtn.onclick = () => {
    const { state, left } = shareState(app.assets.records, camera(scene), view().time);
    const url = shareUrl(state);
    history.replaceState(null, '', url);
    link.value = url;
    link.hidden = false;
    link.select();
    saveAll.hidden = !left.length;
    void navigator.clipboard?.writeText(url).catch(() => {});
    if (left.length) {
      note(
        `the share link carries the built-in choices only; it leaves out the loaded ${left.join(', ')}: use "Save with files" for a session archive that carries them`,
      );
    } else note('share link ready (in the address bar and the box beside the button)');
  };
  label();
  el.prepend(runBtn, videoBtn, shareBtn, link, saveAll);
}

const camera = (scene: Scene) => ({ position: scene.camera.position.toArray(), target: scene.controls.target.toArray() });

/**
 * A share link in the page's address: its choices applied once the app is up, then its camera once the robot is
 * framed. A link naming assets not here, or malformed, is a named message; the app keeps its defaults.
 */
export async function applyShareFromUrl(app: App, scene: Scene, framed: () => boolean): Promise<void> {
  let st;
  try {
    st = readShareHash(location.hash);
  } catch (e) {
    reportError(e, 'share link');
    return;
  }
  if (!st) return;
  const missing = applyShareState(app.assets.records, st);
  if (missing.length) {
    reportError(new Error(`the share link names assets not in this app: ${missing.join(', ')}`), 'share link');
    return;
  }
  await app.robotSettled();
  for (let k = 0; k < 300 && !framed(); k++) await new Promise((r) => requestAnimationFrame(r));
  scene.controls.target.fromArray(st.camera.target);
  scene.camera.position.fromArray(st.camera.position);
  scene.controls.update();
  if (store.getState().segments.length) app.view.seek(st.time);
}
