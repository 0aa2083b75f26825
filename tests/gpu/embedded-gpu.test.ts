// GPU observations for policies that carry their reference (holosoma's interface, built with
// the test ONNX encoder): GpuObservationBuilder (WGSL on Dawn/SwiftShader in Node) → PolicyHandoff (wasm
// here: no WebGPU EP in Node) returns the actions AND the embedded reference outputs for the controller's
// time steps; the actions and the reference equal the CPU path's step after step, 2 envs.
import { afterAll, describe, expect, it } from 'vitest';
import { GpuBackend } from '../../src/app/gpu-driver';
import { GpuObservationBuilder } from '../../src/core/observation/gpu';
import { PolicyHandoff } from '../../src/core/observation/handoff';
import { createRapierEngine } from '../../src/core/physics/rapier';
import { resolvePolicyConfig } from '../../src/core/policy/config';
import { PolicyController } from '../../src/core/policy/controller';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { PolicySession } from '../../src/core/policy/session';
import { g1, holosomaWbt } from '../unit/families-fixture';
import { dawnDevice } from './dawn';

const done: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of done) await f();
});

const N = 2;

async function controller(bytes: Uint8Array, file: string) {
  const config = resolvePolicyConfig({ info: readOnnxInfo(bytes, file), file, robot: g1 });
  const engine = await createRapierEngine(g1, { n: N });
  const session = await PolicySession.create(bytes, config, { file });
  done.push(
    () => session.release(),
    () => engine.free(),
  );
  const ctrl = new PolicyController({ model: g1, engine, config, session, file, start: 'reference', lastStep: 30 });
  return { ctrl, config };
}

describe('embedded-reference policy with GPU observations (Dawn, Node)', () => {
  // one interface (shader compilation on SwiftShader costs ~15 s a builder): holosoma's, whose reference
  // outputs need the config (xyzw quaternions) and whose time steps lag; BeyondMimic's differs only in those
  for (const [name, bytes] of [['holosoma wbt (xyzw, lagged)', holosomaWbt()]] as const) {
    it(`${name}: same actions and reference as the CPU path over 5 control steps`, async () => {
      const device = await dawnDevice();
      done.push(() => device.destroy());
      const cpu = await controller(bytes, 'p.onnx'),
        gpu = await controller(bytes, 'p.onnx');
      const builder = await GpuObservationBuilder.create(device, gpu.config.observations, gpu.ctrl.ctx);
      done.push(() => builder.destroy());
      const handoff = await PolicyHandoff.create({ model: bytes, builder, config: gpu.config, ep: 'wasm', file: 'p.onnx' });
      done.push(() => handoff.release());
      gpu.ctrl.backend = new GpuBackend(builder, handoff);
      const acts = { cpu: [] as Float32Array[], gpu: [] as Float32Array[] };
      cpu.ctrl.onActions = (a) => acts.cpu.push(a.slice());
      gpu.ctrl.onActions = (a) => acts.gpu.push(a.slice());
      await cpu.ctrl.reset();
      await gpu.ctrl.reset();
      let maxAct = 0,
        maxRef = 0,
        moved = 0;
      for (let k = 0; k < 5; k++) {
        await cpu.ctrl.step();
        await gpu.ctrl.step();
        const a = acts.cpu[k],
          b = acts.gpu[k];
        for (let i = 0; i < a.length; i++) maxAct = Math.max(maxAct, Math.abs(a[i] - b[i]));
        const r1 = cpu.ctrl.ref,
          r2 = gpu.ctrl.ref;
        for (let i = 0; i < r1.jointPos.length; i++) maxRef = Math.max(maxRef, Math.abs(r1.jointPos[i] - r2.jointPos[i]));
        for (let i = 0; i < r1.bodyQuat.length; i++) maxRef = Math.max(maxRef, Math.abs(r1.bodyQuat[i] - r2.bodyQuat[i]));
      }
      // the reference really advanced (joint_pos = time_step · A, 0 at step 0)
      for (const q of gpu.ctrl.ref.jointPos) moved = Math.max(moved, Math.abs(q));
      console.log(`${name}: GPU vs CPU max action diff ${maxAct.toExponential(2)}, reference diff ${maxRef.toExponential(2)}`);
      expect(acts.gpu.length).toBe(5);
      expect(maxAct).toBeLessThan(1e-5);
      expect(maxRef).toBe(0);
      expect(moved).toBeGreaterThan(0.005);
      expect(Math.max(...acts.gpu[4].map(Math.abs))).toBeGreaterThan(1e-4); // the actions are not all zero
    }, 120_000);
  }
});
