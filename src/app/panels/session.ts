/** Sessions (timeline, blend settings, selected assets, driver) save to and load from a JSON file. */
import { store, reportError, type AppState } from '../store';
import { records } from '../assets';
import { MimicError } from '../../core/errors';

export interface SessionFile {
  format: 'mimic-bench-session';
  version: 1;
  robot: string;
  policy: string | null;
  driver: AppState['driver'];
  assist: number;
  source: AppState['source'];
  speed: number;
  loop: boolean;
  segments: AppState['segments'];
  layers: AppState['layers'];
  /** asset names by id, to find them again after a reload */
  names: Record<string, string>;
}

export function sessionJson(): string {
  const s = store.getState();
  const ids = new Set([s.robotId, s.policyId ?? '', ...s.segments.map((g) => g.clipId), ...s.layers.map((l) => l.clipId)]);
  const names: Record<string, string> = {};
  for (const id of ids) if (records.has(id)) names[id] = `${records.get(id)!.kind}:${records.get(id)!.name}`;
  const f: SessionFile = {
    format: 'mimic-bench-session', version: 1, robot: s.robotId, policy: s.policyId, driver: s.driver, assist: s.assist,
    source: s.source, speed: s.speed, loop: s.loop, segments: s.segments, layers: s.layers, names,
  };
  return JSON.stringify(f, null, 2);
}

export function saveSession(): void {
  const blob = new Blob([sessionJson()], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'mimic-session.json';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function applySession(text: string, file = 'session.json'): void {
  try {
    let f: SessionFile;
    try { f = JSON.parse(text); } catch (e) { throw new MimicError('ParseError', file, '', `not JSON: ${(e as Error).message}`); }
    if (f.format !== 'mimic-bench-session') throw new MimicError('ParseError', file, 'format', 'not a mimic-bench session file');
    // find each asset by id, else by kind + name (ids change when files are loaded again)
    const byName = new Map([...records.values()].map((r) => [`${r.kind}:${r.name}`, r.id]));
    const find = (id: string | null): string | null => {
      if (!id) return null;
      if (records.has(id)) return id;
      const n = f.names?.[id];
      const hit = n ? byName.get(n) : undefined;
      if (!hit) throw new MimicError('ParseError', file, `asset ${n ?? id}`, 'is not loaded: load it first, then the session');
      return hit;
    };
    store.setState({
      robotId: find(f.robot) ?? store.getState().robotId,
      policyId: find(f.policy), driver: f.driver, assist: f.assist, source: f.source, speed: f.speed, loop: f.loop,
      segments: f.segments.map((g) => ({ ...g, clipId: find(g.clipId)! })),
      layers: f.layers.map((l) => ({ ...l, clipId: find(l.clipId)! })),
    });
  } catch (e) {
    reportError(e, 'session');
  }
}
