/**
 * The evaluation worker as one JavaScript file, so worker threads start without tsx compiling ~100 TypeScript
 * modules each. Built with esbuild (installed with vite) into `.cache/eval-worker/` (git-ignored), our sources
 * bundled and packages left to Node. A manifest lists every bundled source with its hash: the bundle is used
 * only while all of them are unchanged, and rebuilt otherwise. Null (start through tsx) when it cannot be made,
 * or with MIMIC_WORKER_TSX=1.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = join(ROOT, 'src/cli/eval-worker.ts');
const CACHE = join(ROOT, '.cache/eval-worker');
const MANIFEST = join(CACHE, 'manifest.json');

interface Manifest {
  bundle: string;
  /** source path (relative to the project root) → sha1 of its text */
  inputs: Record<string, string>;
}

const sha1 = (data: string | Uint8Array): string => createHash('sha1').update(data).digest('hex');

function upToDate(): string | null {
  if (!existsSync(MANIFEST)) return null;
  const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  const bundle = join(CACHE, m.bundle);
  if (!existsSync(bundle)) return null;
  for (const [p, h] of Object.entries(m.inputs)) {
    const abs = join(ROOT, p);
    if (!existsSync(abs) || sha1(readFileSync(abs)) !== h) return null;
  }
  return bundle;
}

/** Write `text` to `file` through a temporary name (other CLI processes may read it meanwhile). */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Remove bundles of older sources a day after they were written (a running CLI may still be starting one). */
function removeOld(keep: string): void {
  for (const f of readdirSync(CACHE)) {
    const p = join(CACHE, f);
    if (f !== keep && /^eval-worker-\w+\.mjs$/.test(f) && Date.now() - statSync(p).mtimeMs > 86_400_000) unlinkSync(p);
  }
}

interface EsbuildLike {
  buildSync(o: Record<string, unknown>): {
    outputFiles?: { text: string }[];
    metafile?: { inputs: Record<string, unknown> };
  };
}

function build(): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as EsbuildLike;
  const out = esbuild.buildSync({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const text = out.outputFiles?.[0]?.text;
  if (!text || !out.metafile) throw new Error('esbuild wrote nothing');
  const inputs: Record<string, string> = {};
  for (const p of Object.keys(out.metafile.inputs).sort()) inputs[p] = sha1(readFileSync(join(ROOT, p)));
  const name = `eval-worker-${sha1(JSON.stringify(inputs)).slice(0, 16)}.mjs`;
  mkdirSync(CACHE, { recursive: true });
  writeAtomic(join(CACHE, name), text);
  writeAtomic(MANIFEST, JSON.stringify({ bundle: name, inputs } satisfies Manifest, null, 1));
  removeOld(name);
  return join(CACHE, name);
}

/** file URL of the up-to-date worker bundle (built now if needed), or null: start the worker through tsx. */
export function workerBundle(): URL | null {
  if (process.env.MIMIC_WORKER_TSX === '1') return null;
  try {
    return pathToFileURL(upToDate() ?? build());
  } catch {
    return null;
  }
}
