// Shared by the benches that drive headless Chromium, and by every bench file runnable on its own.
import { fileURLToPath } from 'node:url';

/** Chromium flags every bench launch uses (no sandbox, no background traffic, no first-run UI). */
export const CHROMIUM_BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Run `run` when the file at `url` (its import.meta.url) is the process's entry point; exit 0 or 1. */
export function runIfMain(url: string, run: () => Promise<unknown>): void {
  if (!process.argv[1] || fileURLToPath(url) !== process.argv[1]) return;
  run().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
