// The app's WebGPU observation backend (src/app/gpu-driver.ts GpuBackend) plugged into the core's one control
// step: GPU observations (WGSL on Dawn/SwiftShader in Node) → read back → the wasm session (what PolicyHandoff
// does without a WebGPU EP; its onnxruntime-web/webgpu bundle does not load in Node) → the controller's PD
// targets equal the CPU backend's, step after step, on the dancing G1.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { GpuBackend } from '../../src/app/gpu-driver';
import { loadRobot } from '../../src/core/model';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { GpuObservationBuilder } from '../../src/core/observation/gpu';
import { createRapierEngine } from '../../src/core/physics/rapier';
import type { PhysicsEngine } from '../../src/core/physics/types';
import { PolicyController } from '../../src/core/policy/controller';
import { PolicySession } from '../../src/core/policy/session';
import { danceConfig } from '../unit/policy-fixture';
import { dawnDevice } from './dawn';

const A = '../shared/assets',
  D = `${A}/policies/g1-dance-102`;
const done: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of done) await f();
});

describe('GPU observation backend in the PolicyController (Dawn, Node)', () => {
  it('gives the same PD targets as the CPU backend over 20 control steps', async () => {
    const device = await dawnDevice();
    done.push(() => device.destroy());
    const g1 = loadRobot('g1_29dof_rev_1_0.xml', readFileSync(`${A}/g1/g1_29dof_rev_1_0.xml`, 'utf8'));
    const clip = parseMotionCsv(
      readFileSync(`${D}/G1_Take_102.bvh_60hz.csv`, 'utf8'),
      'G1_Take_102.bvh_60hz.csv',
      g1.joints.map((j) => j.name),
    );
    const { bytes, config } = danceConfig(g1);
    const make = async (): Promise<{ ctrl: PolicyController; engine: PhysicsEngine }> => {
      const engine = await createRapierEngine(g1, { n: 1 });
      const session = await PolicySession.create(bytes, config);
      done.push(
        () => session.release(),
        () => engine.free(),
      );
      const ctrl = new PolicyController({ model: g1, engine, config, session, track: new ReferenceTrack(g1, clip, config.stepDt) });
      return { ctrl, engine };
    };
    const cpu = await make(),
      gpu = await make();
    const builder = await GpuObservationBuilder.create(device, config.observations, gpu.ctrl.ctx);
    done.push(() => builder.destroy());
    const obs = new Float32Array(builder.size);
    const readBack = { run: async () => (await gpu.ctrl.session.run(await builder.read(obs), 1)).actions };
    gpu.ctrl.backend = new GpuBackend(builder, readBack);
    await cpu.ctrl.reset();
    await gpu.ctrl.reset();
    let maxDiff = 0;
    for (let k = 0; k < 20; k++) {
      await cpu.ctrl.step();
      await gpu.ctrl.step();
      for (let j = 0; j < cpu.ctrl.targets.length; j++) maxDiff = Math.max(maxDiff, Math.abs(cpu.ctrl.targets[j] - gpu.ctrl.targets[j]));
    }
    console.log(`GPU vs CPU backend: max PD target difference over 20 steps ${maxDiff.toExponential(2)} rad`);
    expect(maxDiff).toBeLessThan(1e-3);
    expect(gpu.ctrl.targets.some((t, j) => Math.abs(t - gpu.engine.state.jointPos[j]) > 1e-3)).toBe(true); // the policy really acted
  }, 120_000);
});
