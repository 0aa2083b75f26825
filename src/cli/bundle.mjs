// The eval CLI and its worker as JavaScript, so that Node starts them without tsx compiling ~150 TypeScript modules.
// Built with esbuild (installed with vite) into `.cache/bundles/` (git-ignored; two folders down, like src/cli, so
// the sources' `import.meta.url`-relative paths still hold): our sources bundled, packages left to Node, split into
// chunks so that what a run does not use (the in-process runner and its engines, for the main thread of a pooled
// run) is loaded only when imported. A manifest lists every bundled source with its hash, time and size: the
// bundles are used only while all of them are unchanged (same time and size, or same text), and rebuilt otherwise. Plain JavaScript (types in bundle.d.mts) so that the
// launcher (run-eval.mjs) can use it before anything can compile TypeScript.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project root: the nearest folder above this file holding package.json (this file may itself be bundled). */
function findRoot() {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const ROOT = findRoot();
const CACHE = join(ROOT, '.cache/bundles');

const MANIFEST = join(CACHE, 'manifest.json');

/** The entries, by the name their bundle starts with. */
export const ENTRIES = {
  'eval-start': 'src/cli/eval-start.ts',
  'eval-cli': 'src/cli/eval.ts',
  'eval-worker': 'src/cli/eval-worker.ts',
};

const sha1 = (data) => createHash('sha1').update(data).digest('hex');

/** The manifest if every source the bundles were built from is unchanged and every output is there, else null. */
function upToDate() {
  if (!existsSync(MANIFEST)) return null;
  const m = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  if (!m.files.every((f) => existsSync(join(CACHE, f)))) return null;
  for (const [p, { sha, mtime, size }] of Object.entries(m.inputs)) {
    const abs = join(ROOT, p);
    if (!existsSync(abs)) return null;
    const st = statSync(abs); // unchanged time and size: unchanged (else the text decides)
    if ((st.mtimeMs !== mtime || st.size !== size) && sha1(readFileSync(abs)) !== sha) return null;
  }
  return m;
}

/** Write `text` to `file` through a temporary name (other CLI processes may read it meanwhile). */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Remove outputs of older sources a day after they were written (a running CLI may still be starting one). */
function removeOld(keep) {
  for (const f of readdirSync(CACHE)) {
    const p = join(CACHE, f);
    if (!keep.includes(f) && f.endsWith('.mjs') && Date.now() - statSync(p).mtimeMs > 86_400_000) unlinkSync(p);
  }
}

function build() {
  const esbuild = createRequire(import.meta.url)('esbuild');
  const out = esbuild.buildSync({
    entryPoints: Object.entries(ENTRIES).map(([out, path]) => ({ in: join(ROOT, path), out })),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    outdir: CACHE,
    outExtension: { '.js': '.mjs' },
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  if (!out.outputFiles?.length || !out.metafile) throw new Error('esbuild wrote nothing');
  const inputs = {};
  for (const p of Object.keys(out.metafile.inputs).sort()) {
    const st = statSync(join(ROOT, p));
    inputs[p] = { sha: sha1(readFileSync(join(ROOT, p))), mtime: st.mtimeMs, size: st.size };
  }
  const entries = {};
  for (const [path, o] of Object.entries(out.metafile.outputs)) {
    const name = o.entryPoint && Object.keys(ENTRIES).find((k) => join(ROOT, ENTRIES[k]) === join(ROOT, o.entryPoint));
    if (name) entries[name] = basename(path);
  }
  const files = out.outputFiles.map((f) => basename(f.path));
  mkdirSync(CACHE, { recursive: true });
  for (const f of out.outputFiles) writeAtomic(f.path, f.text); // content-hashed names: a file never changes
  const m = { entries, files, inputs };
  writeAtomic(MANIFEST, JSON.stringify(m, null, 1));
  removeOld(files);
  return m;
}

/**
 * file URL of the up-to-date bundle of the entry `name` (a key of ENTRIES; all are built now if needed), or null
 * when it cannot be made (no esbuild) or with MIMIC_NO_BUNDLE=1: then the caller starts the TypeScript.
 */
let checked = null; // the manifest, checked (or built) once per process

export function bundleOf(name) {
  if (process.env.MIMIC_NO_BUNDLE === '1') return null;
  try {
    const m = (checked ??= upToDate() ?? build());
    return m.entries[name] ? pathToFileURL(join(CACHE, m.entries[name])) : null;
  } catch {
    return null;
  }
}

/** Import a TypeScript module through tsx's loader (registered once), for when no bundle can be made. */
export async function importTs(path) {
  const api = createRequire(import.meta.url).resolve('tsx/esm/api');
  const { register } = await import(pathToFileURL(api.replace(/\.cjs$/, '.mjs')).href);
  register();
  return import(pathToFileURL(join(ROOT, path)).href);
}
