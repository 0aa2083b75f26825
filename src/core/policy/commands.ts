/**
 * Velocity commands of locomotion policies: a command track (times → [vx, vy, wz], body frame, m/s and rad/s;
 * linear interpolation or steps; a constant is a track of one key), clamped to the policy's command ranges
 * (holosoma `command_ranges` metadata, deploy.yaml `commands.base_velocity.ranges`) with every clamp counted
 * and the first ones reported. The controller writes ctx.command each control step from a CommandSource.
 * A locomotion policy has no clip: its reference is the commanded motion (commandedClip: the default pose
 * carried along the integrated command), so errors and the start alignment have something to refer to.
 */
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import type { MotionClip } from '../motion/types';
import type { BatchState } from '../physics/types';
import { HEADING_STIFFNESS, headingYawRate, yawOf } from './heading';
import { parseYamlText } from './sources';
import { defaultPose, standingHeight } from './start';

export type Command = [number, number, number];
export interface CommandKey {
  t: number;
  vx: number;
  vy: number;
  wz: number;
  /** world heading target (rad) held closed loop by the command source (heading.ts); wz is then feed-forward */
  heading?: number;
}
export interface CommandRanges {
  vx: [number, number];
  vy: [number, number];
  wz: [number, number];
}
export type Interp = 'linear' | 'step';
export interface ClampReport {
  t: number;
  axis: 'vx' | 'vy' | 'wz';
  asked: number;
  used: number;
  range: [number, number];
}

const AXES = ['vx', 'vy', 'wz'] as const;

/** A command track; keys sorted by time, each a finite number (named errors otherwise). */
export class CommandTrack {
  readonly keys: CommandKey[];
  constructor(
    keys: CommandKey[],
    readonly interp: Interp = 'linear',
    readonly file = '<commands>',
  ) {
    if (!keys.length) fail('PolicyError', file, 'commands', 'a command track needs at least one key {t, vx, vy, wz}');
    keys.forEach((k, i) => {
      for (const f of ['t', ...AXES] as const) {
        if (typeof k[f] !== 'number' || !Number.isFinite(k[f]))
          fail('PolicyError', file, `commands[${i}].${f}`, `expected a finite number (got ${JSON.stringify(k[f])})`);
      }
      if (k.heading !== undefined && (typeof k.heading !== 'number' || !Number.isFinite(k.heading)))
        fail('PolicyError', file, `commands[${i}].heading`, `expected a finite number, rad (got ${JSON.stringify(k.heading)})`);
      if (i > 0 && k.t < keys[i - 1].t)
        fail('PolicyError', file, `commands[${i}].t`, `times must not decrease (${k.t} after ${keys[i - 1].t})`);
    });
    const some = keys.some((k) => k.heading !== undefined);
    if (some && keys.some((k) => k.heading === undefined)) {
      const i = keys.findIndex((k) => k.heading === undefined);
      fail('PolicyError', file, `commands[${i}].heading`, 'either every key has a heading or none (heading_hold fills them)');
    }
    this.keys = keys.map((k) => ({ t: k.t, vx: k.vx, vy: k.vy, wz: k.wz, ...(some ? { heading: k.heading } : {}) }));
  }

  /** true when the keys carry heading targets */
  get hasHeading(): boolean {
    return this.keys[0].heading !== undefined;
  }

  /**
   * The same track with heading targets: each key's heading is the integral of the track's wz from 0 (the
   * start heading) — exact for linear and step tracks. A track that has headings is returned as it is.
   */
  withHeadings(start = 0): CommandTrack {
    if (this.hasHeading) return this;
    let h = start;
    const keys = this.keys.map((k, i) => {
      if (i > 0) {
        const a = this.keys[i - 1];
        h += this.interp === 'step' ? a.wz * (k.t - a.t) : ((a.wz + k.wz) / 2) * (k.t - a.t);
      }
      return { ...k, heading: h };
    });
    return new CommandTrack(keys, this.interp, this.file);
  }

  /**
   * The heading target at time t, or null when the track has none: linear tracks interpolate the keys' headings;
   * a step key (and the last key) goes on from its heading at its wz, so a constant command with wz turns.
   */
  headingAt(t: number): number | null {
    if (this.keys[0].heading === undefined) return null;
    const [a, b] = this.around(t);
    // past the last key, or holding a step key: on from its heading at its wz
    if (!b || this.interp === 'step') return a.heading! + a.wz * Math.max(0, t - a.t);
    if (t <= a.t) return a.heading!;
    return a.heading! + ((b.heading! - a.heading!) * (t - a.t)) / Math.max(b.t - a.t, 1e-9);
  }

  /** The last key at or before t (else the first) and the key after it (undefined past the last). */
  private around(t: number): [CommandKey, CommandKey | undefined] {
    const k = this.keys;
    let i = 0;
    while (i + 1 < k.length && k[i + 1].t <= t) i++;
    return [k[i], k[i + 1]];
  }

  static constant(c: Command): CommandTrack {
    return new CommandTrack([{ t: 0, vx: c[0], vy: c[1], wz: c[2] }]);
  }

  /** The command at time t (before the first key: the first; after the last: the last). */
  at(t: number): Command {
    const [a, b] = this.around(t);
    if (!b || this.interp === 'step' || t <= a.t) return [a.vx, a.vy, a.wz];
    const u = (t - a.t) / Math.max(b.t - a.t, 1e-9);
    return [a.vx + (b.vx - a.vx) * u, a.vy + (b.vy - a.vy) * u, a.wz + (b.wz - a.wz) * u];
  }
}

/** Parse a scenario's `commands: [{t, vx, vy, wz, heading?}]` (+ optional `interp`). */
export function parseCommandTrack(v: unknown, file: string, interp: unknown = 'linear'): CommandTrack {
  if (!Array.isArray(v)) fail('PolicyError', file, 'commands', 'expected a list of {t, vx, vy, wz}');
  if (interp !== 'linear' && interp !== 'step')
    fail('PolicyError', file, 'interp', `expected "linear" or "step" (got ${JSON.stringify(interp)})`);
  const keys = (v as unknown[]).map((k, i) => {
    if (!k || typeof k !== 'object') fail('PolicyError', file, `commands[${i}]`, 'expected an object {t, vx, vy, wz}');
    const o = k as Record<string, unknown>;
    return { t: o.t, vx: o.vx ?? 0, vy: o.vy ?? 0, wz: o.wz ?? 0, ...('heading' in o ? { heading: o.heading } : {}) } as CommandKey;
  });
  return new CommandTrack(keys, interp as Interp, file);
}

/** Parse "VX,VY,WZ" (the CLI's --command). */
export function parseCommandArg(s: string, where = '--command'): Command {
  const p = s.split(',').map((x) => Number(x.trim()));
  if (p.length !== 3 || p.some((x) => !Number.isFinite(x)))
    fail('PolicyError', '<args>', where, `expected VX,VY,WZ (three numbers), got "${s}"`);
  return p as Command;
}

function range(v: unknown, file: string, where: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)) || v[0] > v[1]) {
    return fail('PolicyError', file, where, `expected [low, high] with low <= high (got ${JSON.stringify(v)})`);
  }
  const [lo, hi] = v as [number, number];
  return [lo, hi];
}

/** Ranges from holosoma's `command_ranges` metadata (JSON text) or deploy.yaml's ranges object (lin_vel_x, lin_vel_y, ang_vel_z|ang_vel_yaw). */
export function commandRangesOf(v: unknown, file: string, where: string): CommandRanges {
  let o = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v);
    } catch {
      return fail('ParseError', file, where, 'not valid JSON');
    }
  }
  if (!o || typeof o !== 'object') return fail('PolicyError', file, where, 'expected an object of ranges');
  const r = o as Record<string, unknown>;
  const wz = r.ang_vel_yaw !== undefined ? 'ang_vel_yaw' : 'ang_vel_z';
  return {
    vx: range(r.lin_vel_x, file, `${where}.lin_vel_x`),
    vy: range(r.lin_vel_y, file, `${where}.lin_vel_y`),
    wz: range(r[wz], file, `${where}.${wz}`),
  };
}

/** The commands of n envs (one track each, or one for all), clamped to the ranges; writes ctx.command. */
export class CommandSource {
  /** (env, control step, axis) clamps */
  clampCount = 0;
  /** the first clamps (at most 8) */
  readonly clamps: ClampReport[] = [];
  /** the state read for heading hold (follow); null: tracks with headings run open loop on their wz */
  private state: BatchState | null = null;
  private stiffness = HEADING_STIFFNESS;
  constructor(
    readonly tracks: CommandTrack | CommandTrack[],
    readonly ranges: CommandRanges | null = null,
  ) {}

  /**
   * Hold the tracks' headings closed loop from now on: wz = the track's wz + stiffness × wrapped error against
   * the root yaw read from `state` (the engine's live state), clipped to the wz range (heading.ts). The
   * episode loops call it once after making the source; tracks without headings are unaffected.
   */
  follow(state: BatchState, stiffness = HEADING_STIFFNESS): this {
    this.state = state;
    this.stiffness = stiffness;
    return this;
  }

  trackOf(e: number): CommandTrack {
    return Array.isArray(this.tracks) ? this.tracks[Math.min(e, this.tracks.length - 1)] : this.tracks;
  }

  /**
   * The clamped command of env e at time t. `state` (the episode loop passes the state the policy acts on) turns
   * heading hold on for tracks that carry headings, as `follow` does.
   */
  at(e: number, t: number, state?: BatchState): Command {
    const track = this.trackOf(e),
      live = this.state ?? state ?? null,
      c = track.at(t),
      h = live ? track.headingAt(t) : null;
    if (h !== null) c[2] = headingYawRate(h, yawOf(live!.rootQuat, e * 4), c[2], this.stiffness, this.ranges?.wz ?? null);
    if (!this.ranges) return c;
    AXES.forEach((ax, k) => {
      const [lo, hi] = this.ranges![ax];
      const used = Math.min(Math.max(c[k], lo), hi);
      if (used !== c[k]) {
        this.clampCount++;
        if (this.clamps.length < 8) this.clamps.push({ t, axis: ax, asked: c[k], used, range: [lo, hi] });
        c[k] = used;
      }
    });
    return c;
  }
}

/**
 * The commanded motion as a clip: the policy's default pose, the root carried along the integrated command
 * (body-frame velocities rotated by the integrated yaw), at `fps` for `seconds` (ranges applied, not counted).
 */
export function commandedClip(
  model: RobotModel,
  config: { jointNames: string[]; defaultJointPos: number[] },
  src: CommandSource,
  seconds: number,
  fps = 50,
): MotionClip {
  const q = defaultPose(model, config),
    nj = q.length,
    n = Math.max(2, Math.ceil(seconds * fps) + 1);
  const z = standingHeight(model, q),
    dt = 1 / fps;
  const rootPos = new Float32Array(n * 3),
    rootQuat = new Float32Array(n * 4),
    jointPos = new Float32Array(n * nj);
  const probe = new CommandSource(src.tracks, src.ranges);
  let x = 0,
    y = 0,
    yaw = 0;
  for (let i = 0; i < n; i++) {
    rootPos.set([x, y, z], i * 3);
    rootQuat.set([Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)], i * 4);
    jointPos.set(q, i * nj);
    const [vx, vy, wz] = probe.at(0, i * dt);
    x += (Math.cos(yaw) * vx - Math.sin(yaw) * vy) * dt;
    y += (Math.sin(yaw) * vx + Math.cos(yaw) * vy) * dt;
    yaw += wz * dt;
  }
  return { name: 'commanded motion', fps, nFrames: n, jointNames: model.joints.map((j) => j.name), rootPos, rootQuat, jointPos };
}

/** deploy.yaml's `commands.base_velocity.ranges` (mjlab / Isaac Lab exports), or null when it has none. */
export function rangesFromDeployYaml(text: string, file: string): CommandRanges | null {
  const y = parseYamlText(text, file) as { commands?: { base_velocity?: { ranges?: unknown } } };
  const r = y.commands?.base_velocity?.ranges;
  return r === undefined ? null : commandRangesOf(r, file, 'commands.base_velocity.ranges');
}
