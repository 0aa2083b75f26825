// Velocity commands, bad input: a command outside the policy's ranges is clamped and reported; a policy
// whose joints the robot lacks is named; a scenario command track's keys are checked by position.
// (The walks of the square: loco-square-*.test.ts.)
import { describe, expect, it } from 'vitest';
import { CommandTrack, parseCommandTrack } from '../../src/core/policy/commands';
import { runLocomotion } from '../../src/core/policy/locomotion';
import { evalMain } from './eval-cli-inproc';
import { cliArgs } from './eval-cli-spawn';
import { A, locoPolicy, robots } from './loco-helpers';

describe('commands: bad input', () => {
  it('a command outside the ranges is clamped to them and reported', async () => {
    const res = await runLocomotion({
      model: robots.g1,
      engine: 'mujoco',
      policy: locoPolicy('g1', 'ppo'),
      commands: CommandTrack.constant([2.5, 0, -3]),
      seconds: 0.1,
    });
    expect(res.command_ranges).toEqual({ vx: [-1, 1], vy: [-1, 1], wz: [-1, 1] });
    expect(res.command_clamps).toBe(10); // 5 control steps × 2 axes
    expect(res.clamps[0]).toMatchObject({ axis: 'vx', asked: 2.5, used: 1, range: [-1, 1] });
    expect(res.clamps[1]).toMatchObject({ axis: 'wz', asked: -3, used: -1 });
  });

  it('a policy whose joints the robot lacks is named (the G1 walker on the T1)', async () => {
    await expect(
      runLocomotion({
        model: robots.t1,
        engine: 'mujoco',
        policy: locoPolicy('g1', 'ppo'),
        commands: CommandTrack.constant([0, 0, 0]),
        seconds: 0.1,
      }),
    ).rejects.toThrow(/ppo_g1_29dof\.onnx at metadata_props\.dof_names: 29 policy joint\(s\) the robot "\S+" lacks: left_hip_pitch_joint/);
  });

  it('a scenario command track: keys checked by name and position', () => {
    expect(() => parseCommandTrack([{ t: 0, vx: 0.5 }, { t: 'x' }], 'walk.json')).toThrow(/walk\.json at commands\[1\]\.t/);
    expect(() => parseCommandTrack([{ t: 1 }, { t: 0 }], 'walk.json')).toThrow(/commands\[1\]\.t.*must not decrease/);
    const ramp = [
      { t: 0, vx: 0 },
      { t: 1, vx: 1 },
    ];
    expect(parseCommandTrack(ramp, 'w.json').at(0.25)).toEqual([0.25, 0, 0]);
    expect(parseCommandTrack(ramp, 'w.json', 'step').at(0.75)).toEqual([0, 0, 0]);
  });
});

describe('CLI: npm run eval -- --command', () => {
  // main of src/cli/eval.ts in this process (eval-cli-inproc.ts); the process entry is checked by eval-cli.test.ts
  it('a constant command on the T1 prints cmd_vel_err_m_s and yaw_rate_err_rad_s; a clamp is reported', async () => {
    const run = await evalMain(
      cliArgs({
        robot: `${A}/t1/t1_29dof.xml`,
        policy: `${A}/policies/holosoma-loco-t1/ppo_t1_29dof.onnx`,
        engine: 'mujoco',
        command: '1.5,0,0',
        seconds: 1.5,
        json: true,
      }),
    );
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r.robot).toBe('T1');
    expect(r.fall).toBeNull();
    expect(r.cmd_vel_err_m_s).toBeGreaterThan(0);
    expect(r.cmd_vel_err_m_s).toBeLessThan(1);
    expect(typeof r.yaw_rate_err_rad_s).toBe('number');
    expect(r.clamps[0]).toMatchObject({ axis: 'vx', asked: 1.5, used: 1 });
  }, 120_000);
});

describe('command ranges from deploy.yaml', () => {
  it('commands.base_velocity.ranges (ang_vel_z) are read; a bad range is named with its key path', async () => {
    const { rangesFromDeployYaml } = await import('../../src/core/policy/commands');
    const y =
      'commands:\n  base_velocity:\n    ranges:\n      lin_vel_x: [-0.5, 1.5]\n      lin_vel_y: [-0.3, 0.3]\n      ang_vel_z: [-1.2, 1.2]\n';
    expect(rangesFromDeployYaml(y, 'deploy.yaml')).toEqual({ vx: [-0.5, 1.5], vy: [-0.3, 0.3], wz: [-1.2, 1.2] });
    expect(rangesFromDeployYaml('joint_ids_map: [0]\n', 'deploy.yaml')).toBeNull();
    expect(() => rangesFromDeployYaml(y.replace('[-0.3, 0.3]', '[0.3, -0.3]'), 'deploy.yaml')).toThrow(
      /deploy\.yaml at commands\.base_velocity\.ranges\.lin_vel_y: expected \[low, high\]/,
    );
  });
});

describe('the observation a holosoma walker sees', () => {
  // sorted terms: actions 29 | base_ang_vel 3 | command_ang_vel 1 (@32) | command_lin_vel 2 (@33) | cos_phase 2 (@35) | dof_pos 29 | dof_vel 29 | projected_gravity 3 | sin_phase 2 (@98)
  const seen = async (cmd: [number, number, number]) => {
    const rows: number[][] = [];
    await runLocomotion({
      model: robots.g1,
      engine: 'mujoco',
      policy: locoPolicy('g1', 'ppo'),
      commands: CommandTrack.constant(cmd),
      seconds: 0.2,
      onStep: (_t, c) => {
        rows.push([c.obs[32], c.obs[33], c.obs[34], c.obs[35], c.obs[36], c.obs[98], c.obs[99]]);
      },
    });
    return rows;
  };
  it('walking: the command, and the gait clock from (0, π) at 2π·0.02 s / 1 s per step', async () => {
    const rows = await seen([0.5, -0.2, 0.3]);
    rows.forEach((r, k) => {
      const a = 2 * Math.PI * 0.02 * k;
      expect(r.slice(0, 3).map((x) => +x.toFixed(5))).toEqual([0.3, 0.5, -0.2]);
      expect(r[5]).toBeCloseTo(Math.sin(a), 5); // left foot
      expect(r[6]).toBeCloseTo(Math.sin(a + Math.PI), 5); // right foot, half a period behind
      expect(r[3]).toBeCloseTo(Math.cos(a), 5);
    });
  });
  it('a zero command stands: both feet at π', async () => {
    const rows = await seen([0, 0, 0]);
    for (const r of rows.slice(1)) {
      expect(r[3]).toBeCloseTo(-1, 5);
      expect(r[4]).toBeCloseTo(-1, 5);
      expect(r[5]).toBeCloseTo(0, 5);
      expect(r[6]).toBeCloseTo(0, 5);
    }
  });
});
