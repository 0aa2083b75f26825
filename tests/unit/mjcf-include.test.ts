// MJCF <include> (src/core/model/mjcf-include.ts): a mujoco_menagerie-style scene.xml that includes the robot's own
// file runs as the robot itself — in the CLI (both engines, the same JSON but for timing), and dropped in the app (one
// robot, its parts not robots of their own); nested includes; and named errors for what MuJoCo refuses.
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssetRegistry } from '../../src/app/assets';
import { droppedFolder } from './drop-fixture';
import { readRobot } from '../../src/cli/eval-args';
import { loadRobotSource } from '../../src/core/evaluation/setup';
import { expandIncludes } from '../../src/core/model/mjcf-include';
import { A, POLICY, ROBOT, withoutTiming } from './eval-cli-spawn';
import { evalMain } from './eval-cli-inproc';

const G1 = 'g1_29dof_rev_1_0.xml';
const SCENE = `<mujoco model="g1 scene">
  <!-- the robot's own file, as mujoco_menagerie's scene.xml does -->
  <include file="${G1}"/>
  <visual><headlight diffuse="0.6 0.6 0.6"/></visual>
  <worldbody><light pos="0 0 3" dir="0 0 -1"/></worldbody>
</mujoco>`;

/** A folder with the G1 (its file and meshes) and a scene.xml that includes it. */
function sceneFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimic-include-'));
  cpSync(`${A}/g1`, dir, { recursive: true });
  writeFileSync(join(dir, 'scene.xml'), SCENE);
  return dir;
}

describe('MJCF include', () => {
  it('the CLI runs a scene.xml that includes the G1 as the G1 itself, on both engines', async () => {
    const dir = sceneFolder();
    const robot = readRobot(join(dir, 'scene.xml'));
    expect(robot.text).not.toMatch(/<include/);
    const viaScene = loadRobotSource(robot),
      direct = loadRobotSource(readRobot(ROBOT));
    expect(viaScene.joints.map((j) => j.name)).toEqual(direct.joints.map((j) => j.name));
    expect(viaScene.bodies.map((b) => b.name)).toEqual(direct.bodies.map((b) => b.name));
    const motion = `${A}/policies/g1-dance-102/G1_Take_102.bvh_60hz.csv`;
    for (const engine of ['rapier', 'mujoco']) {
      const args = (r: string) => ['--robot', r, '--policy', POLICY, '--motion', motion, '--engine', engine];
      const flags = ['--scenario', 'seeds/nominal.json', '--episodes', '2', '--seconds', '0.5', '--workers', '0', '--json', '--quiet'];
      const a = await evalMain([...args(join(dir, 'scene.xml')), ...flags]);
      const b = await evalMain([...args(ROBOT), ...flags]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      // the same run: only the robot file's name differs
      expect(withoutTiming(a.stdout).replaceAll('scene.xml', G1), engine).toBe(withoutTiming(b.stdout));
    }
  }, 240_000);

  it('dropped in the app: one robot (the scene), its included file a part of it, not a robot of its own', () => {
    const dir = sceneFolder();
    const { file, meshes } = droppedFolder(dir, 'g1');
    const assets = new AssetRegistry();
    const { added, errors } = assets.addFiles([file('scene.xml'), file(G1), ...meshes], null);
    expect(errors).toEqual([]);
    expect(added.map((r) => [r.kind, r.files[0].path])).toEqual([['robot', 'g1/scene.xml']]);
    expect(assets.robotOf(added[0].id).joints).toHaveLength(29);
    expect(assets.robotText(added[0].id)).toMatch(/<body name="pelvis"/);
    // without the robot's file: a named error, nothing added
    const lone = new AssetRegistry().addFiles([file('scene.xml'), ...meshes], null);
    expect(lone.added).toEqual([]);
    expect(String(lone.errors[0])).toMatch(/scene\.xml at line 3: included file "g1_29dof_rev_1_0\.xml" not found/);
    // an error inside the included file names that file and its own line (not a line of the assembled document)
    const line =
      readFileSync(join(dir, G1), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('mesh="pelvis_contour_link"')) + 1; // the first geom that uses the missing mesh
    const partial = meshes.filter((m) => !m.path.endsWith('pelvis_contour_link.STL'));
    const missing = new AssetRegistry().addFiles([file('scene.xml'), file(G1), ...partial], null);
    expect(String(missing.errors[0])).toBe(
      `MeshError: MeshError in ${G1} at line ${line}: mesh file not found (tried "g1/meshes/pelvis_contour_link.STL")`,
    );
  });

  it('--robot a folder: its one robot file (scene.xml over the file it includes, the MJCF over a URDF); else a named error', () => {
    const dir = sceneFolder(); // scene.xml, the G1's .xml (included by it) and .urdf
    symlinkSync(join(dir, 'no-such-file'), join(dir, 'meshes', 'broken.STL')); // a broken link among the meshes: not read
    const r = readRobot(dir);
    expect(r.file).toBe('scene.xml');
    expect(Object.keys(r.files ?? {})).toHaveLength(35);
    expect(readRobot(`${A}/g1`).file).toBe(G1);
    const two = mkdtempSync(join(tmpdir(), 'mimic-robots-'));
    writeFileSync(join(two, 'a.xml'), '<mujoco/>');
    writeFileSync(join(two, 'b.xml'), '<mujoco/>');
    expect(() => readRobot(two)).toThrow(/holds 2 robot files \(a\.xml, b\.xml\): name one/);
    expect(() => readRobot(mkdtempSync(join(tmpdir(), 'mimic-none-')))).toThrow(/holds no \.xml or \.urdf robot file/);
  });

  it('nested includes, in place; what MuJoCo refuses is a named error', () => {
    const files: Record<string, string> = {
      'robot.xml': '<mujoco><include file="parts/defaults.xml"/><worldbody><body name="b"><geom size="0.1"/></body></worldbody></mujoco>',
      'parts/defaults.xml': '<mujoco><default><geom rgba="1 0 0 1"/></default><include file="parts/opt.xml"/></mujoco>',
      'parts/opt.xml': '<mujoco><option timestep="0.002"/></mujoco>',
      'twice.xml': '<mujoco><include file="parts/opt.xml"/><include file="parts/opt.xml"/></mujoco>',
      'empty.xml': '<mujoco/>',
    };
    const read = (p: string) => files[p];
    const out = expandIncludes('<mujoco model="m"><include file="robot.xml"/><compiler angle="radian"/></mujoco>', 'm.xml', read);
    expect(out.replace(/\s+/g, ' ')).toBe(
      '<mujoco model="m"> <default> <geom rgba="1 0 0 1"/> </default> <option timestep="0.002"/> ' +
        '<worldbody> <body name="b"> <geom size="0.1"/> </body> </worldbody> <compiler angle="radian"/> </mujoco> ',
    );
    const text = '<mujoco><compiler angle="radian"/></mujoco>';
    expect(expandIncludes(text, 'm.xml', read)).toBe(text); // nothing to include: the text as it is
    expect(() => expandIncludes('<mujoco><include file="nope.xml"/></mujoco>', 'm.xml', read)).toThrow(
      /m\.xml at line 1: included file "nope\.xml" not found/,
    );
    expect(() => expandIncludes('<mujoco><include file="twice.xml"/></mujoco>', 'm.xml', read)).toThrow(
      /twice\.xml at line 1: "parts\/opt\.xml" is included twice/,
    );
    expect(() => expandIncludes('<mujoco><include file="empty.xml"/></mujoco>', 'm.xml', read)).toThrow(
      /empty\.xml.*no elements to include/,
    );
    expect(() => expandIncludes('<mujoco><include/></mujoco>', 'm.xml', read)).toThrow(/<include> has no file attribute/);
  });
});
