// `npm run bench`: runs every bench/*.bench.ts in name order; each exports `run(): Promise<void>` and prints its
import './wasm-memory'; // first: records the WebAssembly memories of the engines (memory.bench.ts)
// own table. A file can be picked with `npm run bench -- physics`; `-- app` runs app-start and app-chromium (the app in Chromium).
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
console.log(`benchmarks: ${files.join(', ')} | ${cpus().length} CPU cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') {
    console.log(`${f}: no run() export, skipped`);
    continue;
  }
  try {
    await mod.run();
  } catch (err) {
    failed++;
    console.error(`${f} failed:`, err);
  }
}
if (failed) process.exitCode = 1;
