/**
 * What the Evaluate panel reads from the app (src/app/evaluation-tab.ts builds it from its store) and the
 * evaluation plan it builds from that: the robot, the policy, and the clips — a dropped dataset (clips.ts), the
 * policy's own reference (an embedded-reference or phase-conditioned export, like the CLI without `--motion`), or
 * the timeline's clips.
 */
import type { MotionClip } from '../../core/motion/types';
import type { EvalPlan } from '../../core/evaluation/plan';
import type { Scenario } from '../../core/evaluation/scenario';
import { loadPolicyConfig, loadRobotSource, type ClipSource, type EvalVariant, type RobotSource } from '../../core/evaluation/setup';
import type { EngineKind } from '../../core/evaluation/types';
import type { StartMode } from '../../core/policy/start';
import type { RawFile } from '../assets';
import { droppedClips, type DroppedClips } from './clips';

/** What the app gives the panel (src/app/evaluation-tab.ts builds it from its store). */
export interface EvaluationContext {
  getRobot(): { name: string; file: string; text: string; files: { path: string; bytes: Uint8Array }[] } | null;
  getPolicy(): { name: string; file: string; bytes: Uint8Array; yaml?: string; profile?: string } | null;
  getClips(): { id: string; name: string; clip: MotionClip }[];
  reportError?(e: unknown, context?: string): void;
  /** the app's store: its `assist` (built-in controller) is the default assist when no policy is loaded */
  store?: { getState(): { assist?: number } };
}

export interface PlanOptions {
  scenario: Scenario;
  episodes: number;
  envs: number;
  seconds?: number;
  engines: EngineKind[];
  assist?: number;
  start?: StartMode;
  /** files dropped on the panel (a dataset); their rate when a CSV name has none */
  dropped?: RawFile[];
  fps?: number;
}

/** The robot as plain data for the workers. */
function robotSource(ctx: EvaluationContext): RobotSource {
  const robot = ctx.getRobot();
  if (!robot) throw new Error('load a robot first');
  const files: Record<string, Uint8Array> = {};
  for (const f of robot.files.slice(1)) files[f.path] = f.bytes;
  return { file: robot.file, text: robot.text, files };
}

/** The run's clips: the dropped ones, else the policy's own reference, else the timeline's. */
function runClips(
  ctx: EvaluationContext,
  robot: RobotSource,
  o: PlanOptions,
): { clips: (ClipSource | MotionClip)[]; dataset?: DroppedClips; source: string } {
  const policy = ctx.getPolicy();
  if (o.dropped?.length) {
    const dataset = droppedClips(o.dropped, loadRobotSource(robot), o.fps);
    if (!dataset.sources.length)
      throw new Error(
        `none of the ${o.dropped.length} dropped file(s) is a readable clip${dataset.notRead.length ? `: ${dataset.notRead[0].error}` : ''}`,
      );
    return { clips: dataset.sources, dataset, source: `${dataset.sources.length} dropped clip(s)` };
  }
  if (policy) {
    const cfg = loadPolicyConfig(
      { file: policy.file, bytes: policy.bytes, yaml: policy.yaml, profile: policy.profile },
      loadRobotSource(robot),
    );
    if (cfg.embeddedReference || cfg.motionSeconds)
      return { clips: [{ file: policy.file, embedded: true }], source: `${policy.name}: its own reference` };
  }
  const clips = ctx.getClips();
  if (!clips.length) throw new Error('put a clip on the timeline or drop clips here first');
  return { clips: clips.map((c) => ({ ...c.clip, name: c.name })), source: `the timeline's ${clips.length} clip(s)` };
}

/** Build the evaluation plan from what is loaded in the app (and the clips dropped on the panel). */
export function planFromContext(ctx: EvaluationContext, o: PlanOptions): { plan: EvalPlan; dataset?: DroppedClips; source: string } {
  const robot = robotSource(ctx);
  const { clips, dataset, source } = runClips(ctx, robot, o);
  const policy = ctx.getPolicy();
  const variants: EvalVariant[] = o.engines.map((engine) => ({
    label: `${policy ? policy.name : `built-in controller (assist ${o.assist ?? 0})`} · ${engine}`,
    engine,
    assist: policy ? undefined : o.assist,
    policy: policy ? { file: policy.file, bytes: policy.bytes, yaml: policy.yaml, profile: policy.profile } : undefined,
    driver: policy ? 'policy' : 'reference',
  }));
  const plan: EvalPlan = {
    robot,
    variants,
    clips,
    scenarios: [o.scenario],
    episodes: o.episodes,
    envs: o.envs,
    seconds: o.seconds,
    ...(o.start ? { start: o.start } : {}),
  };
  return { plan, dataset, source };
}
