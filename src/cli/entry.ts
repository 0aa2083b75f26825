// Whether a module is the process's entry script (`node --import tsx src/cli/x.ts`): its CLI runs only then, so
// tests and other modules can import it without starting it.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** true when the module at `url` (its import.meta.url) is the script node was started with */
export function isEntry(url: string): boolean {
  const script = process.argv[1];
  return !!script && resolve(script) === fileURLToPath(url);
}
