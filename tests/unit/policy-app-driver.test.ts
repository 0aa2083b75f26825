// The app's policy drivers on the core's one control step, in Node with real Rapier and onnxruntime-web:
// a policy change that fails at its first step leaves the previous driver running; a policy that carries its
// reference brings it (ghost, metrics, transport length).
import { afterAll, describe, expect, it } from 'vitest';
import { Sim } from '../../src/app/sim';
import { BuiltinDriver, PolicyDriver } from '../../src/app/drivers';
import { sampleTimeline, type Timeline } from '../../src/core/motion/timeline';
import { builtinGains } from '../../src/core/policy/builtin';
import { createRapierEngine } from '../../src/core/physics/rapier';
import { isaacJointOrder, resolvePolicyConfig } from '../../src/core/policy/config';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { danceClip } from './compose-data';
import { danceExportMeta, embeddedExport, loadG1, node, onnxModel, tensor, valueInfo, skillTestProfile } from './policy-fixture';

const g1 = loadG1();
const dance = danceClip();
const sims: Sim[] = [];
afterAll(() =>
  sims.forEach((s) => {
    s.driver.dispose();
    s.engine?.free();
  }),
);

async function simOnDance(): Promise<{ sim: Sim; errors: unknown[] }> {
  const sim = new Sim();
  sims.push(sim);
  const errors: unknown[] = [];
  sim.onError = (e) => errors.push(e);
  sim.setRobot(g1, await createRapierEngine(g1, { n: 1 }));
  const tl: Timeline = {
    jointNames: g1.joints.map((j) => j.name),
    loop: false,
    segments: [{ id: 'd', clip: dance, in: 0, out: 5, driver: 'policy', crossfade: 0 }],
  };
  sim.setSource((t, o) => sampleTimeline(tl, t, o), 250, 'dance');
  return { sim, errors };
}

describe('app drivers on the core control step', () => {
  it('a policy that fails its first control step is dropped; the previous driver keeps running, one error', async () => {
    const { sim, errors } = await simOnDance();
    sim.setDriver(new BuiltinDriver(sim.engine!, sim.ref!, sim.decimation, 1));
    for (let k = 0; k < 5; k++) await sim.controlStep(false);
    // graph outputs 3 actions per env (symbolic dims hide it until it runs); the config expects 29
    const bytes = onnxModel({
      nodes: [node('MatMul', ['obs', 'W'], ['actions'])],
      initializers: [tensor('W', [2, 3], [1, 0, 0, 0, 1, 0])],
      inputs: [valueInfo('obs', ['batch', 2])],
      outputs: [valueInfo('actions', ['batch', 'na'])],
    });
    const profile = skillTestProfile('broken');
    const cfg = resolvePolicyConfig({ info: readOnnxInfo(bytes, 'broken.onnx'), file: 'broken.onnx', robot: g1, profile });
    let lastKp: number[] = [];
    const setGains = sim.engine!.setGains.bind(sim.engine!);
    sim.engine!.setGains = (kp, kd, eff) => {
      lastKp = Array.from(kp);
      setGains(kp, kd, eff);
    };
    sim.setDriver(await PolicyDriver.create({ engine: sim.engine!, ref: sim.ref!, config: cfg, bytes, file: 'broken.onnx' }));
    expect(lastKp).toEqual(g1.joints.map(() => 40)); // the policy's gains were given
    await sim.controlStep(false);
    expect(errors.length).toBe(1);
    expect(String((errors[0] as Error).message)).toMatch(
      /new policy driver failed its first control step; the previous \(builtin\) driver keeps running: .*broken\.onnx/,
    );
    expect(sim.driver.kind).toBe('builtin');
    expect(lastKp).toEqual(builtinGains(g1).kp); // the built-in controller's gains again, not the failed policy's
    for (let k = 0; k < 20; k++) await sim.controlStep(false);
    expect(errors.length).toBe(1);
    expect(sim.step).toBe(26);
    expect(sim.engine!.state.rootPos[2]).toBeGreaterThan(0.5); // still standing, driven by the built-in controller
  });

  it('an embedded-reference policy brings its reference: ghost, metrics and length are its own', async () => {
    const { sim, errors } = await simOnDance();
    const order = isaacJointOrder(g1);
    const bytes = embeddedExport(30, true, danceExportMeta(g1));
    const cfg = resolvePolicyConfig({ info: readOnnxInfo(bytes, 'export.onnx'), file: 'export.onnx', robot: g1 });
    const drv = await PolicyDriver.create({ engine: sim.engine!, ref: sim.ref!, config: cfg, bytes, file: 'export.onnx' });
    sim.setDriver(drv);
    expect(sim.nSteps).toBe(30); // probed, not the timeline's 250
    for (let k = 0; k < 10; k++) await sim.controlStep(false);
    expect(errors).toEqual([]);
    const ref = drv.ctrl.ctx.ref,
      j0 = g1.jointIndex.get(order[0])!;
    expect(ref.jointPos[j0]).toBeCloseTo(0.01 * 9, 5); // its own reference, at the step it acted on
    const ghost = sim.ghostPose()!;
    expect(Array.from(ghost.pos.subarray(0, 3))).toEqual(Array.from(ref.bodyPos.subarray(0, 3)));
    // the recorded joint error is against that reference
    const last = sim.metrics.jointErr[sim.metrics.jointErr.length - 1];
    let je = 0;
    for (let j = 0; j < 29; j++) je += Math.abs(sim.engine!.state.jointPos[j] - ref.jointPos[j]);
    expect(last).toBeCloseTo(je / 29, 6);
    // the transport stops at its end
    for (let k = 0; k < 40; k++) await sim.controlStep(false);
    expect(sim.step).toBe(29);
  });
});
