// Ball joints driven by PD in both engines (no welding): a 2-link pendulum on ball joints held at a target, the
// same pendulum built from three hinges per link; Euler coordinates round-trip through quaternions.
import { describe, expect, it } from 'vitest';
import { loadMjcf } from '../../src/core/model/mjcf';
import { ballAngles, ballGroups, ballQuat, jointLayout } from '../../src/core/physics/ball';
import { createEngine } from '../../src/core/physics/index';

const link = (name: string, joint: string) => `
  <body name="${name}" pos="0 0 -0.3">${joint}
    <inertial pos="0 0 -0.15" mass="1" diaginertia="0.01 0.01 0.006"/>
    <geom type="capsule" fromto="0 0 0 0 0 -0.3" size="0.03" contype="0" conaffinity="0"/>`;
const ball = (n: string) => `<joint name="${n}" type="ball" pos="0 0 0"/>`;
const hinges = (n: string) =>
  ['x', 'y', 'z']
    .map((c, k) => `<joint name="${n}_${c}" type="hinge" axis="${k === 0 ? 1 : 0} ${k === 1 ? 1 : 0} ${k === 2 ? 1 : 0}"/>`)
    .join('');
const pendulum = (j: (n: string) => string) =>
  loadMjcf(
    `<mujoco model="pendulum"><worldbody><body name="base" pos="0 0 1.5"><inertial pos="0 0 0" mass="1" diaginertia="0.01 0.01 0.01"/>
     ${link('upper', j('shoulder'))}${link('lower', j('elbow'))}</body></body></body></worldbody></mujoco>`,
    'pendulum.xml',
  );

const TARGET = [0.4, -0.3, 0.2, 0.3, 0.2, -0.1];

async function hold(model: ReturnType<typeof pendulum>, gravity: number): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const kind of ['rapier', 'mujoco'] as const) {
    const eng = await createEngine(kind, model, { fixedRoot: true, gravity, inertiaFloor: 0, footInertiaFloor: 0 });
    const t0 = performance.now();
    eng.setGains(
      model.joints.map(() => 20),
      model.joints.map(() => 1),
    );
    eng.setTargets(
      model.joints.map((j) => TARGET[['shoulder', 'elbow'].indexOf(j.name.split('_')[0]) * 3 + 'xyz'.indexOf(j.name.slice(-1))]),
    );
    for (let i = 0; i < 1000; i++) eng.step();
    out[kind] = Array.from(eng.state.jointPos);
    out[kind + '_ms'] = [(performance.now() - t0) / 1000];
    eng.free();
  }
  return out;
}

describe('ball joints', () => {
  it('load as three Euler coordinates each; the layout says qpos 3 here, 4 / 3 in MuJoCo', () => {
    const m = pendulum(ball);
    expect(m.joints.map((j) => j.name)).toEqual(['shoulder_x', 'shoulder_y', 'shoulder_z', 'elbow_x', 'elbow_y', 'elbow_z']);
    expect(m.warnings.filter((w) => /ball/.test(w))).toEqual([]);
    expect(jointLayout(m)).toEqual([
      { name: 'shoulder', type: 'ball', ours: 3, mjQpos: 4, mjQvel: 3 },
      { name: 'elbow', type: 'ball', ours: 3, mjQpos: 4, mjQvel: 3 },
    ]);
    const g = ballGroups(m)[0];
    const th = [0.7, -1.1, 2.5];
    const back = ballAngles(g, ballQuat(g, th));
    for (let c = 0; c < 3; c++) expect(back[c]).toBeCloseTo(th[c], 9);
  });

  it('PD holds a 2-link ball pendulum at its target in both engines (no gravity: on target; gravity: same sag)', async () => {
    const m = pendulum(ball);
    const free = await hold(m, 0);
    for (const k of ['rapier', 'mujoco']) free[k].forEach((q, j) => expect(Math.abs(q - TARGET[j])).toBeLessThan(0.01));
    const sag = await hold(m, -9.81);
    console.log('ball pendulum under gravity, rad', JSON.stringify(sag));
    const gap = Math.max(...sag.rapier.map((q, j) => Math.abs(q - sag.mujoco[j])));
    expect(gap).toBeLessThan(0.01);
    expect(Math.max(...sag.mujoco.map((q, j) => Math.abs(q - TARGET[j])))).toBeGreaterThan(0.02); // gravity does pull
  }, 120000);

  it('three hinges per link behave as the ball (Rapier: revolute chains; MuJoCo: native hinges)', async () => {
    const sag = await hold(pendulum(hinges), -9.81);
    const b = await hold(pendulum(ball), -9.81);
    console.log('3-hinge pendulum under gravity, rad', JSON.stringify(sag));
    for (const k of ['rapier', 'mujoco']) sag[k].forEach((q, j) => expect(Math.abs(q - b.mujoco[j])).toBeLessThan(0.02));
  }, 120000);
});
