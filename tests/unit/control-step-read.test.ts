// The control step's cheaper physics steps give the same bits: step(more = true) inside a decimation (contact
// forces left unread), Rapier's pipeline step without World.step's remapping, and the session kept between batches.
import { describe, expect, it } from 'vitest';
import { releaseIdleSession, giveBackSession, takeSession } from '../../src/core/evaluation/session-cache';
import { createEngine, type PhysicsEngine } from '../../src/core/physics/index';
import { initRapier } from '../../src/core/physics/rapier';
import { buildWorld, stepWorld } from '../../src/core/physics/rapier-world';
import { defaultPhysicsOptions, type BatchState } from '../../src/core/physics/types';
import { resolvePolicyConfig } from '../../src/core/policy/config';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { g1Gains, loadG1, standingGains, standingHeight } from './physics-fixture';
import { dancePolicy } from './policy-fixture';

const model = loadG1();
const g = g1Gains(model);
const { kp, kd } = standingGains(model, g);
const FIELDS = ['rootPos', 'rootQuat', 'jointPos', 'jointVel', 'jointTorque', 'bodyPos', 'bodyLinVel', 'contactForce'] as const;

async function standing(kind: 'rapier' | 'mujoco'): Promise<PhysicsEngine> {
  const e = await createEngine(kind, model, { armature: g.armature });
  e.setGains(kp, kd);
  e.reset(0, { rootPos: [0, 0, standingHeight(model, g.defaultPos) + 0.02], rootQuat: [1, 0, 0, 0], jointPos: g.defaultPos });
  e.setTargets(g.defaultPos.map((q, j) => q + 0.1 * Math.sin(j)));
  return e;
}

const copy = (s: BatchState) => Object.fromEntries(FIELDS.map((k) => [k, Float32Array.from(s[k])]));

describe('cheaper physics steps inside a control step', () => {
  for (const kind of ['rapier', 'mujoco'] as const) {
    it(`${kind}: 40 control steps of step(true) × 3 + step() equal step() × 4 bit for bit; the inner steps leave contactForce as it was`, async () => {
      const a = await standing(kind),
        b = await standing(kind);
      let skipped = 0;
      for (let k = 0; k < 40; k++) {
        for (let i = 0; i < 4; i++) a.step();
        for (let i = 0; i < 3; i++) {
          const before = Float32Array.from(b.state.contactForce);
          b.step(true);
          expect(Array.from(b.state.contactForce)).toEqual(Array.from(before));
          if (Array.from(a.state.contactForce).some((x, j) => x !== before[j])) skipped++;
        }
        b.step();
        const sa = copy(a.state),
          sb = copy(b.state);
        for (const f of FIELDS) expect(Array.from(sb[f]), `${kind} ${f} at control step ${k}`).toEqual(Array.from(sa[f]));
      }
      // the feet carry the robot, so the contact forces of the skipped reads did differ from the last ones
      expect(skipped).toBeGreaterThan(10);
      expect(Math.max(...Array.from(a.state.contactForce).map(Math.abs))).toBeGreaterThan(10);
      a.free();
      b.free();
    }, 60_000);
  }

  it("Rapier: stepWorld gives World.step's bodies bit for bit over 300 steps", async () => {
    await initRapier();
    const o = { ...defaultPhysicsOptions, armature: g.armature };
    const w1 = buildWorld(model, o),
      w2 = buildWorld(model, o);
    const pose = (w: typeof w1) =>
      w.envs[0].bodies.flatMap((rb) => [rb.translation().x, rb.translation().y, rb.translation().z, rb.rotation().w]);
    for (const w of [w1, w2]) w.envs[0].bodies[0].setLinvel({ x: 0.3, y: 0, z: -0.5 }, true);
    for (let i = 0; i < 300; i++) {
      w1.world.step();
      stepWorld(w2.world);
    }
    expect(pose(w2)).toEqual(pose(w1));
    expect(pose(w1)[2]).toBeLessThan(0.75); // it fell and moved: the comparison is not of two resting worlds
    w1.world.free();
    w2.world.free();
  });

  it('the session kept between batches: the same bytes and config get it back, other bytes or joints a new one', async () => {
    const { bytes, yaml } = dancePolicy();
    const cfg = resolvePolicyConfig({ info: readOnnxInfo(bytes, 'policy.onnx'), file: 'policy.onnx', robot: model, yaml });
    const s1 = await takeSession(bytes, cfg, 'policy.onnx');
    await giveBackSession(bytes, cfg, 'policy.onnx', s1);
    const s2 = await takeSession(bytes, structuredClone(cfg), 'policy.onnx');
    expect(s2).toBe(s1);
    // while it is taken, a second batch gets its own
    const s3 = await takeSession(bytes, cfg, 'policy.onnx');
    expect(s3).not.toBe(s1);
    await giveBackSession(bytes, cfg, 'policy.onnx', s3);
    await giveBackSession(bytes, cfg, 'policy.onnx', s2); // s3 released, s2 kept
    const other = await takeSession(bytes.slice(), cfg, 'policy.onnx');
    expect(other).not.toBe(s2);
    await other.release();
    const fewer = { ...cfg, jointNames: cfg.jointNames.slice(0, -1) };
    const s4 = await takeSession(bytes, fewer, 'policy.onnx');
    expect(s4).not.toBe(s2);
    await s4.release();
    const obs = new Float32Array(2 * s2.obsSize).fill(0.1);
    expect((await s2.run(obs, 2)).actions.length).toBe(2 * cfg.jointNames.length);
    await releaseIdleSession();
  }, 60_000);
});
