/**
 * The app controller: connects the store, the asset registry, the simulation and the scene. Store changes
 * (robot, segments, layers, source, driver, policy, assist) rebuild the affected parts; nothing already loaded
 * is lost when a load fails (the error is shown and the previous state kept).
 */
import { store, reportError, newSegment, newLayer, type AppState } from './store';
import { records, robotOf, clipOf, policyFiles, addFiles, info, forget, type RawFile } from './assets';
import { registerBuiltins, standClip, BUILTIN_ROBOT, DEFAULT_SKILL, builtinRobotText } from './builtins';
import { saveRecord, deleteRecord, loadRecords } from './persist';
import { Sim } from './sim';
import { applySession } from './panels/session';
import { BuiltinDriver, PolicyDriver, ReplayDriver, type Driver } from './drivers';
import { sampleTimeline, timelineDuration, type Timeline } from '../core/motion/timeline';
import { sampleBlend, maskOf, type BlendSpec } from '../core/motion/blend';
import { createEngine } from '../core/physics/index';
import { readOnnxInfo } from '../core/policy/onnx';
import { resolvePolicyConfig } from '../core/policy/config';
import { probeOnce, probeStarted, decide, appDevice, replaceDevice } from './obs-backend';
import { GpuPolicyDriver } from './gpu-driver';
import type { MotionClip } from '../core/motion/types';
import type { PhysicsEngine } from '../core/physics/types';

export const sim = new Sim();
let timeline: Timeline | null = null;
let blend: BlendSpec | null = null;
let pushHook: ((e: PhysicsEngine) => void) | null = null;
let robotGen = 0, driverGen = 0;
let robotChange: Promise<void> = Promise.resolve();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

export function setPushHook(h: (e: PhysicsEngine) => void): void { pushHook = h; }
const refreshAssets = () => store.setState({ assets: [...records.values()].map(info) });

export async function boot(): Promise<void> {
  sim.onError = (e) => reportError(e, 'simulation');
  sim.onFallen = () => store.setState((s) => ({ status: { ...s.status, note: `fell at ${sim.time.toFixed(2)} s → reset to the reference` } }));
  const skills = await registerBuiltins();
  for (const r of await loadRecords()) {
    records.set(r.id, { ...r, builtin: false });
  }
  refreshAssets();
  const first = skills.find((id) => id.endsWith(':' + DEFAULT_SKILL)) ?? skills[0];
  store.setState({ robotId: BUILTIN_ROBOT });
  await applyRobot(BUILTIN_ROBOT);
  if (first) {
    const d = clipDurationOf(first);
    // default blend: legs (and root, torso) from the march, arms from the wave
    const wave = skills.find((id) => id.endsWith(':wave'));
    const layers = [newLayer(first, 1)];
    if (wave && wave !== first) {
      layers[0].mask = maskOf(['root', 'legs', 'torso']);
      layers.push({ ...newLayer(wave, 1), mask: maskOf(['leftArm', 'rightArm']) });
    }
    store.setState({ segments: [newSegment(first, d, 'builtin', 0.5)], layers });
  }
  subscribe();
  await rebuildSource();
  await rebuildDriver();
  // the one-time observation-backend measurement, once the app is up (not competing with the start-up)
  setTimeout(() => void probeOnce().then(() => { if (store.getState().driver !== 'policy') void showObsChoice(); }), 300);
}

/** Status of the observation backend when the policy driver is not running (what it would use). */
async function showObsChoice(): Promise<void> {
  const d = await decide(store.getState().obsMode);
  if (store.getState().driver === 'policy') return; // the driver reports what it really uses
  setStatus({ obsBackend: d.backend, obsReason: `${d.reason} (used by the ONNX policy driver)`, obsEp: '' });
}

/** The ONNX policy driver on the chosen observation backend; a failed GPU path falls back to the CPU, saying why. */
async function policyDriver(engine: PhysicsEngine, ref: NonNullable<typeof sim.ref>, cfg: ReturnType<typeof resolvePolicyConfig>, bytes: Uint8Array, name: string): Promise<Driver> {
  const s = store.getState();
  if (s.obsMode !== 'cpu' && store.getState().status.obsBackend === 'probing') store.setState({ busy: 'measuring observation backends…' });
  const d = await decide(s.obsMode);
  store.setState({ busy: 'loading policy…' });
  if (d.backend === 'gpu') {
    try {
      const device = await appDevice();
      if (!device) throw new Error('no WebGPU device');
      const drv = await GpuPolicyDriver.create(engine, ref, cfg, bytes, name, device, replaceDevice, {
        onLost: (why) => setStatus({ obsBackend: 'cpu', obsReason: `GPU device lost (${why}): rebuilding, CPU meanwhile`, note: 'WebGPU device lost — observations on the CPU while it is rebuilt' }),
        onRestored: (ep) => setStatus({ obsBackend: 'gpu', obsReason: `${d.reason}; device restored after a loss`, obsEp: ep, note: '' }),
        onFailed: (why) => setStatus({ obsBackend: 'cpu', obsReason: `GPU device lost and not restored (${why}) → CPU`, note: 'WebGPU lost for good: observations on the CPU' }),
      });
      setStatus({ obsBackend: 'gpu', obsReason: `${d.reason}; policy on ${drv.ep === 'webgpu' ? 'the WebGPU EP, obs buffer as input, actions read back' : `wasm (${drv.epReason})`}`, obsEp: drv.ep, note: '' });
      return drv;
    } catch (e) {
      const why = (e as Error).message;
      setStatus({ obsBackend: 'cpu', obsReason: `GPU path failed (${why}) → CPU`, obsEp: '', note: 'GPU observations unavailable: using the CPU' });
      console.warn('[mimic] GPU observation path failed:', why);
    }
  } else setStatus({ obsBackend: 'cpu', obsReason: d.reason, obsEp: '', note: d.notice ?? '' });
  return PolicyDriver.create(engine, ref, cfg, bytes, name);
}

function clipDurationOf(id: string): number {
  try {
    const c = clipOf(id, store.getState().robotId);
    return (c.nFrames - 1) / c.fps;
  } catch (e) {
    reportError(e);
    return 1;
  }
}

function setStatus(p: Partial<AppState['status']>): void {
  store.setState((s) => ({ status: { ...s.status, ...p } }));
}

async function applyRobot(id: string): Promise<boolean> {
  const gen = ++robotGen;
  store.setState({ busy: 'loading robot…' });
  try {
    const model = robotOf(id);
    // a fallen robot must rest on the floor: every shape touches the ground; collision meshes become bounding
    // capsules/boxes (convex hulls cost 2.5× more per physics step with the G1 lying down, see README)
    const meshes = model.bodies.some((b) => b.collision.some((c) => c.type === 'mesh'));
    const engine = await createEngine('rapier', model, { dt: 0.005, groundContact: 'all', meshCollision: meshes ? 'proxy' : 'hull' });
    if (gen !== robotGen) { engine.free(); return false; }
    sim.setRobot(model, engine);
    sim.fallenDelay = 1;
    sim.appNotes = [
      `app: ground contact 'all'${meshes ? ', meshes as bounding capsules/boxes' : ''} (a fallen robot lies on the floor; put back on the reference after 1 s); ` +
      "the tests' dance-policy numbers are measured with foot contact only in Node (with proxies: 0.0613 vs 0.0609 rad)",
    ];
    onRobot?.(model);
    setStatus({ engine: `rapier · ${engine.adjustments.length} model adjustments` });
    return true;
  } catch (e) {
    reportError(e, 'robot');
    return false;
  } finally {
    store.setState({ busy: '' });
  }
}
export let onRobot: ((m: import('../core/model/types').RobotModel) => void) | null = null;
export const setOnRobot = (f: typeof onRobot): void => { onRobot = f; };

/** Rebuild the reference sampler from the timeline or the blend. */
export async function rebuildSource(): Promise<void> {
  const s = store.getState();
  if (!sim.model) return;
  const names = sim.model.joints.map((j) => j.name);
  const clip = (id: string): MotionClip | null => {
    try { return clipOf(id, s.robotId); } catch (e) { reportError(e, 'clip'); return null; }
  };
  if (s.source === 'blend' && s.layers.length) {
    const layers = s.layers.map((l) => ({ l, c: clip(l.clipId) })).filter((x) => x.c)
      .map(({ l, c }) => ({ clip: c!, weight: l.weight, mask: l.mask, speed: l.speed }));
    if (!layers.some((l) => l.weight > 0)) layers.forEach((l, i) => { if (i === 0) l.weight = 1e-6; });
    if (layers.length) {
      blend = { jointNames: names, layers, limits: sim.model.joints.map((j) => j.range) };
      const spec = blend;
      sim.setSource((t, out) => sampleBlend(spec, t, out), 1e9, 'blend');
      setStatus({ duration: Infinity });
      return;
    }
  }
  const segs = s.segments.map((g) => ({ g, c: clip(g.clipId) })).filter((x) => x.c)
    .map(({ g, c }) => ({ id: g.id, clip: c!, in: Math.max(0, g.in), out: Math.min(g.out, (c!.nFrames - 1) / c!.fps), driver: g.driver, crossfade: g.crossfade }))
    .filter((g) => g.out > g.in);
  if (!segs.length) {
    const c = standClip(sim.model, s.robotId === BUILTIN_ROBOT ? builtinRobotText : text(records.get(s.robotId)!.files[0].bytes));
    segs.push({ id: 'stand', clip: c, in: 0, out: 2, driver: 'builtin', crossfade: 0 });
  }
  timeline = { jointNames: names, segments: segs, loop: s.loop };
  const tl = timeline;
  const dur = timelineDuration(tl);
  sim.setSource((t, out) => sampleTimeline(tl, t, out), s.loop ? 1e9 : Math.floor(dur / sim.dt) + 1, segs.map((x) => x.clip.name).join(' → '));
  setStatus({ duration: dur });
}

/** Active timeline segment at the current time (for the per-segment driver). */
export function currentSegment(): { index: number; driver: string; blend: number } | null {
  if (!timeline || store.getState().source !== 'timeline') return null;
  const scratch = { rootPos: [0, 0, 0], rootQuat: [1, 0, 0, 0], jointPos: new Array(timeline.jointNames.length).fill(0) };
  const r = sampleTimeline(timeline, sim.time, scratch);
  return { index: r.segment, driver: r.driver, blend: r.blend };
}

export async function rebuildDriver(): Promise<void> {
  const s = store.getState();
  const gen = ++driverGen;
  let d: Driver = new ReplayDriver();
  const engine = sim.engine;
  try {
    if (s.driver === 'builtin' && engine && sim.ref) {
      d = new BuiltinDriver(engine, sim.ref, sim.decimation, s.assist);
    } else if (s.driver === 'policy' && engine && sim.ref) {
      if (!s.policyId) throw new Error('no policy loaded: load an .onnx (with its deploy.yaml) first');
      store.setState({ busy: 'loading policy…' });
      const f = policyFiles(s.policyId);
      const name = f.onnx.path.split('/').pop()!;
      const cfg = resolvePolicyConfig({
        info: readOnnxInfo(f.onnx.bytes, name), file: name, robot: engine.model,
        yaml: f.yaml ? text(f.yaml.bytes) : undefined, yamlFile: f.yaml?.path.split('/').pop(),
        profile: f.profile ? text(f.profile.bytes) : undefined, profileFile: f.profile?.path.split('/').pop(),
      });
      if (Math.abs(cfg.physicsDt - engine.options.dt) > 1e-9) throw new Error(`policy physics dt ${cfg.physicsDt} differs from the engine's ${engine.options.dt}`);
      if (Math.abs(cfg.stepDt - sim.dt) > 1e-9) {
        sim.dt = cfg.stepDt;
        sim.decimation = cfg.decimation;
        sim.ref = null;
        await rebuildSource();
      }
      d = await policyDriver(engine, sim.ref!, cfg, f.onnx.bytes, name);
    }
  } catch (e) {
    reportError(e, s.driver === 'policy' ? 'policy' : 'driver');
    d = s.driver === 'policy' && engine && sim.ref ? new BuiltinDriver(engine, sim.ref, sim.decimation, s.assist) : new ReplayDriver();
    store.setState({ driver: d.kind });
  } finally {
    store.setState({ busy: '' });
  }
  if (gen !== driverGen) { d.dispose(); return; }
  (d as { push?: unknown }).push = (e: PhysicsEngine) => pushHook?.(e);
  sim.setDriver(d);
  sim.clearMetrics();
  if (d.kind !== 'policy') {
    setStatus({ note: d.kind === 'builtin' && s.assist === 0 ? 'assist 0: joint PD alone does not balance — the robot may fall' : '' });
    if (probeStarted()) void showObsChoice();
  }
}

function subscribe(): void {
  store.subscribe((s, p) => {
    if (s.robotId !== p.robotId) {
      robotChange = applyRobot(s.robotId).then(async (ok) => {
        if (!ok) { store.setState({ robotId: p.robotId }); return; }
        sim.step = 0;
        await rebuildSource();
        await rebuildDriver();
      });
      return;
    }
    const srcChanged = s.segments !== p.segments || s.layers !== p.layers || s.source !== p.source || s.loop !== p.loop;
    if (srcChanged) void rebuildSource().then(() => {
      if (s.source !== p.source || s.segments.length !== p.segments.length) sim.seek(sim.time);
    });
    if (s.driver !== p.driver || s.policyId !== p.policyId || (s.obsMode !== p.obsMode && s.driver === 'policy')) void rebuildDriver();
    else if (s.obsMode !== p.obsMode) void showObsChoice();
    else if (s.assist !== p.assist && sim.driver instanceof BuiltinDriver) {
      sim.driver.assist = s.assist;
      setStatus({ note: s.assist === 0 ? 'assist 0: joint PD alone does not balance — the robot may fall' : '' });
    }
  });
}

/** Files from the picker or a drop: validated, registered, remembered; errors shown; nothing lost. */
export async function loadFiles(all: RawFile[]): Promise<void> {
  // a dropped session file is applied, not taken for a policy profile
  const isSession = (f: RawFile) => /\.json$/i.test(f.path) && text(f.bytes.subarray(0, 200)).includes('mimic-bench-session');
  const sessions = all.filter(isSession);
  const files = all.filter((f) => !isSession(f));
  const s = store.getState();
  const { added, errors, attached } = addFiles(files, s.policyId);
  for (const e of errors) reportError(e, 'load');
  for (const r of added) void saveRecord(r).catch((e) => reportError(e, 'IndexedDB'));
  for (const id of attached) void saveRecord(records.get(id)!).catch(() => {});
  refreshAssets();
  const robot = added.find((r) => r.kind === 'robot');
  const policy = added.find((r) => r.kind === 'policy');
  const clips = added.filter((r) => r.kind === 'clip');
  if (robot) store.setState({ robotId: robot.id });
  await robotChange;
  if (clips.length) {
    const ok = clips.filter((c) => {
      try { clipOf(c.id, store.getState().robotId); return true; } catch (e) {
        reportError(e, 'clip');
        forget(c.id);
        void deleteRecord(c.id).catch(() => {});
        return false;
      }
    });
    refreshAssets();
    if (ok.length) {
      store.setState({ source: 'timeline', segments: ok.map((c) => newSegment(c.id, clipDurationOf(c.id), policy || store.getState().policyId ? 'policy' : 'builtin', 0.5)) });
      sim.seek(0);
    }
  }
  if (policy) store.setState({ policyId: policy.id, driver: 'policy' });
  else if (attached.length && store.getState().driver === 'policy') await rebuildDriver();
  for (const f of sessions) applySession(text(f.bytes), f.path.split('/').pop());
}

export async function removeAsset(id: string): Promise<void> {
  const s = store.getState();
  if (records.get(id)?.builtin) return;
  forget(id);
  await deleteRecord(id).catch(() => {});
  const patch: Partial<AppState> = {
    segments: s.segments.filter((g) => g.clipId !== id), layers: s.layers.filter((l) => l.clipId !== id),
  };
  if (s.policyId === id) { patch.policyId = null; if (s.driver === 'policy') patch.driver = 'builtin'; }
  if (s.robotId === id) patch.robotId = BUILTIN_ROBOT;
  store.setState(patch);
  refreshAssets();
}
