// SkillMimic BallPlay rows onto our smpl24 character by body name (motions/retarget/skillmimic-smpl24.json): a
// synthetic tensor built from a known pose of SkillMimic's humanoid (its body offsets from mocap_humanoid.xml,
// y-up body frames) must land each of our bodies where the source puts it, with the ball track kept.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qConj, qMul, qRotate, type Quat, type Vec3 } from '../../src/core/math';
import { loadMjcf } from '../../src/core/model/mjcf';
import { readMotionFile } from '../../src/core/motion/formats/read';
import { expMapQuat, parseSkillMimicRows, SKILLMIMIC_COLUMNS } from '../../src/core/motion/formats/hoi';
import { writeNpy } from '../../src/core/motion/npy';
import { checkSkillMimicMap, skillMimicToRobot } from '../../src/core/motion/skillmimic-retarget';
import { bodyMotion } from '../../src/core/physics/kinematics';

const MAP_FILE = 'motions/retarget/skillmimic-smpl24.json';
const mapDoc = JSON.parse(readFileSync(MAP_FILE, 'utf8')) as { sourceBodies: { name: string; parent: string | null }[] };
const map = checkSkillMimicMap(mapDoc, MAP_FILE);
const robot = loadMjcf(readFileSync('public/robots/smpl24-ball.xml', 'utf8'), 'smpl24-ball.xml');
const C: Quat = [0.5, 0.5, 0.5, 0.5]; // source body axes (x left, y up, z forward) → ours (x forward, y left, z up)

// offsets from the parent body (SkillMimic mocap_humanoid.xml), left side; the right mirrors x; fingers at the wrist
const LEFT: Record<string, Vec3> = {
  Hip: [0.109716, -0.0365719, 0],
  Knee: [0, -0.461208, 0.0256003],
  Ankle: [0, -0.364385, -0.0256003],
  Toe: [0, -0.0986496, 0.156582],
  Thorax: [0.018286, -0.0295385, 0.0365719],
  Shoulder: [0.166499, 0, 0],
  Elbow: [0.252505, 0, 0],
  Wrist: [0.243894, 0, 0],
};
const MID: Record<string, Vec3> = {
  Torso: [0, 0.0877726, -0.0279775],
  Spine: [0, 0.106124, 0],
  Spine2: [0, 0.106124, 0],
  Chest: [0, 0.166951, 0],
  Neck: [0, 0.084247, 0.0146288],
  Head: [0, 0.109716, 0],
};
function offset(name: string): Vec3 {
  if (MID[name]) return MID[name];
  const l = LEFT[name.slice(2)];
  if (!l) return [0, 0, 0];
  return name.startsWith('R_') ? [-l[0], l[1], l[2]] : l;
}

const yaw = (a: number): Quat => [Math.cos(a / 2), 0, 0, Math.sin(a / 2)];
const POSE: Record<string, Vec3> = { L_Knee: [1.2, 0, 0], R_Shoulder: [0, 0, 0.8], L_Hip: [-0.5, 0.2, 0.1], Spine: [0.2, 0.1, 0] };

/** n frames of BallPlay rows from a known pose; also the source bodies' world rotations. */
function synthetic(n: number, rest = false) {
  const bodies = mapDoc.sourceBodies,
    nb = bodies.length;
  const rows = new Float64Array(n * SKILLMIMIC_COLUMNS);
  const worlds: Quat[][] = [];
  for (let f = 0; f < n; f++) {
    const r = rows.subarray(f * SKILLMIMIC_COLUMNS, (f + 1) * SKILLMIMIC_COLUMNS);
    const root = rest ? C : qMul(yaw(0.7 + 0.1 * f), C);
    const a = 2 * Math.acos(root[0]),
      s = Math.sin(a / 2);
    r.set([0.3, -0.2 + 0.01 * f, 0.95], 0);
    r.set([(root[1] / s) * a, (root[2] / s) * a, (root[3] / s) * a], 3);
    const W: Quat[] = [root],
      P: Vec3[] = [[0.3, -0.2 + 0.01 * f, 0.95]];
    for (let k = 1; k < nb; k++) {
      const name = bodies[k].name,
        p = bodies.findIndex((b) => b.name === bodies[k].parent);
      const e: Vec3 = rest ? [0, 0, 0] : (POSE[name] ?? [0.2 * Math.sin(3 * k + f), 0.2 * Math.cos(5 * k), 0.15 * Math.sin(7 * k)]);
      r.set(e, 9 + (k - 1) * 3);
      W.push(qMul(W[p], expMapQuat(...e)));
      const o = qRotate(W[p], offset(name));
      P.push([P[p][0] + o[0], P[p][1] + o[1], P[p][2] + o[2]]);
    }
    P.forEach((p, k) => r.set(p, 165 + 3 * k));
    r.set([1 + 0.01 * f, 0, 0.5], 324); // ball
    r.set([0, 0, -0.3], 327); // ball rotation, stored negated
    r[336] = f % 2;
    worlds.push(W);
  }
  return { rows, worlds };
}

const angle = (a: Vec3, b: Vec3) =>
  Math.acos(Math.min(1, (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (Math.hypot(...a) * Math.hypot(...b))));

describe('SkillMimic BallPlay → smpl24 by body name', () => {
  it('puts each body where the source says (bone directions, world rotations) and keeps the ball track', () => {
    const n = 3;
    const { rows, worlds } = synthetic(n);
    const bytes = writeNpy(Float32Array.from(rows), [n, SKILLMIMIC_COLUMNS]);
    const [clip] = readMotionFile('data/001_pickup_3.npy', bytes, robot, {});
    expect(clip.format).toMatch(/SkillMimic/);
    expect(clip.jointNames).toEqual(robot.joints.map((j) => j.name));
    expect(clip.notes.join(' ')).toMatch(/dropped: Spine2, L_Index1/);
    const ball = clip.objects![0];
    expect(Array.from(ball.pos.subarray(3, 6)).map((v) => +v.toFixed(4))).toEqual([1.01, 0, 0.5]);
    expect(Array.from(ball.contact!)).toEqual([0, 1, 0]);
    const src = new Map(mapDoc.sourceBodies.map((b, k) => [b.name, k]));
    const bones = ['L', 'R'].flatMap((s): [string, string][] => [
      [`${s}_Hip`, `${s}_Knee`],
      [`${s}_Knee`, `${s}_Ankle`],
      [`${s}_Shoulder`, `${s}_Elbow`],
      [`${s}_Elbow`, `${s}_Wrist`],
    ]);
    let worst = 0;
    for (let f = 0; f < n; f++) {
      const nj = robot.joints.length;
      const m = bodyMotion(robot, {
        rootPos: clip.rootPos.subarray(f * 3, f * 3 + 3),
        rootQuat: clip.rootQuat.subarray(f * 4, f * 4 + 4),
        jointPos: clip.jointPos.subarray(f * nj, (f + 1) * nj),
      });
      const sp = (name: string): Vec3 =>
        Array.from(rows.subarray(f * 337 + 165 + 3 * src.get(name)!, f * 337 + 168 + 3 * src.get(name)!)) as Vec3;
      for (const [a, b] of bones) {
        const ours = m.pos[robot.bodyIndex.get(b)!].map((v, c) => v - m.pos[robot.bodyIndex.get(a)!][c]) as Vec3;
        const theirs = sp(b).map((v, c) => v - sp(a)[c]) as Vec3;
        worst = Math.max(worst, angle(ours, theirs)); // proportions differ; the rest offsets differ by < 5°
      }
      // every mapped body's world rotation = the source's, in our body axes
      for (const b of robot.bodies) {
        const want = qMul(worlds[f][src.get(map.bodyMap[b.name])!], qConj(C));
        const d = qMul(qConj(want), m.quat[b.index]);
        expect(2 * Math.atan2(Math.hypot(d[1], d[2], d[3]), Math.abs(d[0]))).toBeLessThan(1e-4);
      }
    }
    expect(worst).toBeLessThan(0.1);
  });

  it("the source's rest pose is our rest pose; the knee bend lands on our knee's lateral axis", () => {
    const rest = skillMimicToRobot(parseSkillMimicRows(synthetic(1, true).rows, 337, 'rest.npy'), robot, map, 'rest.npy');
    for (const v of rest.jointPos) expect(Math.abs(v)).toBeLessThan(1e-5);
    expect(Math.abs(rest.rootQuat[0])).toBeCloseTo(1, 5);
    const bent = skillMimicToRobot(parseSkillMimicRows(synthetic(1).rows, 337, 'x.npy'), robot, map, 'x.npy');
    const knee = ['x', 'y', 'z'].map((c) => bent.jointPos[robot.jointIndex.get(`L_Knee_${c}`)!]);
    expect(Math.abs(knee[1])).toBeCloseTo(1.2, 4); // source x (lateral) = our y
    expect(Math.abs(knee[0]) + Math.abs(knee[2])).toBeLessThan(1e-4);
  });

  it('bad input: a map with a parent out of order, a robot without the names, a wrong .npy shape, a .pt', () => {
    const bad = structuredClone(mapDoc);
    bad.sourceBodies[1].parent = 'L_Knee';
    expect(() => checkSkillMimicMap(bad, 'm.json')).toThrow(/m\.json at sourceBodies\[1\]\.parent/);
    const arm = loadMjcf(
      `<mujoco><worldbody><body name="base"><inertial pos="0 0 0" mass="1" diaginertia="0.1 0.1 0.1"/><body name="upper">
       <joint name="s" type="hinge"/><inertial pos="0 0 0" mass="1" diaginertia="0.1 0.1 0.1"/></body></body></worldbody></mujoco>`,
      'arm.xml',
    );
    const rows = synthetic(1).rows;
    expect(() => skillMimicToRobot(parseSkillMimicRows(rows, 337, 'x.npy'), arm, map, 'x.npy')).toThrow(/x\.npy at body base/);
    expect(() => readMotionFile('y.npy', writeNpy(new Float32Array(10), [2, 5]), robot, {})).toThrow(/y\.npy at shape.*\[2, 5\]/);
    expect(() => readMotionFile('z.pt', new Uint8Array([0x50, 0x4b, 3, 4]), robot, {})).toThrow(/z\.pt.*save it as \.npy/);
  });
});
