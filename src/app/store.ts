/**
 * The app's state (zustand, vanilla). Plain serialisable data only; heavy objects (RobotModel, MotionClip,
 * ONNX bytes, the physics engine) live in the asset registry (assets.ts) and the simulation (sim.ts),
 * referenced here by id. Panels and the scene subscribe to this store.
 */
import type { TerrainChoice } from './terrain-state';
import { createStore } from 'zustand/vanilla';
import type { DriverKind, SegmentSkill } from '../core/motion/timeline';
import { fullMask, type PartMask } from '../core/motion/blend';
import type { StartMode } from '../core/policy/start';

export type AssetKind = 'robot' | 'clip' | 'policy';
export interface AssetInfo {
  id: string;
  kind: AssetKind;
  name: string;
  builtin: boolean;
  /** short description: joints, duration, input size... */
  detail: string;
}

export interface SegmentSpec {
  id: string;
  clipId: string;
  in: number;
  out: number;
  driver: DriverKind;
  crossfade: number;
  /** driver 'policy': its own policy / mode (absent: the global policy on the clip) */
  skill?: SegmentSkill;
}
export interface LayerSpec {
  clipId: string;
  weight: number;
  mask: PartMask;
  speed: number;
  /** a policy layer (asset id; its command for a locomotion policy): absent = the clip, played by PD */
  policy?: { id: string; commands?: SegmentSkill['commands'] };
}
/** a message; the same message again raises its count (and moves it to the top) instead of adding a copy */
export interface ErrorEntry {
  id: number;
  kind: string;
  message: string;
  at: string;
  count: number;
}
export type GhostMode = 'off' | 'over' | 'beside';
/** where the ONNX policy's observations are built: CPU, WebGPU, or the faster of the two measured at start-up */
export type ObsMode = 'auto' | 'cpu' | 'gpu';

export interface AppState {
  time: number;
  playing: boolean;
  speed: number;
  loop: boolean;
  driver: DriverKind;
  assist: number;
  obsMode: ObsMode;
  /** the reference comes from the timeline (segments) or from the live blend of layers */
  source: 'timeline' | 'blend';
  assets: AssetInfo[];
  robotId: string;
  policyId: string | null;
  /** a shipped profile picked for a loaded policy (profile-pick.ts); null or another policy's: auto (from the file) */
  profilePick: { policyId: string; profile: string } | null;
  /** how the policy driver starts, also after a scrub, a loop or a fall (core policy/start.ts) */
  startMode: StartMode;
  /** the ground (issue 16, terrain-state.ts): a choice id and the seed of the seeded ones */
  terrain: TerrainChoice;
  segments: SegmentSpec[];
  layers: LayerSpec[];
  errors: ErrorEntry[];
  ghost: GhostMode;
  follow: boolean;
  showContacts: boolean;
  showCom: boolean;
  /** simulation status */
  status: {
    rtf: number;
    fps: number;
    policyMs: number;
    physicsMs: number;
    engine: string;
    /** where physics, observations and inference run: 'worker' (a Web Worker) or 'page' (sim-hosts.ts) */
    simHost: string;
    /** observation backend of the ONNX policy driver ('cpu' | 'gpu', 'probing' until the start-up probe ends) and why */
    obsBackend: string;
    obsReason: string;
    /** where the policy runs with GPU observations ('webgpu' EP on the same device, or 'wasm' after a read-back) */
    obsEp: string;
    duration: number;
    segment: number;
    fallen: boolean;
    note: string;
    /** bumped each time a new driver takes over (the Run box re-reads the policy's configuration) */
    driverSerial: number;
  };
  busy: string;
  /** a long load: what is being read/compiled, files done of total (null: none) */
  progress: { label: string; done: number; total: number } | null;
}

export const initialState = (): AppState => ({
  time: 0,
  playing: true,
  speed: 1,
  loop: true,
  driver: 'builtin',
  assist: 1,
  obsMode: 'auto',
  source: 'timeline',
  assets: [],
  robotId: '',
  policyId: null,
  profilePick: null,
  startMode: 'ground',
  terrain: { id: 'flat', seed: 7 }, // terrain-state.ts FLAT
  segments: [],
  layers: [],
  errors: [],
  ghost: 'beside',
  follow: true,
  showContacts: true,
  showCom: true,
  status: {
    rtf: 0,
    fps: 0,
    policyMs: 0,
    physicsMs: 0,
    engine: 'rapier',
    simHost: 'page',
    obsBackend: 'probing',
    obsReason: 'measuring CPU and WebGPU observation builds…',
    obsEp: '',
    duration: 0,
    segment: 0,
    fallen: false,
    note: '',
    driverSerial: 0,
  },
  busy: '',
  progress: null,
});

export const store = createStore<AppState>(() => initialState());
export type Store = typeof store;

/** Show an error in the UI (MimicError or anything thrown); never throws. */
export function reportError(e: unknown, context = ''): void {
  const err = e as { name?: string; message?: string };
  const kind = err?.name && err.name !== 'Error' ? err.name : 'Error';
  const message = (context ? context + ': ' : '') + (err?.message ?? String(e));
  console.warn('[mimic]', message, (e as Error)?.stack ?? '');
  store.setState((s) => {
    const same = s.errors.find((x) => x.kind === kind && x.message === message);
    // ids: one above every shown one (the Dismiss buttons tell entries apart by id)
    const id = s.errors.reduce((m, x) => Math.max(m, x.id), 0) + 1;
    const entry = { id, kind, message, at: new Date().toISOString(), count: (same?.count ?? 0) + 1 };
    return { errors: [...s.errors.filter((x) => x !== same), entry].slice(-MAX_MESSAGES) };
  });
}

/** distinct messages kept (the oldest go first) */
export const MAX_MESSAGES = 50;

export const clearErrors = (): void => store.setState({ errors: [] });

export function setStatus(p: Partial<AppState['status']>): void {
  store.setState((s) => ({ status: { ...s.status, ...p } }));
}

export const newLayer = (clipId: string, weight = 1): LayerSpec => ({ clipId, weight, mask: fullMask(), speed: 1 });
/** A timeline segment; its id is random (segments made in one batch need distinct ids, with no counter kept). */
export const newSegment = (clipId: string, duration: number, driver: DriverKind, crossfade = 0.5): SegmentSpec => ({
  id: `s${Math.random().toString(36).slice(2, 10)}-${Date.now().toString(36)}`,
  clipId,
  in: 0,
  out: duration,
  driver,
  crossfade,
});
