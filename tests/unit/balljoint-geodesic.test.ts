// Three-axis joints at gimbal lock (issue 16): the same joint rotation has several Euler coordinates, so the joint
// error is the geodesic angle, and Rapier reads the coordinates its revolute chain really has.
import { describe, expect, it } from 'vitest';
import { jointErrors, ballSpans } from '../../src/core/evaluation/joint-error';
import { loadMjcf } from '../../src/core/model/mjcf';
import { bodyMotion } from '../../src/core/physics/kinematics';
import { createEngine } from '../../src/core/physics/index';

const model = loadMjcf(
  `<mujoco model="arm"><worldbody><body name="base" pos="0 0 1.5"><inertial pos="0 0 0" mass="1" diaginertia="0.01 0.01 0.01"/>
   <body name="upper" pos="0 0 -0.3"><joint name="s" type="ball"/><inertial pos="0 0 -0.15" mass="1" diaginertia="0.01 0.01 0.006"/>
   <geom type="capsule" fromto="0 0 0 0 0 -0.3" size="0.03" contype="0" conaffinity="0"/></body></body></worldbody></mujoco>`,
  'arm.xml',
);
const nb = model.bodies.length;

/** A one-env state (joint coordinates and the body rotations forward kinematics gives them). */
function pose(th: number[]) {
  const m = bodyMotion(model, { rootPos: [0, 0, 1.5], rootQuat: [1, 0, 0, 0], jointPos: th });
  const bodyQuat = new Float32Array(nb * 4);
  m.quat.forEach((q, b) => bodyQuat.set(q, b * 4));
  return { nj: 3, nb, jointPos: Float32Array.from(th), bodyQuat };
}

describe('three-axis joint error and read-back at gimbal lock', () => {
  it('the other Euler branch of one rotation scores 0; a known extra rotation scores its angle', () => {
    const balls = ballSpans(model);
    expect(balls.length).toBe(1);
    const ref = pose([0.2, 1.3, -0.4]);
    const other = pose([0.2 + Math.PI, Math.PI - 1.3, -0.4 + Math.PI]); // same rotation, coordinates differ by π
    const out = new Float64Array(3);
    expect(Math.abs(other.jointPos[0] - ref.jointPos[0])).toBeGreaterThan(3);
    jointErrors(other, ref, 0, [0, 1, 2], balls, out);
    for (const v of out) expect(v).toBeLessThan(1e-3);
    // at the singularity b = π/2 only a + c counts: (a, π/2, c) and (a + d, π/2, c - d) are one rotation
    jointErrors(pose([0.5, Math.PI / 2, -0.5]), pose([0, Math.PI / 2, 0]), 0, [0, 1, 2], balls, out);
    for (const v of out) expect(v).toBeLessThan(1e-3);
    // 0.3 rad more about the last axis: sum of squares = 0.3²
    jointErrors(pose([0.2, 0.4, 0.1 + 0.3]), pose([0.2, 0.4, 0.1]), 0, [0, 1, 2], balls, out);
    expect(Math.hypot(...out)).toBeCloseTo(0.3, 4);
    // hinges (no ball spans given) keep the signed coordinate difference
    jointErrors(pose([0.2, 0.4, 0.4]), pose([0.2, 0.4, 0.1]), 0, [0, 1, 2], [], out);
    expect(out[2]).toBeCloseTo(0.3, 5);
  });

  it('Rapier reads back the coordinates it was reset to and holds them at b = π/2 (no jump to a ± c)', async () => {
    const target = [0.3, Math.PI / 2, -0.3];
    const eng = await createEngine('rapier', model, { fixedRoot: true, gravity: 0, inertiaFloor: 0, footInertiaFloor: 0 });
    eng.reset(0, { rootPos: [0, 0, 1.5], rootQuat: [1, 0, 0, 0], jointPos: target });
    for (let c = 0; c < 3; c++) expect(eng.state.jointPos[c]).toBeCloseTo(target[c], 3);
    eng.setGains([20, 20, 20], [1, 1, 1]);
    eng.setTargets(target);
    for (let i = 0; i < 200; i++) eng.step();
    for (let c = 0; c < 3; c++) expect(Math.abs(eng.state.jointPos[c] - target[c])).toBeLessThan(0.02);
    eng.free();
  });
});
