/**
 * Sessions (timeline, blend settings, selected assets, driver): saved as JSON (assets named), or as one archive
 * (.zip: session.json + the files of every asset it uses) that opens in a fresh browser. A session whose files
 * are not loaded lists every missing one at once; the app applies it again once they are dropped.
 */
import { strToU8, strFromU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { store, type AppState } from './store';
import { hashOf, type AssetRecord, type RawFile } from './assets';
import { MimicError } from '../core/errors';
import { parseJson } from '../core/validate';
import { checkTerrainChoice, FLAT, type TerrainChoice } from './terrain-state';

/** The records of the app's asset registry (AssetRegistry.records), as sessions read them. */
type Records = ReadonlyMap<string, AssetRecord>;

/** The playback choices a session file and a share link both carry, as the store holds them. */
export type PlaybackChoices = Pick<AppState, 'driver' | 'assist' | 'source' | 'speed' | 'loop'>;

/** The playback choices of the store, a session or a link, alone. */
export const choicesOf = (c: PlaybackChoices): PlaybackChoices => ({
  driver: c.driver,
  assist: c.assist,
  source: c.source,
  speed: c.speed,
  loop: c.loop,
});

export interface SessionFile extends PlaybackChoices {
  format: 'mimic-bench-session';
  version: 1;
  robot: string;
  policy: string | null;
  segments: AppState['segments'];
  layers: AppState['layers'];
  /** the ground (issue 16); absent in older sessions: the flat floor */
  terrain?: TerrainChoice;
  /** asset names by id (`kind:name`), to find them again after a reload */
  names: Record<string, string>;
  /** asset content hashes by id (the same bytes are the same asset, whatever their name) */
  hashes?: Record<string, string>;
  /** in an archive: the folder holding each asset's files, by id */
  bundle?: Record<string, string>;
}

export interface SessionResult {
  ok: boolean;
  missing: string[];
}

/** The assets the current session uses (not the built-ins). */
function usedIds(s: AppState, records: Records): string[] {
  return [...new Set([s.robotId, s.policyId ?? '', ...s.segments.map((g) => g.clipId), ...s.layers.map((l) => l.clipId)])].filter((id) =>
    records.has(id),
  );
}

export function sessionFile(records: Records): SessionFile {
  const s = store.getState();
  const names: Record<string, string> = {},
    hashes: Record<string, string> = {};
  for (const id of usedIds(s, records)) {
    const r = records.get(id)!;
    names[id] = `${r.kind}:${r.name}`;
    hashes[id] = hashOf(r);
  }
  return {
    format: 'mimic-bench-session',
    version: 1,
    robot: s.robotId,
    policy: s.policyId,
    ...choicesOf(s),
    segments: s.segments,
    layers: s.layers,
    terrain: s.terrain,
    names,
    hashes,
  };
}

/** One archive: session.json + assets/<n>/<original path> for every loaded (not built-in) asset it uses. */
export function sessionBundle(records: Records): Uint8Array {
  const f = sessionFile(records);
  const zip: Zippable = {};
  f.bundle = {};
  usedIds(store.getState(), records)
    .filter((id) => !records.get(id)!.builtin)
    .forEach((id, n) => {
      f.bundle![id] = `assets/${n}/`;
      for (const file of records.get(id)!.files)
        zip[`assets/${n}/${file.path}`] = [file.bytes, { level: /\.(onnx|npz)$/i.test(file.path) ? 0 : 6 }];
    });
  zip['session.json'] = strToU8(JSON.stringify(f, null, 2));
  return zipSync(zip);
}

/** Read an archive: the session text and, by the session's asset id, the files of each asset. */
export function readBundle(bytes: Uint8Array, file: string): { session: string; assets: Record<string, RawFile[]> } {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new MimicError('ParseError', file, '', `not a zip archive: ${(e as Error).message}`);
  }
  const json = entries['session.json'];
  if (!json) throw new MimicError('ParseError', file, 'session.json', 'the archive holds no session.json');
  const session = strFromU8(json);
  const f = parseSession(session, file);
  const assets: Record<string, RawFile[]> = {};
  for (const [id, dir] of Object.entries(f.bundle ?? {})) {
    assets[id] = Object.entries(entries)
      .filter(([p]) => p.startsWith(dir) && !p.endsWith('/'))
      .map(([p, b]) => ({ path: p.slice(dir.length), bytes: b }));
    if (!assets[id].length) throw new MimicError('ParseError', file, dir, `no files for ${f.names[id] ?? id}`);
  }
  return { session, assets };
}

function parseSession(text: string, file: string): SessionFile {
  const f = parseJson(text, file) as SessionFile;
  if (f?.format !== 'mimic-bench-session') throw new MimicError('ParseError', file, 'format', 'not a mimic-bench session file');
  if (!Array.isArray(f.segments) || !Array.isArray(f.layers))
    throw new MimicError('ParseError', file, 'segments', 'expected the lists segments and layers');
  return f;
}

/**
 * Apply a session: each asset found by the id map (`ids`, from an archive), its id, its content hash, else its
 * kind + name. Nothing changes when any is missing; the result lists every missing one.
 */
export function applySession(records: Records, text: string, file: string, ids: Record<string, string> = {}): SessionResult {
  const f = parseSession(text, file);
  const all = [...records.values()];
  const missing: string[] = [];
  const find = (id: string | null): string | null => {
    if (!id) return null;
    const hit =
      ids[id] ??
      (records.has(id) ? id : undefined) ??
      all.find((r) => f.hashes?.[id] && hashOf(r) === f.hashes[id])?.id ??
      all.find((r) => f.names?.[id] && `${r.kind}:${r.name}` === f.names[id])?.id;
    if (!hit && !missing.includes(f.names?.[id] ?? id)) missing.push(f.names?.[id] ?? id);
    return hit ?? null;
  };
  const robotId = find(f.robot),
    policyId = find(f.policy);
  const segments = f.segments.map((g) => ({ ...g, clipId: find(g.clipId) ?? '' }));
  const layers = f.layers.map((l) => ({ ...l, clipId: find(l.clipId) ?? '' }));
  const terrain = f.terrain === undefined ? FLAT : checkTerrainChoice(f.terrain, file);
  if (missing.length) return { ok: false, missing };
  store.setState({
    robotId: robotId ?? store.getState().robotId,
    policyId,
    ...choicesOf(f),
    segments,
    layers,
    terrain,
  });
  return { ok: true, missing };
}

function download(name: string, data: BlobPart, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export const saveSession = (records: Records): void =>
  download('mimic-session.json', JSON.stringify(sessionFile(records), null, 2), 'application/json');
export const saveSessionBundle = (records: Records): void =>
  download('mimic-session.zip', sessionBundle(records) as Uint8Array<ArrayBuffer>, 'application/zip');
