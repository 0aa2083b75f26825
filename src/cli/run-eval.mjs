// `npm run eval` starts here: the eval CLI (src/cli/eval.ts) from its esbuild bundles (bundle.mjs), built again only
// when a source changed, so that Node does not compile ~150 TypeScript modules through tsx at every start. A
// scenario run's workers are started first (eval-start.ts, a small module), then the rest of the CLI is loaded
// while they boot. Through tsx when no bundle can be made (or with MIMIC_NO_BUNDLE=1).
import { bundleOf, importTs } from './bundle.mjs';

const argv = process.argv.slice(2);
const start = bundleOf('eval-start'),
  cli = bundleOf('eval-cli');
if (start && cli) {
  const early = (await import(start.href)).earlyPoolFor(argv);
  (await import(cli.href)).runAsCli(argv, early);
} else (await importTs('src/cli/eval.ts')).runAsCli(argv);
