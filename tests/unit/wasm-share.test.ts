// One compiled WebAssembly module per binary for all evaluation workers (src/cli/wasm-share.ts): in a fresh worker
// thread (as an evaluation worker), the binaries compiled here are the ones MuJoCo, Rapier and onnxruntime
// instantiate (each is routed to its module) and the engines run on them; a binary that is not shared compiles as
// before. That a pooled run gives the same JSON as an in-process one is the eval CLI's determinism test
// (eval-cli.test.ts).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { compileShared, wasmKey, type SharedWasm } from '../../src/cli/wasm-share';

// the worker: route, then load the three runtimes through our loaders and run each a little
const WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
const { importTs } = await import(workerData.bundler);
const { shareInstantiate } = await importTs('src/cli/wasm-share.ts');
const routed = shareInstantiate(Promise.resolve(workerData.shared));
const { loadMujoco } = await importTs('src/core/physics/mujoco.ts');
const { compileMjcf } = await importTs('src/core/physics/mujoco-fs.ts');
const { initRapier } = await importTs('src/core/physics/rapier.ts');
const { warmOrt } = await importTs('src/core/policy/identity-model.ts');
const RAPIER = (await import('@dimforge/rapier3d-compat')).default;
const mj = await loadMujoco();
const m = compileMjcf(mj, workerData.drop, {}, 'drop.xml');
const d = new mj.MjData(m);
for (let i = 0; i < 100; i++) mj.mj_step(m, d);
const mujocoZ = d.qpos[2], mujocoT = 100 * m.opt.timestep;
await initRapier();
const world = new RAPIER.World({ x: 0, y: 0, z: -9.81 });
const body = world.createRigidBody(RAPIER.RigidBodyDesc.dynamic().setTranslation(0, 0, 1));
world.createCollider(RAPIER.ColliderDesc.ball(0.1), body);
for (let i = 0; i < 30; i++) world.step();
await warmOrt();
const empty = await WebAssembly.instantiate(Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]));
parentPort.postMessage({ routed: [...routed], mujocoZ, mujocoT, rapierZ: body.translation().z, plain: empty.instance instanceof WebAssembly.Instance });
`;

const DROP = '<mujoco><worldbody><body pos="0 0 1"><freejoint/><geom type="sphere" size="0.1"/></body></worldbody></mujoco>';

function runWorker(shared: SharedWasm[]): Promise<Record<string, unknown>> {
  const bundler = pathToFileURL(join(process.cwd(), 'src/cli/bundle.mjs')).href;
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { bundler, shared, drop: DROP } });
    w.once('message', (m: Record<string, unknown>) => void w.terminate().then(() => resolve(m)));
    w.once('error', reject);
  });
}

describe('shared WebAssembly modules', () => {
  it('a worker instantiates MuJoCo, Rapier and onnxruntime from the modules compiled here, and they run', async () => {
    const shared = await compileShared(['mujoco', 'rapier', 'ort', 'bullet']);
    expect(shared.length).toBe(3); // 'bullet' names no binary
    expect(new Set(shared.map((s) => s.key)).size).toBe(3);
    for (const s of shared) expect(s.key).toMatch(/^[0-9a-f]{40}:\d+$/);
    const r = await runWorker(shared);
    expect((r.routed as string[]).sort()).toEqual(shared.map((s) => s.key).sort()); // each once
    const fall = 0.5 * 9.81 * (r.mujocoT as number) ** 2;
    expect(r.mujocoZ as number).toBeLessThan(1 - 0.9 * fall);
    expect(r.mujocoZ as number).toBeGreaterThan(1 - 1.1 * fall);
    expect(r.rapierZ as number).toBeLessThan(0.9);
    expect(r.plain).toBe(true); // an unshared binary: compiled there, as before
  }, 120_000);

  it('keys are content: one changed byte is another binary', () => {
    const a = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]);
    const b = Uint8Array.from([0, 97, 115, 109, 2, 0, 0, 0]);
    expect(wasmKey(a)).toMatch(/^[0-9a-f]{40}:8$/);
    expect(wasmKey(b)).not.toBe(wasmKey(a));
    expect(wasmKey(a.buffer)).toBe(wasmKey(a));
  });
});
