// Worker messages: a plan's robot / policy / clip travel to a worker once; later batches carry keys only.
import { describe, expect, it } from 'vitest';
import type { BatchJob } from '../../src/core/evaluation/episode';
import { nominalScenario } from '../../src/core/evaluation/scenario';
import { packJob, unpackJob } from '../../src/core/evaluation/transfer';

const robot = { file: 'r.xml', text: '<mujoco/>', files: { 'meshes/a.stl': new Uint8Array(1000).fill(7) } };
const policy = { file: 'p.onnx', bytes: new Uint8Array([1, 2, 3]), yaml: 'a: 1' };
const clip = { file: 'c.csv', text: '0,0,0.8' };
const job = (episodes: number[], withPolicy = true): BatchJob => ({
  robot,
  clip,
  scenario: nominalScenario(1),
  episodes,
  seconds: 2,
  variant: { label: 'v', engine: 'rapier', ...(withPolicy ? { policy } : { driver: 'reference' as const }) },
});

describe('evaluation worker messages', () => {
  it('sends each input once per worker and rebuilds every job exactly (through a structured clone)', () => {
    const sent = new Set<string>(),
      cache = new Map<string, unknown>();
    const m1 = structuredClone(packJob(job([0, 1]), sent));
    const m2 = structuredClone(packJob(job([2, 3]), sent));
    expect(Object.keys(m1.shared)).toHaveLength(3);
    expect(Object.keys(m2.shared)).toHaveLength(0); // keys only
    expect(JSON.stringify(m2).length).toBeLessThan(JSON.stringify(m1).length / 2);
    for (const [m, eps] of [
      [m1, [0, 1]],
      [m2, [2, 3]],
    ] as const) {
      const j = unpackJob(m, cache);
      expect(j.episodes).toEqual(eps);
      expect(j.robot.files!['meshes/a.stl']).toEqual(robot.files['meshes/a.stl']);
      expect(j.variant.policy!.bytes).toEqual(policy.bytes);
      expect(j.clip).toEqual(clip);
      expect(j.scenario).toEqual(job([]).scenario);
    }
    // another worker gets the payloads again; a job without a policy has none
    const other = packJob(job([4], false), new Set());
    expect(Object.keys(other.shared)).toHaveLength(2);
    expect(unpackJob(other, new Map()).variant.policy).toBeUndefined();
    // a worker that never received an input says so
    expect(() => unpackJob(m2, new Map())).toThrow(/never sent to this worker/);
  });
});
