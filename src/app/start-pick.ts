/**
 * The policy driver's start (core policy/start.ts, the CLI's --start): chosen in the Drive panel, remembered
 * (selection.ts), applied at every reset — a scrub, a loop, a fall. The Run box names it and the last vertical
 * shift of a 'ground' start.
 */
import { START_MODES, type StartMode } from '../core/policy/start';
import type { DriverInfo } from './sim-worker/protocol';

export const START_LABELS: Record<StartMode, string> = {
  ground: 'ground (on the reference, lowest point on the floor)',
  reference: 'reference (on its first frame as given)',
  'default-pose': 'default pose (policy default pose, reference aligned to it)',
};

export const startOptions = (): { value: StartMode; label: string }[] => START_MODES.map((m) => ({ value: m, label: START_LABELS[m] }));

/** "start: ground … · shift +0.123 m (left_ankle_roll_link)" for the Run settings line. */
export function startLine(mode: StartMode, shift: DriverInfo['startShift']): string {
  let s = `start: ${START_LABELS[mode]}`;
  if (shift) {
    const dz = shift.dz;
    s += dz ? ` · shift ${dz > 0 ? '+' : ''}${dz.toFixed(3)} m${shift.body ? ` (${shift.body})` : ''}` : ' · shift 0 m';
  }
  return `${s}; also on scrub, loop, fall`;
}
