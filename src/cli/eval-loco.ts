/**
 * `npm run eval` for velocity-command (locomotion) policies: `--command VX,VY,WZ` (body frame, m/s, rad/s) or a
 * `--scenario` file with `commands: [{t, vx, vy, wz}]` (seeds/README.md) runs each policy × engine for
 * --seconds (default: the track's end + 1 s, or 10 s for a constant command) with a fall as the only
 * termination, and prints survived_s, cmd_vel_err_m_s (mean planar velocity error after the first second),
 * yaw_rate_err_rad_s and the command clamps. `--heading-hold` (or a track whose keys carry `heading`) holds the
 * heading closed loop (core/policy/heading.ts) and adds heading_end_err_rad (end yaw − the last heading target).
 */
import { MimicError } from '../core/errors';
import { loadRobotSource } from '../core/evaluation/setup';
import type { CommandTrack } from '../core/policy/commands';
import { wrapAngle } from '../core/policy/heading';
import { runLocomotion, type LocomotionResult } from '../core/policy/locomotion';
import { readPolicy, readRobot, type CliOptions } from './eval-args';

export { locoTrack } from './eval-modes';

export async function runLocoCli(o: CliOptions, track: CommandTrack): Promise<number> {
  if (!o.policies.length) throw new MimicError('PolicyError', '<args>', '--policy', 'a velocity command needs a locomotion policy');
  const robotSrc = readRobot(o.robot),
    model = loadRobotSource(robotSrc);
  const last = track.keys[track.keys.length - 1].t;
  const seconds = o.seconds ?? (track.keys.length > 1 ? last + 1 : 10);
  const hold = track.hasHeading,
    lastHeading = track.headingAt(seconds);
  const runs: (LocomotionResult & { robot: string; survived: boolean; heading_hold: boolean; heading_end_err_rad: number | null })[] = [];
  for (const p of o.policies) {
    const policy = readPolicy(p, o.configs[0]);
    for (const engine of o.engines) {
      const r = await runLocomotion({ model, engine, policy, commands: track, seconds });
      const headErr = lastHeading === null ? null : wrapAngle(r.end.yaw - lastHeading);
      runs.push({ robot: model.name, survived: !r.fall, heading_hold: hold, heading_end_err_rad: headErr, ...r });
    }
  }
  if (o.json) process.stdout.write(JSON.stringify(runs.length === 1 ? runs[0] : { runs }) + '\n');
  else {
    for (const r of runs) {
      process.stdout.write(
        `${r.policy} · ${r.engine}: ${r.fall ? `fell at ${r.fall.t.toFixed(2)} s (${r.fall.reason})` : 'no fall'}, survived ${r.survived_s.toFixed(2)} / ${seconds} s, ` +
          `cmd_vel_err ${r.cmd_vel_err_m_s?.toFixed(3)} m/s, yaw_rate_err ${r.yaw_rate_err_rad_s?.toFixed(3)} rad/s` +
          `${r.heading_end_err_rad !== null ? `, heading hold: end heading error ${r.heading_end_err_rad.toFixed(3)} rad` : ''}` +
          `${r.command_clamps ? `, ${r.command_clamps} command value(s) clamped to the ranges` : ''}\n`,
      );
    }
  }
  return 0;
}
