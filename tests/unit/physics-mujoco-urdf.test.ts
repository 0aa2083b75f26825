// The unmodified G1 URDF runs on MuJoCo. The evaluator hands MuJoCo the robot file as `source` whenever the text
// contains "<mujoco" — and the G1 URDF does (a <mujoco><compiler/></mujoco> hint), so MuJoCo's own URDF importer
// compiled it, fused the root link into the world and the engine failed with "body pelvis: not found". URDF robots
// now run from the RobotModel; this steps one and compares it with the MJCF of the same robot.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRobot } from '../../src/core/model/index';
import { createEngine, type PhysicsEngine } from '../../src/core/physics/index';
import { G1_DIR, g1File, g1Gains, g1Source, loadG1 } from './physics-fixture';

const URDF = 'g1_29dof_rev_1_0.urdf';
const urdfText = readFileSync(G1_DIR + URDF, 'utf8');
const meshFiles = (): Record<string, Uint8Array> => g1Source().files;

/** Joint angles (by name) and root height per step, standing from `pose` at the standing height. */
function run(e: PhysicsEngine, names: string[], pose: number[], steps: number): { q: Map<string, number[]>; z: number[] } {
  e.reset(0, { rootPos: [0, 0, 0.76], rootQuat: [1, 0, 0, 0], jointPos: pose });
  const q = new Map<string, number[]>(names.map((n) => [n, []]));
  const z: number[] = [];
  for (let i = 0; i < steps; i++) {
    e.step();
    names.forEach((n, j) => q.get(n)!.push(e.state.jointPos[j]));
    z.push(e.state.rootPos[2]);
  }
  return { q, z };
}

describe('G1 URDF on MuJoCo', () => {
  const urdf = loadRobot(URDF, urdfText, g1File);
  const mjcf = loadG1();

  it("the file contains the <mujoco> hint that used to route it to MuJoCo's URDF importer", () => {
    expect(urdfText).toMatch(/<\s*mujoco\b/);
    expect(urdf.source.format).toBe('urdf');
  });

  it('steps the unmodified URDF (given as the MuJoCo source) like the MJCF robot: same joints, same motion', async () => {
    const gu = g1Gains(urdf),
      gm = g1Gains(mjcf);
    const eu = await createEngine('mujoco', urdf, { armature: gu.armature }, { xml: urdfText, files: meshFiles() });
    // the MJCF robot through the same generator (its file as is has other collision geoms)
    const em = await createEngine('mujoco', mjcf, { armature: gm.armature });
    expect(eu.adjustments.join(' ')).toMatch(/not MJCF \(URDF\)/);
    const legs = (m: typeof urdf, j: number) => /hip|knee|ankle|waist/.test(m.joints[j].name);
    for (const [e, g, m] of [
      [eu, gu, urdf],
      [em, gm, mjcf],
    ] as const) {
      e.setGains(
        g.kp.map((k, j) => (legs(m, j) ? k * 10 : k)),
        g.kd.map((k, j) => (legs(m, j) ? k * Math.sqrt(10) : k)),
      );
      e.setTargets(g.defaultPos);
    }
    // start with the arms 0.3 rad off their targets, standing; 1 s
    const names = urdf.joints.map((j) => j.name);
    const poseU = gu.defaultPos.map((q, j) => (/shoulder|elbow/.test(names[j]) ? q + 0.3 : q));
    const poseM = mjcf.joints.map((j) => poseU[urdf.jointIndex.get(j.name)!]);
    const a = run(eu, names, poseU, 200);
    const b = run(
      em,
      mjcf.joints.map((j) => j.name),
      poseM,
      200,
    );
    let worst = 0,
      moved = 0,
      at = '';
    for (const n of names) {
      const ua = a.q.get(n)!,
        mb = b.q.get(n)!;
      for (let k = 0; k < ua.length; k++) {
        expect(Number.isFinite(ua[k])).toBe(true);
        if (Math.abs(ua[k] - mb[k]) > worst) {
          worst = Math.abs(ua[k] - mb[k]);
          at = `${n} step ${k}`;
        }
      }
      moved = Math.max(moved, Math.abs(ua[ua.length - 1] - poseU[urdf.jointIndex.get(n)!]));
    }
    const dz = Math.max(...a.z.map((z, k) => Math.abs(z - b.z[k])));
    console.log(
      `G1 URDF vs MJCF on MuJoCo, 1 s standing, arms released 0.3 rad off: max joint difference ${worst.toExponential(2)} rad at ${at}, root height difference ${dz.toExponential(2)} m (largest joint motion ${moved.toFixed(3)} rad, URDF root ends at ${a.z[a.z.length - 1].toFixed(3)} m)`,
    );
    expect(moved).toBeGreaterThan(0.1); // the arms did swing toward their targets
    expect(worst).toBeLessThan(1e-4);
    expect(dz).toBeLessThan(1e-4);
    eu.free();
    em.free();
  });

  it('free-floating: the URDF G1 stands on MuJoCo with standing gains', async () => {
    const g = g1Gains(urdf);
    const e = await createEngine('mujoco', urdf, { armature: g.armature }, { xml: urdfText, files: meshFiles() });
    const legs = (j: number) => /hip|knee|ankle|waist/.test(urdf.joints[j].name);
    e.setGains(
      g.kp.map((k, j) => (legs(j) ? k * 10 : k)),
      g.kd.map((k, j) => (legs(j) ? k * Math.sqrt(10) : k)),
    );
    e.reset(0, { rootPos: [0, 0, 0.8], rootQuat: [1, 0, 0, 0], jointPos: g.defaultPos });
    e.setTargets(g.defaultPos);
    for (let i = 0; i < 300; i++) e.step();
    console.log(`G1 URDF on MuJoCo after 1.5 s: root height ${e.state.rootPos[2].toFixed(3)} m`);
    expect(e.state.rootPos[2]).toBeGreaterThan(0.6);
    expect(e.state.rootPos[2]).toBeLessThan(0.85);
    e.free();
  });
});
