// Robot descriptions whose meshes sit above their own folder, as real repositories lay them out: legged_gym's
// urdf/robot.urdf with `../meshes/…`, a ROS `package://name/meshes/…` whose package holds the robot's folder, an MJCF
// with `meshdir="../meshes"`. The CLI reads the files they name (src/cli/eval-args.ts) and runs each as the G1 from its
// own folder: the same JSON, timing aside (MuJoCo compiles the MJCF with its meshes one folder up, core/physics/mujoco-fs.ts).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { AssetRegistry } from '../../src/app/assets';
import { droppedFolder } from './drop-fixture';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRobot } from '../../src/cli/eval-args';
import { A, POLICY, withoutTiming } from './eval-cli-spawn';
import { evalMain } from './eval-cli-inproc';

const G1 = `${A}/g1`;

/** root/meshes (the G1's), root/urdf/{up,pkg}.urdf and root/mjcf/up.xml naming them from one folder up. */
function layout(): string {
  const root = mkdtempSync(join(tmpdir(), 'mimic-layout-'));
  cpSync(`${G1}/meshes`, join(root, 'meshes'), { recursive: true });
  for (const d of ['urdf', 'mjcf']) mkdirSync(join(root, d));
  const urdf = readFileSync(`${G1}/g1_29dof_rev_1_0.urdf`, 'utf8');
  writeFileSync(join(root, 'urdf/up.urdf'), urdf.replaceAll('filename="meshes/', 'filename="../meshes/'));
  writeFileSync(join(root, 'urdf/pkg.urdf'), urdf.replaceAll('filename="meshes/', 'filename="package://g1_description/meshes/'));
  const mjcf = readFileSync(`${G1}/g1_29dof_rev_1_0.xml`, 'utf8');
  writeFileSync(join(root, 'mjcf/up.xml'), mjcf.replace('meshdir="meshes"', 'meshdir="../meshes"'));
  return root;
}

const run = async (robot: string, engine: string) => {
  const r = await evalMain(['--robot', robot, '--policy', POLICY, '--engine', engine, '--seconds', '0.5', '--json', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  const j = JSON.parse(withoutTiming(r.stdout)) as Record<string, unknown>;
  delete j.ms_per_control_step; // wall clock
  return JSON.stringify(j);
};

describe('robot layouts with meshes above the robot file', () => {
  it('legged_gym ../meshes, ROS package://, MJCF meshdir="../meshes": read and run as the G1 from its folder', async () => {
    const root = layout();
    expect(Object.keys(readRobot(join(root, 'urdf/up.urdf')).files ?? {}).filter((k) => k.startsWith('../meshes/'))).toHaveLength(35);
    const urdf = await run(`${G1}/g1_29dof_rev_1_0.urdf`, 'rapier');
    expect(await run(join(root, 'urdf/up.urdf'), 'rapier')).toBe(urdf.replaceAll('g1_29dof_rev_1_0.urdf', 'up.urdf'));
    expect(await run(join(root, 'urdf/pkg.urdf'), 'rapier')).toBe(urdf.replaceAll('g1_29dof_rev_1_0.urdf', 'pkg.urdf'));
    for (const engine of ['rapier', 'mujoco']) {
      const own = await run(`${G1}/g1_29dof_rev_1_0.xml`, engine);
      expect(await run(join(root, 'mjcf/up.xml'), engine), engine).toBe(own.replaceAll('g1_29dof_rev_1_0.xml', 'up.xml'));
    }
  }, 240_000);

  it('the same folders dropped in the app: each description loads with the meshes one folder up', () => {
    const root = layout();
    const { file, meshes } = droppedFolder(root, 'g1_description');
    const assets = new AssetRegistry();
    const { added, errors } = assets.addFiles([file('urdf/up.urdf'), file('urdf/pkg.urdf'), file('mjcf/up.xml'), ...meshes], null);
    expect(errors).toEqual([]);
    expect(added.map((r) => r.files[0].path.split('/').pop())).toEqual(['up.urdf', 'pkg.urdf', 'up.xml']);
    for (const r of added) expect(assets.robotOf(r.id).joints).toHaveLength(29);
  });
});
