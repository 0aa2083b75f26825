// Start modes of the policy controller on the real dance policy and the G1 in Rapier, with the dance clip
// lowered 0.12 m into the floor (one real export's ankles sit 0.10–0.12 m under it).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { qFromAxisAngle, qYaw } from '../../src/core/math';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { createRapierEngine } from '../../src/core/physics/rapier';
import type { PhysicsEngine } from '../../src/core/physics/types';
import { PolicyController } from '../../src/core/policy/controller';
import { PolicySession } from '../../src/core/policy/session';
import { lowestPoint, startModeOf, type StartModeInput } from '../../src/core/policy/start';
import { DANCE, danceConfig, expectAnchorAligned, loadG1 } from './policy-fixture';

const g1 = loadG1();
const names = g1.joints.map((j) => j.name);
const clip = parseMotionCsv(readFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, 'utf8'), 'G1_Take_102.bvh_60hz.csv', names);
const low = { ...clip, rootPos: Float32Array.from(clip.rootPos, (v, i) => (i % 3 === 2 ? v - 0.12 : v)) };
const { bytes, config } = danceConfig(g1);
const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of cleanup) await f();
});

async function started(
  start: StartModeInput,
  setup?: (e: PhysicsEngine) => void,
): Promise<{ engine: PhysicsEngine; ctrl: PolicyController }> {
  const engine = await createRapierEngine(g1, { n: 1 });
  const session = await PolicySession.create(bytes, config);
  cleanup.push(
    () => engine.free(),
    () => session.release(),
  );
  setup?.(engine);
  const ctrl = new PolicyController({ model: g1, engine, config, session, track: new ReferenceTrack(g1, low, config.stepDt), start });
  await ctrl.reset();
  return { engine, ctrl };
}

describe('start modes', () => {
  it("'reference' (old name 'reset'): the robot exactly on the reference's first frame, even in the floor", async () => {
    for (const mode of ['reference', 'reset'] as const) {
      const { engine, ctrl } = await started(mode);
      expect(ctrl.start).toBe('reference');
      expect(engine.state.rootPos[2]).toBeCloseTo(low.rootPos[2], 5);
      expect(lowestPoint(g1, engine.state, 0).z).toBeLessThan(-0.12);
      expect(ctrl.startShift[0]).toBe(0);
    }
  });

  it("'ground' (the default): robot and reference raised so the lowest collision point rests on the floor", async () => {
    const { engine, ctrl } = await started('ground');
    expect(startModeOf(undefined)).toBe('ground');
    const dz = ctrl.startShift[0];
    expect(dz).toBeGreaterThan(0.125);
    expect(dz).toBeLessThan(0.135);
    expect(ctrl.startShiftBody).toMatch(/ankle_roll/);
    expect(engine.state.rootPos[2]).toBeCloseTo(low.rootPos[2] + dz, 5);
    expect(Math.abs(lowestPoint(g1, engine.state, 0).z)).toBeLessThan(1e-3);
    // the reference the policy and the metrics see is raised with it
    expect(ctrl.ctx.ref.rootPos[2]).toBeCloseTo(engine.state.rootPos[2], 5);
    ctrl.advance();
    await ctrl.act();
    const track = new ReferenceTrack(g1, low, config.stepDt);
    expect(ctrl.ctx.ref.rootPos[2]).toBeCloseTo(track.frame(1).rootPos[2] + dz, 5);
  });

  it("'default-pose' (old name 'align'): standing in the default pose where it was, the reference aligned to it", async () => {
    const yaw = 0.7;
    const { engine, ctrl } = await started('align', (e) =>
      e.reset(0, { rootPos: [1, 2, 0.9], rootQuat: qFromAxisAngle([0, 0, 1], yaw), jointPos: new Float32Array(29) }),
    );
    expect(ctrl.start).toBe('default-pose');
    const s = engine.state;
    config.jointNames.forEach((n, i) => expect(s.jointPos[g1.jointIndex.get(n)!]).toBeCloseTo(config.defaultJointPos[i], 5));
    expect(s.rootPos[0]).toBeCloseTo(1, 5);
    expect(s.rootPos[1]).toBeCloseTo(2, 5);
    expect(qYaw(s.rootQuat)).toBeCloseTo(yaw, 5);
    expect(Math.abs(lowestPoint(g1, s, 0).z)).toBeLessThan(1e-3);
    expectAnchorAligned(ctrl, s);
  });

  it('an unknown start is a named error', () => {
    let err: unknown;
    try {
      startModeOf('sideways');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MimicError);
    expect((err as MimicError).where).toBe('start');
    expect((err as MimicError).message).toMatch(/reference, ground or default-pose/);
  });
});
