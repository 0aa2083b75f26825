/** The last selection (robot, policy, driver, clips on the timeline / blend) survives a reload (localStorage). */
import type { AppState } from './store';
import { START_MODES } from '../core/policy/start';

const KEY = 'mimic-bench:selection';
type Selection = Pick<AppState, 'robotId' | 'policyId' | 'driver' | 'source' | 'segments' | 'layers' | 'startMode'>;
const KEYS = ['robotId', 'policyId', 'driver', 'source', 'segments', 'layers', 'startMode'] as const;

/** Save the selection when one of its parts changed. */
export function rememberSelection(s: AppState, p: AppState): void {
  if (!s.robotId || KEYS.every((k) => s[k] === p[k])) return;
  const sel: Selection = {
    robotId: s.robotId,
    policyId: s.policyId,
    driver: s.driver,
    source: s.source,
    segments: s.segments,
    layers: s.layers,
    startMode: s.startMode,
  };
  try {
    localStorage.setItem(KEY, JSON.stringify(sel));
  } catch {
    /* storage full or off: nothing remembered */
  }
}

/** The remembered selection, keeping only what still exists (`has`: is this asset id loaded?). */
export function restoreSelection(has: (id: string) => boolean): Partial<Selection> {
  let sel: Partial<Selection>;
  try {
    sel = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Selection>;
  } catch {
    return {};
  }
  const out: Partial<Selection> = {};
  if (sel.robotId && has(sel.robotId)) out.robotId = sel.robotId;
  if (sel.policyId && has(sel.policyId)) out.policyId = sel.policyId;
  if (sel.driver === 'replay' || sel.driver === 'builtin' || (sel.driver === 'policy' && out.policyId)) out.driver = sel.driver;
  const segs = Array.isArray(sel.segments) ? sel.segments.filter((g) => has(g.clipId)) : [];
  if (segs.length) out.segments = segs;
  const layers = Array.isArray(sel.layers) ? sel.layers.filter((l) => has(l.clipId)) : [];
  if (layers.length) out.layers = layers;
  if (sel.source === 'timeline' || sel.source === 'blend') out.source = sel.source;
  if ((START_MODES as readonly unknown[]).includes(sel.startMode)) out.startMode = sel.startMode;
  return out;
}
