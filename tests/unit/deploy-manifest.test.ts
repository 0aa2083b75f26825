// deploy/: the Kubernetes manifests validated against the batch/v1 Job schema of kubernetes-models (a maintained
// package generated from the Kubernetes OpenAPI spec), their wiring (completion index → --shard, shard files →
// merge), the Dockerfile's inputs, and the shard script passing the index to the CLI.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { Job } from 'kubernetes-models/batch/v1';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/eval-args';

const load = (f: string) => parse(readFileSync(f, 'utf8')) as Record<string, any>;

describe('deploy: Kubernetes Indexed Job + merge Job + image', () => {
  const job = load('deploy/eval-job.yaml');
  const merge = load('deploy/eval-merge-job.yaml');

  it('both manifests are valid batch/v1 Jobs (schema from kubernetes-models); a broken one is rejected', () => {
    expect(() => new Job(job as never).validate()).not.toThrow();
    expect(() => new Job(merge as never).validate()).not.toThrow();
    const broken = structuredClone(job);
    broken.spec.completions = 'eight';
    expect(() => new Job(broken as never).validate()).toThrow(/completions must be integer/);
    const noContainers = structuredClone(job);
    delete noContainers.spec.template.spec.containers;
    expect(() => new Job(noContainers as never).validate()).toThrow(/containers/);
  });

  it('completion index → --shard I/N with N = completions; the merge reads every shard file the job writes', () => {
    const spec = job.spec,
      c = spec.template.spec.containers[0];
    expect(spec.completionMode).toBe('Indexed');
    const shards = Number(c.env.find((e: { name: string }) => e.name === 'SHARDS').value);
    expect(shards).toBe(spec.completions);
    expect(c.command).toEqual(['deploy/eval-shard.sh']);
    accessSync('deploy/eval-shard.sh', constants.X_OK);
    const script = readFileSync('deploy/eval-shard.sh', 'utf8');
    expect(script).toMatch(/--shard "\$\{JOB_COMPLETION_INDEX\}\/\$\{SHARDS\}"/);
    expect(script).toMatch(/shard-\$\{JOB_COMPLETION_INDEX\}-of-\$\{SHARDS\}\.json/);
    // the job's arguments are valid eval arguments
    const o = parseArgs([...c.args, '--shard', `${shards - 1}/${shards}`, '--out', '/results/x.json']);
    expect(o.shard).toEqual({ index: shards - 1, count: shards });
    expect(o.motions).toEqual(['/data/clips']);
    // the merge step reads the same volume and the same file pattern
    const m = merge.spec.template.spec;
    expect(m.containers[0].args[0]).toContain(`/results/shard-*-of-${shards}.json`);
    expect(m.containers[0].args[0]).toContain('src/cli/eval-merge.ts');
    const claim = (s: any, name: string) => s.volumes.find((v: any) => v.name === name).persistentVolumeClaim.claimName;
    expect(claim(m, 'results')).toBe(claim(spec.template.spec, 'results'));
  });

  it('the shard script hands the completion index to the CLI', () => {
    const r = spawnSync('sh', ['deploy/eval-shard.sh', '--robot', 'r.xml', '--policy', 'p.onnx'], {
      encoding: 'utf8',
      env: { ...process.env, SHARDS: '2', JOB_COMPLETION_INDEX: '5', RESULTS: '/tmp/mimic-shard-test' },
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--shard expects I\/N with 0 <= I < N, got "5\/2"/);
    const none = spawnSync('sh', ['deploy/eval-shard.sh'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/SHARDS/);
  });

  it('the Dockerfile copies files that exist and runs the eval CLI', () => {
    const df = readFileSync('deploy/Dockerfile', 'utf8');
    const copies = [...df.matchAll(/^COPY\s+(.+)\s+\S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    expect(copies.length).toBeGreaterThan(3);
    for (const src of copies) expect(existsSync(src), src).toBe(true);
    expect(df).toMatch(/ENTRYPOINT \["node", "--import", "tsx", "src\/cli\/eval\.ts"\]/);
    expect(df).toMatch(/npm ci/);
  });
});
