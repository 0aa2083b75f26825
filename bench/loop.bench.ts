// Where a control step's time goes: the real dance export on the G1, N = 1 and N = 64, Rapier and MuJoCo-WASM.
// Per control step, measured side by side in one run (best of 5 repeats, the two engines in turns, after 2 s of warm-up):
//   physics   = the bare engine.step() calls inside those control steps (`decimation` per step)
//   inference = the bare session.run() calls inside those control steps (the session's own batching)
//   step      = the full PolicyController step (reference, observations, inference, targets, physics)
//   ratio     = step / (physics + inference): 1.0 means no overhead at all.
// `npm run --silent bench -- loop --json` prints, as its last line, the JSON object of issue 12's contract.
import type { RobotModel } from '../src/core/model/types';
import { ReferenceTrack } from '../src/core/motion/reference';
import { createEngine } from '../src/core/physics/index';
import type { PhysicsEngine } from '../src/core/physics/types';
import { armatureFromStiffness, resolvePolicyConfig, type PolicyConfig } from '../src/core/policy/config';
import { PolicyController } from '../src/core/policy/controller';
import { readOnnxInfo } from '../src/core/policy/onnx';
import { PolicySession } from '../src/core/policy/session';
import { danceClip, dancePolicy, loadG1 } from '../tests/unit/policy-fixture';

type Kind = 'rapier' | 'mujoco';

interface Rig {
  engine: PhysicsEngine;
  ctrl: PolicyController;
  session: PolicySession;
  config: PolicyConfig;
}

async function rig(kind: Kind, n: number, model: RobotModel, bytes: Uint8Array, yaml: string): Promise<Rig> {
  const config = resolvePolicyConfig({ info: readOnnxInfo(bytes, 'policy.onnx'), file: 'policy.onnx', robot: model, yaml });
  const armature = model.joints.map((j) => j.armature);
  config.jointNames.forEach((name, i) => {
    armature[model.jointIndex.get(name)!] = armatureFromStiffness(config.stiffness[i]);
  });
  const engine = await createEngine(kind, model, { n, dt: config.physicsDt, armature });
  const clip = danceClip(model);
  const track = new ReferenceTrack(model, clip, config.stepDt);
  const session = await PolicySession.create(bytes, config, { file: 'policy.onnx' });
  const ctrl = new PolicyController({ model, engine, config, session, track });
  await ctrl.reset();
  return { engine, ctrl, session, config };
}

interface Row {
  physics: number;
  inference: number;
  step: number;
}

/**
 * Times the control steps of the dancing robot and, inside them, the bare engine.step() calls and the bare
 * session.run() calls (the methods are wrapped with timers), so that all three come from the same steps.
 */
/** A rig whose engine.step() and session.run() calls are timed; `range()` steps the controller `reps` times. */
async function timedRig(kind: Kind, n: number, model: RobotModel, bytes: Uint8Array, yaml: string) {
  const r = await rig(kind, n, model, bytes, yaml);
  const acc = { physics: 0, inference: 0 };
  const engineStep = r.engine.step.bind(r.engine);
  r.engine.step = (more?: boolean) => {
    const t = performance.now();
    engineStep(more);
    acc.physics += performance.now() - t;
  };
  const sessionRun = r.session.run.bind(r.session);
  r.session.run = async (...a: Parameters<PolicySession['run']>) => {
    const t = performance.now();
    const out = await sessionRun(...a);
    acc.inference += performance.now() - t;
    return out;
  };
  const reps = Math.max(20, Math.round(300 / n));
  const range = async (): Promise<Row> => {
    if (r.ctrl.refStep[0] + reps >= r.ctrl.nSteps) await r.ctrl.reset();
    acc.physics = 0;
    acc.inference = 0;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await r.ctrl.step();
    return { step: (performance.now() - t0) / reps, physics: acc.physics / reps, inference: acc.inference / reps };
  };
  const free = async () => {
    r.engine.free();
    await r.session.release();
  };
  return { range, free };
}

const KINDS = ['rapier', 'mujoco'] as const;

/** Warm-up: V8 optimises the engines' WebAssembly in the background (Rapier's step: ~1.4 s of CPU); step until 2 s. */
const WARM_MS = 2000;

/**
 * Both engines at N, measured in turns (Rapier, MuJoCo, Rapier, ...: a busy moment of the machine falls on both), best of
 * 5 each, after each has been warmed up.
 */
async function measurePair(n: number, model: RobotModel, bytes: Uint8Array, yaml: string): Promise<Record<Kind, Row>> {
  const rigs = { rapier: await timedRig('rapier', n, model, bytes, yaml), mujoco: await timedRig('mujoco', n, model, bytes, yaml) };
  const best: Record<Kind, Row> = {
    rapier: { physics: Infinity, inference: Infinity, step: Infinity },
    mujoco: { physics: Infinity, inference: Infinity, step: Infinity },
  };
  for (const kind of KINDS) for (const t0 = performance.now(); performance.now() - t0 < WARM_MS;) await rigs[kind].range();
  for (let k = 0; k < 5; k++)
    for (const kind of KINDS) {
      const m = await rigs[kind].range();
      if (m.step < best[kind].step) best[kind] = m;
    }
  for (const kind of KINDS) await rigs[kind].free();
  return best;
}

export async function run(): Promise<void> {
  const json = process.argv.includes('--json');
  const model = loadG1();
  const { bytes, yaml } = dancePolicy();
  const out: Record<string, Record<string, number>> = {};
  const rows = [];
  const pairs = { 1: await measurePair(1, model, bytes, yaml), 64: await measurePair(64, model, bytes, yaml) };
  for (const kind of KINDS) {
    const o: Record<string, number> = {};
    for (const n of [1, 64] as const) {
      const m = pairs[n][kind];
      const ratio = m.step / (m.physics + m.inference);
      o[`n${n}_ratio`] = +ratio.toFixed(3);
      if (n === 1) {
        o.physics_ms = +m.physics.toFixed(4);
        o.step_ms = +m.step.toFixed(4);
        o.inference_ms = +m.inference.toFixed(4);
      } else {
        o.n64_physics_ms = +m.physics.toFixed(3);
        o.n64_step_ms = +m.step.toFixed(3);
        o.n64_inference_ms = +m.inference.toFixed(3);
      }
      rows.push({
        engine: kind,
        N: n,
        'physics ms': +m.physics.toFixed(3),
        'inference ms': +m.inference.toFixed(3),
        'full step ms': +m.step.toFixed(3),
        'overhead ms': +(m.step - m.physics - m.inference).toFixed(3),
        ratio: +ratio.toFixed(3),
        'step ms per env': +(m.step / n).toFixed(3),
      });
    }
    out[kind] = o;
  }
  console.log('control step of the dance export on the G1 (ms per control step for the whole batch, best of 5):');
  console.table(rows);
  const result = { ...out, rapier_over_mujoco_physics: +(out.rapier.physics_ms / out.mujoco.physics_ms).toFixed(2) };
  if (json) console.log(JSON.stringify(result));
}
