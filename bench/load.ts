// The machine's load averages (1, 5 and 15 min), for the benches' header and footer lines.
import { loadavg } from 'node:os';

/** "1.2 0.9 0.7": the 1, 5 and 15 minute load averages, one decimal each. */
export const loadAverages = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
