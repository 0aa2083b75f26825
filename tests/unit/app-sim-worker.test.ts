// The app's simulation worker (src/app/sim-worker/) in Node, with real Rapier and onnxruntime-web: SimHost (what the
// Web Worker runs) and RemoteSim (the page's side) talk through a real MessageChannel (structured clone, as
// postMessage to a Worker). The worker's simulation is the page's own: the same control steps give the same robot,
// bit for bit; a change of host carries the robot's state across; the drawn pose lies between two snapshots.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { Sim } from '../../src/app/sim';
import { BuiltinDriver, PolicyDriver } from '../../src/app/drivers';
import { SimHost } from '../../src/app/sim-worker/host';
import { RemoteSim, lerpPoses, type WorkerPort } from '../../src/app/sim-worker/remote';
import type { DriverSpec, FromWorker, Snapshot, ToWorker } from '../../src/app/sim-worker/protocol';
import type { ObsStatus } from '../../src/app/obs-policy';
import { sampleTimeline, type Timeline } from '../../src/core/motion/timeline';
import { createRapierEngine } from '../../src/core/physics/rapier';
import { danceClip } from './compose-data';
import { danceConfig, loadG1 } from './policy-fixture';
import { readMotionFile } from '../../src/core/motion/formats/read';

const g1 = loadG1();
const timeline: Timeline = {
  jointNames: g1.joints.map((j) => j.name),
  loop: false,
  segments: [{ id: 'd', clip: danceClip(), in: 0, out: 5, driver: 'policy', crossfade: 0 }],
};
const OPTIONS = { dt: 0.005, groundContact: 'all' as const };
const closers: (() => void)[] = [];
afterAll(() => closers.forEach((f) => f()));

/** a RemoteSim wired to a SimHost through a MessageChannel */
function pair(): { remote: RemoteSim; host: SimHost; errors: Error[] } {
  const { port1, port2 } = new MessageChannel();
  const host = new SimHost((m, transfer) => port2.postMessage(m, transfer as never));
  port2.on('message', (m: ToWorker) => void host.receive(m));
  const errors: Error[] = [];
  const remote = new RemoteSim(pagePort(port1), { t: [], jointErr: [], anchorErr: [], torque: [] });
  remote.onError = (e) => errors.push(e);
  closers.push(() => {
    host.sim.driver.dispose();
    host.sim.engine?.free();
    port1.close();
    port2.close();
  });
  return { remote, host, errors };
}

/** the Worker-shaped side of a node MessagePort */
function pagePort(port: MessagePort): WorkerPort {
  const p: WorkerPort = {
    postMessage: (m, transfer) => port.postMessage(m, transfer as never),
    onmessage: null,
    terminate: () => port.close(),
  };
  port.on('message', (data: FromWorker) => p.onmessage?.({ data } as MessageEvent<FromWorker>));
  return p;
}

/** The same robot, reference and driver simulated on the page (the app's Sim, no worker). */
async function pageSim(spec: DriverSpec): Promise<Sim> {
  const sim = new Sim();
  sim.setRobot(g1, await createRapierEngine(g1, OPTIONS));
  sim.setSource((t, o) => sampleTimeline(timeline, t, o), 250, 'dance');
  const engine = sim.engine!,
    ref = sim.ref!;
  if (spec.kind === 'builtin') sim.setDriver(new BuiltinDriver(engine, ref, sim.decimation, spec.assist));
  else if (spec.kind === 'policy') {
    const d = await PolicyDriver.create({ engine, ref, config: spec.config, bytes: spec.bytes, file: spec.file });
    d.ctrl.start = spec.start;
    sim.setDriver(d);
  }
  closers.push(() => {
    sim.driver.dispose();
    sim.engine?.free();
  });
  return sim;
}

/** wait until the remote has a snapshot at `step` */
async function until(remote: RemoteSim, ok: () => boolean): Promise<void> {
  for (let k = 0; k < 2000 && !ok(); k++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
}

async function onWorker(spec: DriverSpec) {
  const w = pair();
  await w.remote.setRobot(g1, OPTIONS, 1, []);
  await w.remote.setSource({ kind: 'timeline', timeline, nSteps: 250, name: 'dance' }, 0.02, 4);
  await w.remote.setDriver(spec, null);
  return w;
}

async function stepBoth(spec: DriverSpec, n: number) {
  const w = await onWorker(spec);
  const page = await pageSim(spec);
  for (let k = 0; k < n; k++) {
    await w.remote.controlStep(false);
    await page.controlStep(false);
  }
  await until(w.remote, () => w.remote.step === n);
  return { ...w, page };
}

describe('app simulation worker', () => {
  it('the built-in controller: the worker gives the page’s robot bit for bit, metrics included', async () => {
    const { remote, page, errors } = await stepBoth({ kind: 'builtin', assist: 1 }, 40);
    expect(errors).toEqual([]);
    expect(remote.driverKind()).toBe('builtin');
    expect(Array.from(remote.jointPos)).toEqual(Array.from(page.jointPos));
    expect(Array.from(remote.rootPos)).toEqual(Array.from(page.rootPos));
    remote.prepareDraw(performance.now() + 1e6); // the last snapshot's pose
    expect(Array.from(remote.bodyPos)).toEqual(Array.from(page.bodyPos));
    expect(remote.metrics.jointErr).toEqual(page.metrics.jointErr);
    expect(remote.metrics.t.length).toBe(40);
    expect(Array.from(remote.contactForce()!)).toEqual(Array.from(page.contactForce()!));
  });

  it('the dance policy (onnxruntime-web in the host): the same actions and robot as on the page', async () => {
    const { bytes, config } = danceConfig(g1);
    const spec: DriverSpec = { kind: 'policy', config, bytes, file: 'policy.onnx', start: 'ground', obs: 'cpu' };
    const { remote, page, errors } = await stepBoth(spec, 25);
    expect(errors).toEqual([]);
    const info = remote.driverInfo();
    expect(info.kind).toBe('policy');
    expect(info.config?.jointNames).toEqual(config.jointNames);
    expect(info.startShift).toEqual(page.driverInfo().startShift);
    expect(info.latencyMs).toBeGreaterThan(0);
    expect(Array.from(remote.jointPos)).toEqual(Array.from(page.jointPos));
    expect(remote.metrics.anchorErr).toEqual(page.metrics.anchorErr);
  });

  it('the observation backend is the worker’s: it answers the page, builds the policy on it and posts the status line', async () => {
    const { remote, errors } = await onWorker({ kind: 'builtin', assist: 1 });
    const lines: ObsStatus[] = [];
    remote.onStatus = (st) => lines.push(st);
    expect(await remote.obsDecide('cpu')).toEqual({ backend: 'cpu', reason: 'forced CPU' });
    expect(await remote.loseGpuDevice()).toBe(false); // no GPUDevice was opened
    const { bytes, config } = danceConfig(g1);
    await remote.setDriver({ kind: 'policy', config, bytes, file: 'policy.onnx', start: 'ground', obs: 'cpu' }, null);
    expect(lines).toEqual([{ obsBackend: 'cpu', obsReason: 'forced CPU', obsEp: '', note: '' }]); // before the reply
    await remote.controlStep(false);
    await until(remote, () => remote.step === 1);
    expect(remote.driverInfo()).toMatchObject({ kind: 'policy', obs: 'cpu', gpuSteps: 0 });
    expect(errors).toEqual([]);
  });

  it('plays on its own clock: real time, snapshots as it goes; pause stops it', async () => {
    const { remote } = await onWorker({ kind: 'builtin', assist: 1 });
    const t0 = performance.now();
    await remote.advance(0, 1, true, true);
    await until(remote, () => remote.step >= 25);
    const wall = (performance.now() - t0) / 1000;
    // 25 control steps of 20 ms are due after 0.5 s of wall time, not before
    expect(wall).toBeGreaterThanOrEqual(0.45);
    expect(remote.snapshots).toBeGreaterThan(1);
    await remote.advance(0, 1, true, false);
    await new Promise((r) => setTimeout(r, 200)); // the tick in flight ends (16 ms of steps at most)
    const held = remote.step;
    await new Promise((r) => setTimeout(r, 150));
    expect(remote.step).toBe(held);
  });

  it('release hands the robot’s state back (a change of host carries it): the page goes on from it', async () => {
    const { remote, host } = await onWorker({ kind: 'builtin', assist: 0.5 });
    for (let k = 0; k < 30; k++) await remote.controlStep(false);
    await until(remote, () => remote.step === 30);
    const before = Array.from(host.sim.engine!.state.jointPos.subarray(0, g1.joints.length));
    const h = await remote.release();
    expect(h.step).toBe(30);
    expect(Array.from(h.state!.jointPos)).toEqual(before);
    expect(host.sim.engine).toBe(null);
    // the page takes over: same step, the robot where the worker left it (no jump)
    const page = await pageSim({ kind: 'replay' });
    page.step = h.step;
    page.setDriver(new BuiltinDriver(page.engine!, page.ref!, page.decimation, 0.5), h.state);
    const after = Array.from(page.engine!.state.jointPos.subarray(0, g1.joints.length));
    for (let j = 0; j < before.length; j++) expect(after[j]).toBeCloseTo(before[j], 5);
  });

  it('a driver the worker cannot build: a named error in the reply, the running driver goes on', async () => {
    const { remote } = await onWorker({ kind: 'builtin', assist: 1 });
    const { config } = danceConfig(g1);
    const bad: DriverSpec = { kind: 'policy', config, bytes: new Uint8Array([1, 2, 3]), file: 'broken.onnx', start: 'ground', obs: 'cpu' };
    await expect(remote.setDriver(bad, null)).rejects.toThrow(/broken\.onnx|protobuf|onnx/i);
    await remote.controlStep(false);
    await until(remote, () => remote.step === 1);
    expect(remote.driverKind()).toBe('builtin');
  });

  it('records the run in the worker: the files come back, one frame per control step, the last one the robot', async () => {
    const { remote, host } = await onWorker({ kind: 'builtin', assist: 1 });
    await remote.recordStart();
    for (let k = 0; k < 12; k++) await remote.controlStep(false);
    await until(remote, () => remote.recordedSteps() === 12);
    const files = await remote.recordStop();
    const names = Object.keys(files).sort();
    expect(names.map((n) => n.split('.').pop())).toEqual(['csv', 'json', 'npz']);
    const csv = names.find((n) => n.endsWith('.csv'))!;
    const [clip] = readMotionFile(csv, files[csv], g1);
    expect(clip.nFrames).toBe(12);
    const nj = g1.joints.length,
      q = host.sim.engine!.state.jointPos;
    const last = g1.joints.map((j, i) => clip.jointPos[11 * nj + clip.jointNames.indexOf(j.name)] - q[i]);
    expect(Math.max(...last.map(Math.abs))).toBeLessThan(1e-5);
    expect(remote.recordedSteps()).toBe(null);
  });

  it('steering makes the run endless (the reference’s end holds); without it the run stops at the end', async () => {
    const { remote } = await onWorker({ kind: 'builtin', assist: 1 });
    await remote.setSource({ kind: 'timeline', timeline, nSteps: 10, name: 'dance' }, 0.02, 4);
    for (let k = 0; k < 15; k++) await remote.controlStep(false);
    await new Promise((r) => setTimeout(r, 100));
    await until(remote, () => remote.step === 9); // the last step of a 10-step reference, not looped
    remote.setCommand([0.3, 0, 0]);
    for (let k = 0; k < 6; k++) await remote.controlStep(false);
    await until(remote, () => remote.step === 15);
    expect(remote.baseVelocity()?.every(Number.isFinite)).toBe(true);
  });

  it('the drawn pose lies between two snapshots: positions linear, orientations unit quaternions', () => {
    const snap = (p: number[], q: number[]) => ({ bodyPos: new Float32Array(p), bodyQuat: new Float32Array(q) }) as Snapshot;
    const c = Math.SQRT1_2;
    const a = snap([0, 0, 0], [1, 0, 0, 0]),
      b = snap([1, 2, 3], [-c, 0, 0, -c]); // the same rotation as (c, 0, 0, c): the shorter arc is taken
    const pos = new Float32Array(3),
      quat = new Float32Array(4);
    lerpPoses(a, b, 0, pos, quat);
    expect(Array.from(pos)).toEqual([0, 0, 0]);
    expect(quat[0]).toBeCloseTo(1, 6);
    lerpPoses(a, b, 0.5, pos, quat);
    expect(Array.from(pos)).toEqual([0.5, 1, 1.5]);
    expect(Math.hypot(...quat)).toBeCloseTo(1, 6);
    expect(quat[0]).toBeGreaterThan(0.9); // 22.5° about z, not the long way round
    expect(quat[3]).toBeCloseTo(Math.sin(Math.PI / 8), 5);
  });
});
