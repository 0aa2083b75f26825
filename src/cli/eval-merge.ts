/**
 * `npm run --silent eval-merge -- A.json B.json ... [--json] [--report DIR] [--out MERGED.json]`: merge the
 * shard files that `eval --shard I/N --out FILE.json` wrote into the result an unsharded run gives; prints the
 * same aggregate JSON as `eval --json` (byte-identical apart from `timing`) and can write the same report files.
 * Shards of different plans (inputs, seeds, settings, versions), missing or repeated shards: a named error, exit 1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MimicError } from '../core/errors';
import { parseJson } from '../core/validate';
import { makeShardFile, mergeShards } from '../core/evaluation/merge';
import { flatSummary } from '../core/evaluation/report';
import { aggregateJson, writeReport } from './eval';
import { isEntry } from './entry';
import { exitWhenFlushed } from './exit';

export const MERGE_USAGE = `usage: npm run --silent eval-merge -- SHARD.json [SHARD.json ...] [--json] [--report DIR] [--out MERGED.json] [--quiet]`;

export function mergeMain(argv: string[]): number {
  const files: string[] = [];
  let json = false,
    report: string | undefined,
    out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--quiet') continue;
    else if (a === '--report' || a === '--out') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) {
        process.stderr.write(`error: ${a} needs a value\n${MERGE_USAGE}\n`);
        return 2;
      }
      if (a === '--report') report = v;
      else out = v;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${MERGE_USAGE}\n`);
      return 0;
    } else if (a.startsWith('--')) {
      process.stderr.write(`error: unknown argument "${a}"\n${MERGE_USAGE}\n`);
      return 2;
    } else files.push(a);
  }
  if (!files.length) {
    process.stderr.write(`error: no shard files\n${MERGE_USAGE}\n`);
    return 2;
  }
  const inputs = files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      throw new MimicError('ParseError', f, '', 'no such file');
    }
    return { name: basename(f), data: parseJson(text, f, '(json)') };
  });
  const { result, clipPaths } = mergeShards(inputs);
  if (out) {
    const first = inputs[0].data as { plan: Parameters<typeof makeShardFile>[1] };
    writeFileSync(out, JSON.stringify(makeShardFile(result, first.plan, clipPaths)) + '\n');
  }
  if (report) writeReport(report, result, clipPaths);
  if (json) process.stdout.write(JSON.stringify(aggregateJson(result)) + '\n');
  else {
    for (const g of result.groups) {
      const s = flatSummary(g.aggregate);
      const inv = g.aggregate.invalid ? `, INVALID ${g.aggregate.invalid}/${g.aggregate.episodes}` : '';
      process.stdout.write(
        `${g.variant} · ${g.clip} · ${g.scenario}: success ${g.aggregate.successes}/${g.aggregate.episodes}${inv}, survival ${s.survived_s} s, MPJPE ${s.mpjpe_m} m\n`,
      );
    }
    if (report) process.stdout.write(`report: ${join(report, 'report.html')}\n`);
  }
  return 0;
}

if (isEntry(import.meta.url)) {
  try {
    exitWhenFlushed(mergeMain(process.argv.slice(2)));
  } catch (e) {
    if (e instanceof MimicError) process.stderr.write(`${e.message}\n`);
    else process.stderr.write(`error: ${(e as Error)?.stack ?? String(e)}\n`);
    exitWhenFlushed(1);
  }
}
