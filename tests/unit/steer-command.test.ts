// The app's steering command (src/app/steer/command.ts): stick deadzone, summing inputs, clamping to the
// policy's ranges with the clamp reported, and which policies are steerable (the real holosoma G1 walker is;
// the dance policy is not).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clampToRanges, deadzone, isLocomotion, REQUEST_MAX, requested } from '../../src/app/steer/command';
import { loadPolicyConfig } from '../../src/core/evaluation/setup';
import { locoPolicy, robots } from './loco-helpers';

const ranges = { vx: [-1, 1] as [number, number], vy: [-0.5, 0.5] as [number, number], wz: [-1, 1] as [number, number] };

describe('steering command', () => {
  it('deadzone: inside is zero, outside rescaled to reach 1 at full deflection', () => {
    expect(deadzone(0.1, 0.05)).toEqual([0, 0]);
    const [x, y] = deadzone(1, 0);
    expect(x).toBeCloseTo(1, 9);
    expect(y).toBe(0);
    const [a, b] = deadzone(0, -0.575); // halfway between the deadzone (0.15) and 1
    expect(a).toBeCloseTo(0, 9);
    expect(b).toBeCloseTo(-0.5, 9);
  });

  it('inputs sum, each axis clipped to full deflection, scaled by REQUEST_MAX', () => {
    const r = requested([
      [0.5, 0, 0],
      [0.8, -0.2, 1],
      [0, 0, 0.5],
    ]);
    expect(r[0]).toBeCloseTo(REQUEST_MAX[0], 9);
    expect(r[1]).toBeCloseTo(-0.2 * REQUEST_MAX[1], 9);
    expect(r[2]).toBeCloseTo(REQUEST_MAX[2], 9);
  });

  it('clamps to the ranges and reports each clamped axis; no ranges: as asked', () => {
    const { used, clamps } = clampToRanges([1.2, 0.3, -1.5], ranges);
    expect(used).toEqual([1, 0.3, -1]);
    expect(clamps).toEqual([
      { axis: 'vx', asked: 1.2, used: 1, range: [-1, 1] },
      { axis: 'wz', asked: -1.5, used: -1, range: [-1, 1] },
    ]);
    expect(clampToRanges([3, 0, 0], null)).toEqual({ used: [3, 0, 0], clamps: [] });
  });

  it('the holosoma walker is steerable (ranges ±1 from its metadata); the dance policy is not', () => {
    const walker = loadPolicyConfig(locoPolicy('g1', 'fastsac'), robots.g1);
    expect(isLocomotion(walker)).toBe(true);
    expect(walker.commandRanges).toEqual({ vx: [-1, 1], vy: [-1, 1], wz: [-1, 1] });
    const dir = '../shared/assets/policies/g1-dance-102';
    const dance = loadPolicyConfig(
      { bytes: new Uint8Array(readFileSync(`${dir}/policy.onnx`)), file: 'policy.onnx', yaml: readFileSync(`${dir}/deploy.yaml`, 'utf8') },
      robots.g1,
    );
    expect(isLocomotion(dance)).toBe(false);
  });
});
