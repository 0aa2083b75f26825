// Rapier's pd 'mixed' rule (rapier.ts explicitPdStable): a joint's PD is an explicit torque where the explicit step
// of I·q̈ = −kp·q − kd·q̇ is stable with margin, the ForceBased motor elsewhere. Checked here: the rule's bound on the
// one-joint system itself, and which G1 joints it puts on motors for the dance policy's and the standing gains.
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/core/physics/common';
import { createRapierEngine, EXPLICIT_PD_LIMIT, explicitPdStable, RING_LIMIT } from '../../src/core/physics/rapier';
import { loadMjcf } from '../../src/core/model/index';
import { jointInertia, linkMasses } from '../../src/core/physics/rapier-world';
import { policyArmature } from '../../src/core/policy/gains';
import { g1Gains, standingGains } from './physics-fixture';
import { danceConfig, loadG1 } from './policy-fixture';

/** Largest |q| over 400 explicit steps (velocity first, then position, as Rapier integrates a held torque). */
function explicitRun(kp: number, kd: number, dt: number, inertia: number): number {
  let q = 0.1,
    v = 0,
    worst = 0;
  for (let i = 0; i < 400; i++) {
    v += (dt * (-kp * q - kd * v)) / inertia;
    q += dt * v;
    worst = Math.max(worst, Math.abs(q));
  }
  return worst;
}

describe("Rapier pd 'mixed'", () => {
  it('explicit only below the bound, which sits under the one-joint stability limit a + b/2 = 2', () => {
    const dt = 0.005,
      inertia = 0.01;
    for (const a of [0.2, 0.8, 1.4, 1.8, 2.4])
      for (const b of [0.1, 0.5, 1, 2]) {
        const kd = (a * inertia) / dt,
          kp = (b * inertia) / dt ** 2;
        const limit = a + b / 2;
        expect(explicitPdStable(kp, kd, dt, inertia), `a ${a} b ${b}`).toBe(limit < EXPLICIT_PD_LIMIT);
        if (limit < EXPLICIT_PD_LIMIT) expect(explicitRun(kp, kd, dt, inertia), `a ${a} b ${b}`).toBeLessThan(0.1 + 1e-9);
        if (limit > 2.05) expect(explicitRun(kp, kd, dt, inertia), `a ${a} b ${b}`).toBeGreaterThan(1);
      }
  });

  it('G1: the dance policy puts every joint on explicit PD; the standing gains keep motors on the hips, knees, ankles and waist yaw/roll', () => {
    const model = loadG1();
    const { config } = danceConfig(model);
    const dt = config.physicsDt;
    const danceO = resolveOptions(model, { armature: policyArmature(model, config) ?? undefined, dt });
    const danceI = jointInertia(model, linkMasses(model, danceO, []));
    const at = (name: string) => model.jointIndex.get(name)!;
    config.jointNames.forEach((name, i) => {
      expect(explicitPdStable(config.stiffness[i], config.damping[i], dt, danceI[at(name)]), name).toBe(true);
    });
    const g = g1Gains(model);
    const { kp, kd } = standingGains(model, g);
    const standI = jointInertia(model, linkMasses(model, resolveOptions(model, { armature: g.armature }), []));
    const motors = model.joints.filter((j) => !explicitPdStable(kp[j.index], kd[j.index], 0.005, standI[j.index])).map((j) => j.name);
    expect(motors.sort()).toEqual(
      ['hip_pitch', 'hip_roll', 'hip_yaw', 'knee', 'ankle_pitch', 'ankle_roll']
        .flatMap((n) => [`left_${n}_joint`, `right_${n}_joint`])
        .concat(['waist_yaw_joint', 'waist_roll_joint'])
        .sort(),
    );
  });

  it('an explicit joint that rings against a light parent on a parallel axis goes on the motor (ring guard)', async () => {
    // a shank and a foot on parallel pitch axes with large armatures (an H1's knee and ankle): stable by the one-link
    // bound, yet the two ring against each other on explicit torques
    const xml = `<mujoco model="ankle"><compiler angle="radian"/><default><joint armature="0.1" axis="0 1 0"/></default>
      <worldbody><body name="base" pos="0 0 1"><inertial pos="0 0 0" mass="5" diaginertia="0.05 0.05 0.05"/>
        <body name="shank" pos="0 0 -0.1"><joint name="knee"/><inertial pos="0 0 -0.14" mass="1.7" diaginertia="0.012 0.012 0.002"/>
          <body name="foot" pos="0 0 -0.4"><joint name="ankle"/><inertial pos="0.07 0 -0.045" mass="0.45" diaginertia="0.0022 0.0022 0.0002"/></body>
        </body></body></worldbody></mujoco>`;
    const model = loadMjcf(xml, 'ankle.xml');
    const hold = async (pd: 'torque' | 'mixed') => {
      const e = await createRapierEngine(model, { n: 1, fixedRoot: true, pd });
      e.setGains([395, 395], [25, 25]);
      e.reset(0, { rootPos: [0, 0, 1], rootQuat: [1, 0, 0, 0], jointPos: [0.3, -0.4] });
      e.setTargets([0.3, -0.4]);
      let fastest = 0;
      for (let k = 0; k < 200; k++) {
        e.step();
        fastest = Math.max(fastest, Math.abs(e.state.jointVel[1]));
      }
      const out = { fastest, end: Math.abs(e.state.jointVel[1]), err: Math.abs(e.state.jointPos[1] + 0.4), notes: [...e.adjustments] };
      e.free();
      return out;
    };
    const torque = await hold('torque');
    expect(torque.fastest).toBeGreaterThan(2 * RING_LIMIT); // the ringing, without the guard
    const mixed = await hold('mixed');
    expect(mixed.notes).toContain(`explicit PD on ankle rang (|q̇| > ${RING_LIMIT} rad/s): on Rapier's motor from then on`);
    expect(mixed.end).toBeLessThan(1);
    expect(mixed.err).toBeLessThan(0.01);
  });
});
