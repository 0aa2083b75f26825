// MJCF <frame> (src/core/model/mjcf-frame.ts): bodies and geoms written in frames — nested, rotated every way MJCF
// allows, with a childclass, a fromto — stand where MuJoCo puts them: every body's world pose and every geom's world
// position of the robot model against MuJoCo-WASM's own compile of the same text (mj_forward at qpos0).
import { describe, expect, it } from 'vitest';
import { forwardKinematics, loadMjcf } from '../../src/core/model/index';
import { qRotate } from '../../src/core/math';
import { loadMujoco } from '../../src/core/physics/mujoco';
import { compileMjcf } from '../../src/core/physics/mujoco-fs';
import { createEngine } from '../../src/core/physics/index';
import { AssetRegistry } from '../../src/app/assets';

const XML = `<mujoco>
  <compiler angle="degree"/>
  <default><default class="red"><geom rgba="1 0 0 1" size="0.05"/></default></default>
  <worldbody>
    <frame pos="0.1 0.2 0.3" euler="10 20 30">
      <body name="a" pos="0 0 1" euler="0 45 0"><freejoint/>
        <geom name="ga" type="box" size="0.1 0.1 0.1"/>
        <frame name="f2" pos="0.3 0 0" quat="0.9 0.1 0.2 0.3" childclass="red">
          <geom name="g1" type="sphere" pos="0.1 0 0"/>
          <geom name="g2" type="capsule" fromto="0 0 0 0.2 0.1 0"/>
          <site name="s" pos="0 0 0.1"/>
          <body name="b" pos="0 0.2 0" xyaxes="0 1 0 -1 0 0"><joint name="jb" type="hinge" axis="0 0 1"/>
            <geom name="gb" type="box" size="0.05 0.05 0.05"/>
            <frame axisangle="1 0 0 90"><frame pos="0 0 0.1" zaxis="0 1 1">
              <body name="c"><joint name="jc" type="hinge" axis="0 1 0"/><geom name="gc" type="sphere" size="0.02" pos="0.01 0 0"/></body>
            </frame></frame>
          </body>
        </frame>
      </body>
    </frame>
  </worldbody>
</mujoco>`;

describe('MJCF frame', () => {
  it('bodies and geoms in (nested) frames stand where MuJoCo puts them', async () => {
    const model = loadMjcf(XML, 'frames.xml');
    expect(model.bodies.map((b) => b.name)).toEqual(['a', 'b', 'c']);
    expect(model.joints.map((j) => j.name)).toEqual(['jb', 'jc']);
    expect(model.warnings.filter((w) => /frame/.test(w))).toEqual([]);
    const nb = model.bodies.length;
    const pos = new Float64Array(3 * nb),
      quat = new Float64Array(4 * nb);
    forwardKinematics(model, model.bodies[0].pos, model.bodies[0].quat, [0, 0], pos, quat);

    const mj = await loadMujoco();
    const m = compileMjcf(mj, XML, {}, 'frames.xml');
    const d = new mj.MjData(m);
    mj.mj_forward(m, d);
    const x = d as unknown as Record<string, Float64Array>;
    let worst = 0;
    const near = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    };
    model.bodies.forEach((b, i) => {
      const id = i + 1; // MuJoCo's body 0 is the world; the bodies follow in the same order
      near(pos.subarray(3 * i, 3 * i + 3), x.xpos.subarray(3 * id, 3 * id + 3));
      const q = quat.subarray(4 * i, 4 * i + 4),
        r = x.xquat.subarray(4 * id, 4 * id + 4);
      const sign = Math.sign(q[0] * r[0] + q[1] * r[1] + q[2] * r[2] + q[3] * r[3]) || 1;
      near(
        Array.from(q, (v) => v * sign),
        r,
      );
      // each collision geom's centre in the world
      b.collision.forEach((g, k) => {
        const w = qRotate(q, g.pos).map((v, c) => v + pos[3 * i + c]);
        const gid = [0, 1, 2, 3, 4].find((n) => (m as unknown as Record<string, Int32Array>).geom_bodyid[n] === id && k-- === 0)!;
        near(w, x.geom_xpos.subarray(3 * gid, 3 * gid + 3));
      });
    });
    console.log(`bodies and geoms in frames: worst difference to MuJoCo ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-6);
    expect(model.bodies[0].collision.map((g) => g.type)).toEqual(['box', 'sphere', 'capsule']);
    expect(model.bodies[0].collision[1].size[0]).toBe(0.05); // the frame's childclass "red" gave the sphere its size
    d.delete();
    m.delete();
  }, 60_000);

  it('both engines build the robot in frames where MuJoCo puts it; dropped in the app it is one robot', async () => {
    const model = loadMjcf(XML, 'frames.xml');
    const nb = model.bodies.length;
    const pos = new Float64Array(3 * nb),
      quat = new Float64Array(4 * nb);
    forwardKinematics(model, model.bodies[0].pos, model.bodies[0].quat, [0, 0], pos, quat);
    for (const kind of ['rapier', 'mujoco'] as const) {
      const e = await createEngine(kind, model, { n: 1 }, kind === 'mujoco' ? { xml: XML, files: {} } : undefined);
      const at = Array.from(e.state.bodyPos.subarray(0, 3 * nb));
      expect(Math.max(...at.map((v, i) => Math.abs(v - pos[i]))), kind).toBeLessThan(1e-5);
      for (let k = 0; k < 20; k++) e.step();
      expect(e.state.rootPos[2], kind).toBeLessThan(at[2]); // falling, in one piece
      expect(Array.from(e.state.bodyPos).every(Number.isFinite), kind).toBe(true);
      e.free();
    }
    const { added, errors } = new AssetRegistry().addFiles([{ path: 'frames.xml', bytes: new TextEncoder().encode(XML) }], null);
    expect(errors).toEqual([]);
    expect(added.map((r) => r.kind)).toEqual(['robot']);
  }, 60_000);
});
