// Shared setup for every test run. Browser tests build the app themselves (tests/browser/server.ts).
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (!existsSync('../shared/assets/g1/g1_29dof_rev_1_0.xml')) {
    throw new Error('test data missing: ../shared/assets (see README, "Tests")');
  }
}
