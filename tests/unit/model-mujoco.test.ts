// Our forward kinematics against MuJoCo's own (mujoco-js WASM): same body frames for the G1.
import { readFileSync } from 'node:fs';
import load from 'mujoco-js';
import { describe, expect, it } from 'vitest';
import { forwardKinematics } from '../../src/core/model/index';
import { qNormalize, rng } from '../../src/core/math';
import { G1_DIR, G1_XML, g1MeshFiles, loadG1 } from './model-helpers';

describe('G1 forward kinematics vs MuJoCo WASM', () => {
  it('matches xpos/xquat of every body for 50 random configurations', async () => {
    const mj = await load();
    const fs = mj.FS as unknown as { mkdir(p: string): void; writeFile(p: string, d: Uint8Array | string): void };
    fs.mkdir('/g1');
    fs.mkdir('/g1/meshes');
    for (const f of g1MeshFiles()) fs.writeFile(`/g1/meshes/${f}`, new Uint8Array(readFileSync(`${G1_DIR}meshes/${f}`)));
    fs.writeFile(`/g1/${G1_XML}`, readFileSync(G1_DIR + G1_XML, 'utf8'));
    const mjm = mj.MjModel.loadFromXML(`/g1/${G1_XML}`);
    const mjd = new mj.MjData(mjm);
    const model = loadG1('xml');
    const nb = model.bodies.length;
    expect(mjm.nbody).toBe(nb + 1); // + world
    const jntAdr = model.joints.map((j) => mjm.jnt_qposadr[mj.mj_name2id(mjm, mj.mjtObj.mjOBJ_JOINT.value, j.name)]);
    const bodyId = model.bodies.map((b) => mj.mj_name2id(mjm, mj.mjtObj.mjOBJ_BODY.value, b.name));
    expect(bodyId.every((id) => id > 0)).toBe(true);
    // same body order and parents, same joint order (MuJoCo joint 0 is the free joint)
    expect(bodyId).toEqual(model.bodies.map((_, i) => i + 1));
    expect(model.bodies.map((b) => b.parent + 1)).toEqual(model.bodies.map((_, i) => mjm.body_parentid[i + 1]));
    const mjJoints = model.joints.map((_, i) => mj.mj_id2name(mjm, mj.mjtObj.mjOBJ_JOINT.value, i + 1));
    expect(mjJoints).toEqual(model.joints.map((j) => j.name));
    model.bodies.forEach((b, i) => expect(b.mass).toBeCloseTo(mjm.body_mass[i + 1], 9));
    const rand = rng(7);
    const pos = new Float64Array(nb * 3),
      quat = new Float64Array(nb * 4);
    let worst = 0,
      worstQ = 0;
    for (let trial = 0; trial < 50; trial++) {
      const root = [rand() * 2 - 1, rand() * 2 - 1, 0.5 + rand()];
      const rq = qNormalize([rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5]);
      const q = model.joints.map((j) => (j.range ? j.range[0] + rand() * (j.range[1] - j.range[0]) : 0));
      const qpos = mjd.qpos as Float64Array;
      qpos.set([...root, ...rq], 0);
      q.forEach((v, i) => (qpos[jntAdr[i]] = v));
      mj.mj_kinematics(mjm, mjd);
      forwardKinematics(model, root, rq, q, pos, quat);
      const xpos = mjd.xpos as Float64Array,
        xquat = mjd.xquat as Float64Array;
      for (let b = 0; b < nb; b++) {
        const id = bodyId[b];
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(pos[b * 3 + k] - xpos[id * 3 + k]));
        const dot = Math.abs([0, 1, 2, 3].reduce((s, k) => s + quat[b * 4 + k] * xquat[id * 4 + k], 0));
        worstQ = Math.max(worstQ, 2 * Math.acos(Math.min(1, dot)));
      }
    }
    console.log(`G1 FK vs MuJoCo: max position error ${worst.toExponential(2)} m, max angle error ${worstQ.toExponential(2)} rad`);
    expect(worst).toBeLessThan(1e-5);
    expect(worstQ).toBeLessThan(1e-5);
    mjd.delete();
    mjm.delete();
  });
});
