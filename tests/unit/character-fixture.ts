/**
 * The SMPL characters (public/robots/smpl24-{hinge,ball}.xml) and a CMU clip retargeted to them, tracked by the
 * built-in controller: shared by character-smpl.test.ts and bench/character.bench.ts.
 */
import { readFileSync } from 'node:fs';
import { runEpisodes, type EpisodesOutcome } from '../../src/core/evaluation/loop';
import type { EpisodeMetrics } from '../../src/core/evaluation/metrics';
import { nominalScenario } from '../../src/core/evaluation/scenario';
import { loadMjcf } from '../../src/core/model/mjcf';
import type { RobotModel } from '../../src/core/model/types';
import { parseBvh } from '../../src/core/motion/bvh';
import { retargetBvhDetailed } from '../../src/core/motion/retarget';
import type { MotionClip } from '../../src/core/motion/types';
import type { PhysicsEngine } from '../../src/core/physics/types';

export const SMPL_BVH = '09_01.bvh';

export const loadSmpl = (v: 'hinge' | 'ball'): RobotModel =>
  loadMjcf(readFileSync(`public/robots/smpl24-${v}.xml`, 'utf8'), `smpl24-${v}.xml`);

/** The CMU clip retargeted to `model` at 50 fps by motions/retarget/cmu-smpl24.json. */
export function smplClip(model: RobotModel): ReturnType<typeof retargetBvhDetailed> {
  const config = JSON.parse(readFileSync('motions/retarget/cmu-smpl24.json', 'utf8')) as unknown;
  const bvh = parseBvh(readFileSync(`../shared/assets/bvh/${SMPL_BVH}`, 'utf8'), SMPL_BVH);
  return retargetBvhDetailed(bvh, model, config, SMPL_BVH, { fps: 50 });
}

/** One nominal episode of `clip` tracked by the built-in controller (assist 1), physics 5 ms, control 50 Hz. */
export async function trackBuiltIn(
  model: RobotModel,
  raw: PhysicsEngine,
  clip: MotionClip,
): Promise<{ outcome: EpisodesOutcome; metrics: EpisodeMetrics }> {
  const o = await runEpisodes({
    model,
    raw,
    driver: 'reference',
    config: null,
    clip,
    scenario: nominalScenario(),
    episodes: [0],
    physicsDt: 0.005,
    decimation: 4,
    start: 'reference',
    assist: 1,
  });
  const info = { survived_s: o.survived[0], clip_s: o.evalSeconds, termination: o.termination[0], non_finite_actions: 0 };
  return { outcome: o, metrics: o.acc.result(0, info) };
}
