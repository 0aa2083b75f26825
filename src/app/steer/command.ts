/**
 * The steering command: inputs (keyboard, gamepad, on-screen joystick) each give a deflection in [-1, 1] per axis;
 * their sum (clipped to [-1, 1]) × REQUEST_MAX is the requested body-frame command [vx, vy, wz] (m/s, rad/s),
 * clamped to the policy's command ranges with every clamped axis reported (shown on screen).
 */
import type { CommandRanges } from '../../core/policy/commands';
import type { PolicyConfig } from '../../core/policy/config';

export type Vec3 = [number, number, number];
export const AXES = ['vx', 'vy', 'wz'] as const;
export type Axis = (typeof AXES)[number];

/** A full deflection requests this much (above the holosoma ranges of ±1, so full deflection shows the clamp). */
export const REQUEST_MAX: Vec3 = [1.2, 0.6, 1.5];
/** Stick deadzone (radial, on each stick's magnitude). */
export const DEADZONE = 0.15;

export interface Clamp {
  axis: Axis;
  asked: number;
  used: number;
  range: [number, number];
}

/** A stick's (x, y) with a radial deadzone, rescaled so the edge of the deadzone is 0 and full deflection 1. */
export function deadzone(x: number, y: number, dz = DEADZONE): [number, number] {
  const m = Math.hypot(x, y);
  if (m <= dz) return [0, 0];
  const k = Math.min(1, (m - dz) / (1 - dz)) / m;
  return [x * k, y * k];
}

/** The requested command from the inputs' deflections (summed, each axis clipped to [-1, 1]). */
export function requested(deflections: Vec3[]): Vec3 {
  const out: Vec3 = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const s = deflections.reduce((a, d) => a + d[k], 0);
    out[k] = Math.min(1, Math.max(-1, s)) * REQUEST_MAX[k];
  }
  return out;
}

/** The command clamped to the ranges (none: as asked), with the clamped axes. */
export function clampToRanges(asked: Vec3, ranges: CommandRanges | null): { used: Vec3; clamps: Clamp[] } {
  const used: Vec3 = [...asked];
  const clamps: Clamp[] = [];
  if (!ranges) return { used, clamps };
  AXES.forEach((axis, k) => {
    const [lo, hi] = ranges[axis];
    used[k] = Math.min(Math.max(asked[k], lo), hi);
    if (used[k] !== asked[k]) clamps.push({ axis, asked: asked[k], used: used[k], range: [lo, hi] });
  });
  return { used, clamps };
}

const COMMAND_TERMS = new Set(['velocity_commands', 'command_lin_vel', 'command_ang_vel']);

/** A velocity-command (locomotion) policy: it has command ranges or reads a velocity command. */
export function isLocomotion(cfg: PolicyConfig): boolean {
  return !!cfg.commandRanges || cfg.observations.some((o) => COMMAND_TERMS.has(o.term));
}
