// Shared by the locomotion tests: the two robots, the real holosoma exports, the square command track and
// one walk of the square reported as a table row.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadRobot } from '../../src/core/model/index';
import { CommandTrack } from '../../src/core/policy/commands';
import { loadPolicyConfig } from '../../src/core/evaluation/setup';
import { makeEngine, runLocomotion, type LocomotionResult } from '../../src/core/policy/locomotion';
import type { PolicyController } from '../../src/core/policy/controller';
import type { PhysicsEngine } from '../../src/core/physics/types';
import { policySkill, type Skill } from '../../src/core/policy/skills';

export const A = '../shared/assets';
export const robots = {
  g1: loadRobot('g1_29dof_rev_1_0.xml', readFileSync(`${A}/g1/g1_29dof_rev_1_0.xml`, 'utf8')),
  t1: loadRobot('t1_29dof.xml', readFileSync(`${A}/t1/t1_29dof.xml`, 'utf8')),
};
export const locoPolicy = (r: 'g1' | 't1', p: string) => {
  const file = `${p}_${r}_29dof.onnx`;
  return { bytes: new Uint8Array(readFileSync(`${A}/policies/holosoma-loco-${r}/${file}`)), file };
};

/** a track's length plus 0.5 s to settle */
export const trackSeconds = (track: CommandTrack): number => track.keys[track.keys.length - 1].t + 0.5;

/** Walk a command track (for trackSeconds) with one holosoma policy on one robot × engine; onStep sees each step. */
export function walkTrack(
  r: 'g1' | 't1',
  engine: 'rapier' | 'mujoco',
  p: string,
  track: CommandTrack,
  onStep: (ctl: PolicyController) => void,
): Promise<LocomotionResult> {
  return runLocomotion({
    model: robots[r],
    engine,
    policy: locoPolicy(r, p),
    commands: track,
    seconds: trackSeconds(track),
    onStep: (_t, ctl) => onStep(ctl),
  });
}

export type ItFn = (name: string, f: () => Promise<void>, timeout: number) => void;
export type AfterAllFn = (f: () => void) => void;

/** One test per holosoma policy (fastsac, ppo); the rows are printed after both. */
export function perPolicy(
  it: ItFn,
  afterAll: AfterAllFn,
  rows: string[],
  title: (p: string) => string,
  timeout: number,
  body: (p: string) => Promise<void>,
): void {
  for (const p of ['fastsac', 'ppo']) it(title(p), () => body(p), timeout);
  afterAll(() => console.log(rows.join('\n')));
}

/** 2 m sides at 0.8 m/s, 90° turns in place at 1 rad/s, 0.2 s linear ramps between. */
export function square(): CommandTrack {
  const keys: { t: number; vx: number; vy: number; wz: number }[] = [];
  let t = 0;
  const hold = (vx: number, wz: number, d: number) => {
    keys.push({ t, vx, vy: 0, wz }, { t: t + d - 0.2, vx, vy: 0, wz });
    t += d;
  };
  for (let side = 0; side < 4; side++) {
    hold(0.8, 0, 2.5);
    if (side < 3) hold(0, 1, Math.PI / 2 + 0.2);
  }
  keys.push({ t, vx: 0, vy: 0, wz: 0 });
  return new CommandTrack(keys, 'linear');
}

export const HEADER = 'robot engine  policy  survived_s cmd_vel_err_m_s yaw_rate_err_rad_s path_m turned_rad end_xy_m';

/** Walk the square; assert no fall and that it walked; return the table row. */
export async function walkSquare(r: 'g1' | 't1', engine: 'rapier' | 'mujoco', p: string): Promise<string> {
  const track = square(),
    seconds = trackSeconds(track);
  let path = 0,
    turned = 0,
    last: number[] | null = null;
  const res = await walkTrack(r, engine, p, track, (ctl) => {
    const s = ctl.engine.state,
      q = s.rootQuat,
      yaw = Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]));
    if (last) {
      path += Math.hypot(s.rootPos[0] - last[0], s.rootPos[1] - last[1]);
      turned += Math.atan2(Math.sin(yaw - last[2]), Math.cos(yaw - last[2]));
    }
    last = [s.rootPos[0], s.rootPos[1], yaw];
  });
  const row =
    `${r}     ${engine.padEnd(7)} ${p.padEnd(7)} ${res.survived_s.toFixed(2).padStart(10)} ${res.cmd_vel_err_m_s!.toFixed(3).padStart(15)} ` +
    `${res.yaw_rate_err_rad_s!.toFixed(3).padStart(18)} ${path.toFixed(2).padStart(6)} ${turned.toFixed(2).padStart(10)} (${res.end.x.toFixed(2)}, ${res.end.y.toFixed(2)})`;
  expect(res.fall, `${r} ${engine} ${p} fell: ${row}`).toBeNull();
  expect(res.survived_s).toBeCloseTo(seconds, 1);
  expect(path, `${r} ${engine} ${p} walked: ${row}`).toBeGreaterThan(5); // 8 m commanded
  expect(Math.abs(turned), `${r} ${engine} ${p} turned: ${row}`).toBeGreaterThan(3); // 3π/2 commanded
  expect(res.cmd_vel_err_m_s!).toBeLessThan(0.5);
  expect(res.yaw_rate_err_rad_s!).toBeLessThan(0.3);
  return row;
}

/** One test per policy: the robot walks the square on this engine (rows printed after both). */
export function squareSuite(r: 'g1' | 't1', engine: 'rapier' | 'mujoco', it: ItFn, afterAll: AfterAllFn): void {
  const rows = [HEADER];
  perPolicy(
    it,
    afterAll,
    rows,
    (p) => `${r} ${p} walks the 2 m square on ${engine} without a fall`,
    150_000, // 63 s measured with the machine loaded (as the heading suite)
    async (p) => {
      rows.push(await walkSquare(r, engine, p));
    },
  );
}

/** Free what a run of skills holds: each skill (its session), then the engine. */
export async function releaseAll(skills: Skill[], engine: { free(): void }): Promise<void> {
  for (const s of skills) await s.release();
  engine.free();
}

/** A walker skill: the locomotion policy on a constant forward command for `seconds`. */
export const walkSkill = (
  o: Omit<Parameters<typeof policySkill>[0], 'commands' | 'clip'> & { vx: number; seconds: number },
): ReturnType<typeof policySkill> => {
  const { vx, ...rest } = o;
  return policySkill({ ...rest, commands: CommandTrack.constant([vx, 0, 0]) });
};

/** The G1 FastSAC walker on a fresh engine, and walker skills on it (constant forward command). */
export async function g1WalkerRig(engineName: 'rapier' | 'mujoco') {
  const policy = locoPolicy('g1', 'fastsac'),
    model = robots.g1,
    config = loadPolicyConfig(policy, model);
  const engine = await makeEngine(model, engineName, config, []);
  const walk = (vx: number, seconds: number, name: string) => walkSkill({ model, engine, policy, config, vx, seconds, name });
  return { policy, config, engine, walk };
}

/** The G1 ppo walker as two standing skills on one engine: at its own 50 Hz ("walk 50 Hz") and at 25 Hz ("walk 25 Hz"). */
export async function twoRateWalkers(engineName: 'rapier' | 'mujoco'): Promise<{ engine: PhysicsEngine; a: Skill; b: Skill }> {
  const walker = locoPolicy('g1', 'ppo'),
    model = robots.g1,
    cfg = loadPolicyConfig(walker, model);
  const engine = await makeEngine(model, engineName, cfg, []);
  const commands = CommandTrack.constant([0, 0, 0]);
  const a = await policySkill({ model, engine, policy: walker, config: cfg, commands, name: 'walk 50 Hz' });
  const slow = { ...cfg, stepDt: 0.04, decimation: 8 };
  const b = await policySkill({ model, engine, policy: walker, config: slow, commands, name: 'walk 25 Hz' });
  return { engine, a, b };
}
