// The built-in humanoid (public/robots/humanoid29.xml): the G1's joints and bodies, primitives only,
// a standing keyframe with the feet on the ground; it compiles in MuJoCo and stands there under its PD gains.
import { readFileSync } from 'node:fs';
import load from 'mujoco-js';
import { describe, expect, it } from 'vitest';
import { forwardKinematics, loadRobot, mjcfKeyframes } from '../../src/core/model/index';
import { loadG1 } from './model-helpers';

const FILE = 'public/robots/humanoid29.xml';
const text = readFileSync(FILE, 'utf8');
const h = loadRobot('humanoid29.xml', text);
const g1 = loadG1('xml');

describe('built-in humanoid29', () => {
  it('has the G1 joint and body names, positive masses and a total mass within 5% of the G1', () => {
    expect(h.joints).toHaveLength(29);
    expect(h.joints.map((j) => j.name)).toEqual(g1.joints.map((j) => j.name));
    expect(h.bodies.map((b) => b.name)).toEqual(g1.bodies.map((b) => b.name));
    expect(h.floating).toBe(true);
    expect(h.warnings).toEqual([]);
    for (const b of h.bodies) {
      expect(b.mass).toBeGreaterThan(0);
      expect(Math.min(...b.inertia)).toBeGreaterThan(0);
    }
    const total = (m: typeof h): number => m.bodies.reduce((s, b) => s + b.mass, 0);
    expect(Math.abs(total(h) / total(g1) - 1)).toBeLessThan(0.05);
  });

  it('uses primitives only, foot spheres are the only colliding shapes', () => {
    for (const b of h.bodies) {
      for (const s of [...b.visual, ...b.collision]) expect(['sphere', 'capsule', 'box', 'cylinder']).toContain(s.type);
      const feet = /ankle_roll/.test(b.name);
      expect(b.collision.length).toBe(feet ? 4 : 0);
      expect(b.visual.length).toBeGreaterThan(0);
    }
  });

  it('has G1 motor armatures and BeyondMimic gains kp = a·ω², kd = 2ζ·a·ω (ω = 2π·10, ζ = 2)', () => {
    const arm = (n: string): number => h.joints[h.jointIndex.get(n)!].armature;
    expect(arm('left_hip_pitch_joint')).toBeCloseTo(0.01017752, 8);
    expect(arm('left_knee_joint')).toBeCloseTo(0.025101925, 8);
    expect(arm('left_ankle_pitch_joint')).toBeCloseTo(2 * 0.003609725, 8);
    expect(arm('waist_pitch_joint')).toBeCloseTo(2 * 0.003609725, 8);
    expect(arm('left_wrist_yaw_joint')).toBeCloseTo(0.00425, 8);
    expect(arm('right_elbow_joint')).toBeCloseTo(0.003609725, 8);
    const w = 2 * Math.PI * 10;
    for (const a of h.actuators) {
      const j = h.joints[a.joint];
      expect(a.type).toBe('position');
      expect(a.name).toBe(j.name);
      expect(a.kp / (j.armature * w * w)).toBeCloseTo(1, 5);
      expect(a.kv / (2 * 2 * j.armature * w)).toBeCloseTo(1, 5);
      expect(j.effortLimit).toBe(g1.joints[g1.jointIndex.get(j.name)!].effortLimit);
    }
  });

  it('standing keyframe puts the lowest foot sphere within 2 mm of z = 0', () => {
    const key = mjcfKeyframes(text, FILE).find((k) => k.name === 'stand')!;
    expect(key.qpos).toHaveLength(7 + 29);
    const q = key.qpos.slice(7);
    expect(q[h.jointIndex.get('left_knee_joint')!]).toBeCloseTo(0.669, 6);
    expect(q[h.jointIndex.get('right_shoulder_roll_joint')!]).toBeCloseTo(-0.2, 6);
    const pos = new Float64Array(h.bodies.length * 3),
      quat = new Float64Array(h.bodies.length * 4);
    forwardKinematics(h, key.qpos.slice(0, 3), key.qpos.slice(3, 7), q, pos, quat);
    let low = Infinity;
    for (const b of h.bodies)
      for (const s of b.collision) {
        const i = b.index;
        const [w, x, y] = [quat[i * 4], quat[i * 4 + 1], quat[i * 4 + 2]];
        const z = quat[i * 4 + 3];
        const wz = pos[i * 3 + 2] + 2 * (x * z - w * y) * s.pos[0] + 2 * (y * z + w * x) * s.pos[1] + (1 - 2 * (x * x + y * y)) * s.pos[2];
        low = Math.min(low, wz - s.size[0]);
      }
    expect(Math.abs(low)).toBeLessThan(0.002);
  });

  it('compiles in MuJoCo WASM; at the stand keyframe only the 8 foot spheres touch the floor, frames match ours', async () => {
    const mj = await load();
    (mj.FS as unknown as { writeFile(p: string, d: string): void }).writeFile('/humanoid29.xml', text);
    const mjm = mj.MjModel.loadFromXML('/humanoid29.xml');
    const mjd = new mj.MjData(mjm);
    expect(mjm.nu).toBe(29);
    mj.mj_resetDataKeyframe(mjm, mjd, mj.mj_name2id(mjm, mj.mjtObj.mjOBJ_KEY.value, 'stand'));
    // the lowest sphere rests exactly on z = 0 (distance 0 is not a contact): lower the root 1.5 mm
    (mjd.qpos as Float64Array)[2] -= 0.0015;
    mj.mj_forward(mjm, mjd);
    expect(mjd.ncon).toBe(8);
    const feet = new Set(['left_ankle_roll_link', 'right_ankle_roll_link'].map((n) => mj.mj_name2id(mjm, mj.mjtObj.mjOBJ_BODY.value, n)));
    for (let c = 0; c < mjd.ncon; c++) {
      const con = mjd.contact.get(c)!;
      expect(Math.abs(con.dist)).toBeLessThan(0.002);
      expect(feet.has(mjm.geom_bodyid[con.geom1]) || feet.has(mjm.geom_bodyid[con.geom2])).toBe(true);
    }
    const qpos = Array.from(mjd.qpos as Float64Array);
    const pos = new Float64Array(h.bodies.length * 3),
      quat = new Float64Array(h.bodies.length * 4);
    forwardKinematics(h, qpos.slice(0, 3), qpos.slice(3, 7), qpos.slice(7), pos, quat);
    for (const b of h.bodies) {
      const id = mj.mj_name2id(mjm, mj.mjtObj.mjOBJ_BODY.value, b.name);
      expect(b.mass).toBeCloseTo(mjm.body_mass[id], 9);
      for (let k = 0; k < 3; k++) expect(Math.abs(pos[b.index * 3 + k] - mjd.xpos[id * 3 + k])).toBeLessThan(1e-9);
    }
    mjd.delete();
    mjm.delete();
  });
});
