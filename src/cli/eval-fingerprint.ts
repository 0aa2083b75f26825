/** The fingerprint of an evaluation plan (what a shard ran), for eval-merge's mismatch check. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PlanFingerprint } from '../core/evaluation/merge';
import type { EvalPlan } from '../core/evaluation/plan';

const sha = (...parts: (string | Uint8Array | undefined)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p === undefined ? '\u0000none' : p);
    h.update('\u0000');
  }
  return h.digest('hex').slice(0, 16);
};

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${pkg.name}@${pkg.version} mimic-bench-eval/1`;
}

export function planFingerprint(plan: EvalPlan): PlanFingerprint {
  const robotFiles = Object.keys(plan.robot.files ?? {}).sort();
  return {
    version: packageVersion(),
    robot: sha(plan.robot.file, plan.robot.text, ...robotFiles.flatMap((k) => [k, plan.robot.files![k]])),
    variants: sha(
      ...plan.variants.flatMap((v) => {
        const p = v.policy;
        const { policy: _p, ...rest } = v;
        return [JSON.stringify(rest), p?.file, p?.bytes, p?.yaml, typeof p?.profile === 'string' ? p.profile : JSON.stringify(p?.profile)];
      }),
    ),
    clips: sha(
      ...plan.clips.flatMap((c) =>
        'file' in c ? [c.file, c.text, c.bytes, String(c.fps ?? ''), JSON.stringify(c.retarget ?? null)] : [c.name, JSON.stringify(c)],
      ),
    ),
    scenarios: sha(...plan.scenarios.map((s) => JSON.stringify({ ...s, file: undefined }))),
    settings: sha(
      JSON.stringify({
        episodes: plan.episodes ?? null,
        envs: plan.envs ?? null,
        seconds: plan.seconds ?? null,
        metrics: plan.metrics ?? null,
      }),
    ),
  };
}
