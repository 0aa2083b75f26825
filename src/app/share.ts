/**
 * A share link: the session's built-in choices (robot, clips on the timeline, blend layers, driver, assist, speed,
 * loop, view toggles, camera, time, terrain) encoded in the URL hash (`#share=` base64url JSON). Loaded files cannot travel
 * in a URL: the link leaves them out and says which (the session archive, "Save with files", carries them).
 */
import { store, newSegment, type AppState, type LayerSpec } from './store';
import type { AssetRecord } from './assets';
import { BUILTIN_ROBOT } from './builtins';
import { fail } from '../core/errors';
import type { DriverKind } from '../core/motion/timeline';
import { checkTerrainChoice, FLAT, type TerrainChoice } from './terrain-state';
import { choicesOf, type PlaybackChoices } from './session';

export const SHARE_KEY = 'share';

export interface ShareCamera {
  position: number[];
  target: number[];
}

export interface ShareState extends PlaybackChoices {
  v: 1;
  robot: string;
  ghost: AppState['ghost'];
  follow: boolean;
  contacts: boolean;
  com: boolean;
  /** clip id, in, out, driver, crossfade */
  segments: [string, number, number, DriverKind, number][];
  layers: LayerSpec[];
  camera: ShareCamera;
  time: number;
  /** the ground (issue 16); absent in older links: the flat floor */
  terrain?: TerrainChoice;
}

/** The records of the app's asset registry (AssetRegistry.records). */
type Records = ReadonlyMap<string, AssetRecord>;
const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** The share state of the app now, and the loaded assets it leaves out (by name). */
export function shareState(records: Records, camera: ShareCamera, time: number): { state: ShareState; left: string[] } {
  const s = store.getState();
  const left = new Set<string>();
  const keep = (id: string | null) => {
    const builtin = !!id && !!records.get(id)?.builtin;
    if (id && !builtin) left.add(records.get(id)?.name ?? id);
    return builtin;
  };
  const robot = keep(s.robotId) ? s.robotId : BUILTIN_ROBOT;
  const policyLeft = s.policyId !== null && !keep(s.policyId);
  const state: ShareState = {
    v: 1,
    robot,
    ...choicesOf(s),
    driver: s.driver === 'policy' && policyLeft ? 'builtin' : s.driver,
    ghost: s.ghost,
    follow: s.follow,
    contacts: s.showContacts,
    com: s.showCom,
    segments: s.segments.filter((g) => keep(g.clipId)).map((g) => [g.clipId, round(g.in), round(g.out), g.driver, round(g.crossfade)]),
    layers: s.layers.filter((l) => keep(l.clipId)).map((l) => ({ ...l, mask: { ...l.mask } })),
    camera: { position: camera.position.map(round), target: camera.target.map(round) },
    time: round(time),
    terrain: s.terrain,
  };
  return { state, left: [...left] };
}

const toBase64Url = (t: string): string => {
  let bin = '';
  for (const b of new TextEncoder().encode(t)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromBase64Url = (t: string): string => {
  const bin = atob(t.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
};

/** The link: this page's address with the state in its hash. */
export function shareUrl(state: ShareState, base = location.href): string {
  const u = new URL(base);
  u.hash = `${SHARE_KEY}=${toBase64Url(JSON.stringify(state))}`;
  return u.toString();
}

/** The share state in a URL hash (null: the hash holds none; a malformed one is a named ParseError). */
export function readShareHash(hash: string): ShareState | null {
  const m = new RegExp(`[#&]${SHARE_KEY}=([A-Za-z0-9_-]+)`).exec(hash);
  if (!m) return null;
  let st: ShareState;
  try {
    st = JSON.parse(fromBase64Url(m[1])) as ShareState;
  } catch (e) {
    return fail('ParseError', 'share link', `#${SHARE_KEY}`, `not a share link's state: ${(e as Error).message}`);
  }
  if (st?.v !== 1 || !Array.isArray(st.segments) || !Array.isArray(st.layers) || !st.camera)
    fail('ParseError', 'share link', `#${SHARE_KEY}`, 'expected version 1 with segments, layers and camera');
  return st;
}

/** Apply a share state's choices to the store; the assets it names that are not here (by id) are listed. */
export function applyShareState(records: Records, st: ShareState): string[] {
  const missing = [st.robot, ...st.segments.map((g) => g[0]), ...st.layers.map((l) => l.clipId)].filter((id) => !records.has(id));
  if (missing.length) return [...new Set(missing)];
  const terrain = st.terrain === undefined ? FLAT : checkTerrainChoice(st.terrain, 'share link', `#${SHARE_KEY}.terrain`);
  store.setState({
    robotId: st.robot,
    policyId: null,
    ...choicesOf(st),
    driver: st.driver === 'policy' ? 'builtin' : st.driver,
    ghost: st.ghost,
    follow: st.follow,
    showContacts: st.contacts,
    showCom: st.com,
    segments: st.segments.map(([clipId, tin, tout, driver, crossfade]) => ({ ...newSegment(clipId, tout, driver, crossfade), in: tin })),
    layers: st.layers,
    terrain,
  });
  return [];
}
