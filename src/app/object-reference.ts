/**
 * objects: the reference object poses of the running timeline (clips that carry object tracks, motion/types.ts
 * ObjectTrack), matched to the engine's objects by NAME, and the object position error series the charts plot
 * (the evaluation's objectPosError, env 0). A track can also be given directly (`setTrack`, for tests).
 */
import { fail } from '../core/errors';
import { objectPosError } from '../core/evaluation/metrics/objects';
import { startedSegment, type Timeline } from '../core/motion/timeline';
import type { ObjectTrack } from '../core/motion/types';
import type { ObjectState } from '../core/physics/objects';

export interface RefObjects {
  /** per engine object k: found in the reference */
  has: boolean[];
  pos: Float32Array;
  quat: Float32Array;
}

const HISTORY = 2000;

/** The reference objects of the running timeline (or a given track) and env 0's object error series; the app holds one. */
export class ObjectReference {
  private timeline: Timeline | null = null;
  private given: { track: ObjectTrack; fps: number } | null = null;
  /** object position error over simulated time (mean over the objects the reference carries), m */
  readonly err = { t: [] as number[], err: [] as number[] };

  setTimeline(tl: Timeline | null): void {
    this.timeline = tl;
  }

  setTrack(track: ObjectTrack | null, fps = 50): void {
    if (track) checkTrack(track, fps);
    this.given = track ? { track, fps } : null;
    this.clearErr();
  }

  clearErr(): void {
    this.err.t.length = this.err.err.length = 0;
  }

  /** Reference poses of the engine's objects at time t (nearest frame), null when the reference carries none. */
  at(s: ObjectState, t: number): RefObjects | null {
    return referenceObjects(s, (name) => this.trackAt(name, t));
  }

  /** Append env 0's object position error at time t (once per time; only objects the reference carries). */
  record(s: ObjectState, ref: RefObjects, t: number): void {
    const e = this.err;
    if (e.t.length && e.t[e.t.length - 1] === t) return;
    if (e.t.length && t < e.t[e.t.length - 1]) this.clearErr(); // seek / reset
    e.t.push(t);
    e.err.push(meanError(s, ref));
    if (e.t.length > HISTORY) {
      e.t.shift();
      e.err.shift();
    }
  }

  /** The object track and its frame rate at time t (null: none), with the clip-local time. */
  private trackAt(name: string, t: number): Located | null {
    if (this.given?.track.name === name) return { ...this.given, local: t };
    const tl = this.timeline;
    if (!tl?.segments.some((g) => g.clip.objects?.length)) return null;
    const s = startedSegment(tl, t),
      g = tl.segments[s.index];
    const track = g.clip.objects?.find((o) => o.name === name);
    return track ? { track, fps: g.clip.fps, local: g.in + s.local } : null;
  }
}

type Located = { track: ObjectTrack; fps: number; local: number };

/** A named error for a track whose arrays disagree or hold a non-finite number. */
function checkTrack(t: ObjectTrack, fps: number): void {
  const w = '__mimicObjects.setTrack';
  if (!(fps > 0)) fail('ParseError', w, 'fps', `expected a positive frame rate, got ${fps}`);
  const n = t.pos.length / 3;
  if (!Number.isInteger(n) || n < 1) fail('ParseError', w, 'pos', `${t.pos.length} numbers: not frames × 3`);
  if (t.quat.length !== n * 4) fail('ParseError', w, 'quat', `${t.quat.length} numbers for ${n} frames (expected ${n * 4})`);
  for (const k of ['pos', 'quat'] as const) {
    const i = t[k].findIndex((v) => !Number.isFinite(v));
    if (i >= 0) fail('ParseError', w, `${k}[${i}]`, 'not a finite number');
  }
}

/** Poses of the engine's objects from `find` (nearest frame), null when no object is found. */
function referenceObjects(s: ObjectState, find: (name: string) => Located | null): RefObjects | null {
  const out: RefObjects = { has: [], pos: new Float32Array(s.nk * 3), quat: new Float32Array(s.nk * 4) };
  s.names.forEach((name, k) => {
    const a = find(name);
    out.has.push(!!a);
    if (!a) return;
    const n = a.track.pos.length / 3;
    const f = Math.min(n - 1, Math.max(0, Math.round(a.local * a.fps)));
    out.pos.set(a.track.pos.subarray(f * 3, f * 3 + 3), k * 3);
    out.quat.set(a.track.quat.subarray(f * 4, f * 4 + 4), k * 4);
  });
  return out.has.some(Boolean) ? out : null;
}

/** Mean position error over the objects the reference carries. */
function meanError(s: ObjectState, ref: RefObjects): number {
  let sum = 0,
    n = 0;
  for (let k = 0; k < s.nk; k++) {
    if (!ref.has[k]) continue;
    sum += objectPosError(s.pos, k, ref.pos, k);
    n++;
  }
  return sum / n;
}
