/**
 * Composition: a timeline of clip segments played one after another with crossfaded transitions.
 * Headless. Each next segment's root is aligned (yaw about z + horizontal position) to the previous
 * segment's pose where the transition starts, so the composed reference has no root jump; across the
 * overlap the root is blended by slerp/lerp and the joints by lerp with a smoothstep weight.
 * Joints are matched BY NAME to `timeline.jointNames`; a joint a clip lacks holds 0.
 */
import type { MotionClip } from './types';
import { qMul, qNormalize, qSlerp, qYaw } from '../math';

export type DriverKind = 'replay' | 'builtin' | 'policy';

/**
 * What a 'policy' segment runs (absent: the global policy tracking the segment's clip): a tracking policy on the
 * segment's clip ('clip'), a tracking policy on its own embedded motion ('embedded': the segment's length is the
 * probed embedded length), or a locomotion policy on a command track ('command'; 'live': a steering provider).
 */
export type SkillMode = 'clip' | 'embedded' | 'command';
export interface SegmentSkill {
  /** the loaded policy (asset id); absent: the global one */
  policyId?: string;
  mode: SkillMode;
  /** mode 'command': times → body-frame [vx, vy, wz] (m/s, rad/s), or 'live' */
  commands?: { t: number; vx: number; vy: number; wz: number }[] | 'live';
}

export interface TimelineSegment {
  id: string;
  clip: MotionClip;
  /** in / out points, seconds of clip time (out <= clip duration) */
  in: number;
  out: number;
  driver: DriverKind;
  /** crossfade from the previous segment into this one, s (ignored for the first unless the timeline loops) */
  crossfade: number;
  /** driver 'policy': which policy and what it follows (absent: the global policy on the clip) */
  skill?: SegmentSkill;
}

export interface Timeline {
  jointNames: string[];
  segments: TimelineSegment[];
  loop: boolean;
}

export interface PoseOut {
  rootPos: Float32Array | number[];
  rootQuat: Float32Array | number[];
  /** in timeline.jointNames order */
  jointPos: Float32Array | number[];
}

export interface TimelineSample {
  /** index of the segment that dominates at t (weight >= 0.5) */
  segment: number;
  driver: DriverKind;
  /** weight of the incoming segment inside a transition, else 0 */
  blend: number;
  /** loop pass */
  pass: number;
}

/** A rigid transform in the ground plane: rotate by yaw about z, then translate (x, y). */
interface Planar {
  yaw: number;
  x: number;
  y: number;
}
const IDENT: Planar = { yaw: 0, x: 0, y: 0 };
const compose = (a: Planar, b: Planar): Planar => {
  const c = Math.cos(a.yaw),
    s = Math.sin(a.yaw);
  return { yaw: a.yaw + b.yaw, x: a.x + c * b.x - s * b.y, y: a.y + s * b.x + c * b.y };
};

export const segmentDuration = (s: TimelineSegment): number => Math.max(0, s.out - s.in);
const clipLength = (c: MotionClip): number => (c.nFrames - 1) / c.fps;

/** crossfade into segment i, clamped to half of each neighbour's duration */
function fadeInto(tl: Timeline, i: number): number {
  const n = tl.segments.length;
  if (i === 0 && !tl.loop) return 0;
  const prev = tl.segments[(i - 1 + n) % n],
    cur = tl.segments[i];
  return Math.max(0, Math.min(cur.crossfade, segmentDuration(prev) / 2, segmentDuration(cur) / 2));
}

interface Layout {
  starts: number[]; // start time of each segment in pass 0
  fades: number[];
  transforms: Planar[]; // per segment, pass 0
  passTransform: Planar; // maps pass k to pass k+1
  period: number; // start of pass 1 (loop) or total length
  total: number; // end of the last segment of pass 0
  powers: Planar[]; // passTransform^k, grown on demand
}

const maps = new WeakMap<MotionClip, Map<string, Int32Array>>();
function jointMap(clip: MotionClip, names: string[]): Int32Array {
  let byKey = maps.get(clip);
  if (!byKey) maps.set(clip, (byKey = new Map<string, Int32Array>()));
  const key = names.join(',');
  let m = byKey.get(key);
  if (!m) {
    const idx = new Map(clip.jointNames.map((n, i) => [n, i]));
    m = Int32Array.from(names, (n) => idx.get(n) ?? -1);
    byKey.set(key, m);
  }
  return m;
}

/** Raw clip pose at clip time t (clamped), joints in `names` order. */
export function sampleClipPose(clip: MotionClip, names: string[], t: number, out: PoseOut): void {
  const f = Math.min(Math.max(t * clip.fps, 0), clip.nFrames - 1);
  const i0 = Math.floor(f),
    i1 = Math.min(i0 + 1, clip.nFrames - 1),
    a = f - i0;
  for (let k = 0; k < 3; k++) out.rootPos[k] = clip.rootPos[i0 * 3 + k] * (1 - a) + clip.rootPos[i1 * 3 + k] * a;
  const q = qSlerp(clip.rootQuat.subarray(i0 * 4, i0 * 4 + 4), clip.rootQuat.subarray(i1 * 4, i1 * 4 + 4), a);
  for (let k = 0; k < 4; k++) out.rootQuat[k] = q[k];
  const m = jointMap(clip, names),
    nj = clip.jointNames.length;
  for (let j = 0; j < names.length; j++) {
    const c = m[j];
    out.jointPos[j] = c < 0 ? 0 : clip.jointPos[i0 * nj + c] * (1 - a) + clip.jointPos[i1 * nj + c] * a;
  }
}

const newPose = (nj: number): PoseOut => ({ rootPos: [0, 0, 0], rootQuat: [1, 0, 0, 0], jointPos: new Array(nj).fill(0) });

function applyPlanar(T: Planar, p: PoseOut): void {
  const c = Math.cos(T.yaw),
    s = Math.sin(T.yaw);
  const x = p.rootPos[0],
    y = p.rootPos[1];
  p.rootPos[0] = T.x + c * x - s * y;
  p.rootPos[1] = T.y + s * x + c * y;
  const q = qMul([Math.cos(T.yaw / 2), 0, 0, Math.sin(T.yaw / 2)], p.rootQuat);
  for (let k = 0; k < 4; k++) p.rootQuat[k] = q[k];
}

/** Transform that moves `from` (raw pose) onto `to` (already placed pose) in yaw and horizontal position. */
function align(from: PoseOut, to: PoseOut): Planar {
  const yaw = qYaw(to.rootQuat) - qYaw(from.rootQuat);
  const c = Math.cos(yaw),
    s = Math.sin(yaw);
  const fx = c * from.rootPos[0] - s * from.rootPos[1],
    fy = s * from.rootPos[0] + c * from.rootPos[1];
  return { yaw, x: to.rootPos[0] - fx, y: to.rootPos[1] - fy };
}

const layouts = new WeakMap<Timeline, { sig: string; layout: Layout }>();
const signature = (tl: Timeline): string =>
  tl.loop + '|' + tl.segments.map((s) => `${s.id}:${s.clip.name}:${s.clip.nFrames}:${s.in}:${s.out}:${s.crossfade}`).join('|');

export function timelineLayout(tl: Timeline): Layout {
  const sig = signature(tl);
  const hit = layouts.get(tl);
  if (hit && hit.sig === sig) return hit.layout;
  const n = tl.segments.length;
  const starts: number[] = [],
    fades: number[] = [],
    transforms: Planar[] = [];
  const a = newPose(tl.jointNames.length),
    b = newPose(tl.jointNames.length);
  let t = 0;
  let passTransform = IDENT;
  for (let i = 0; i <= n; i++) {
    const seg = tl.segments[i % n];
    const fade = i === n ? fadeInto(tl, 0) : fadeInto(tl, i);
    let T = IDENT;
    if (i > 0) {
      const prev = tl.segments[i - 1];
      t = starts[i - 1] + segmentDuration(prev) - fade;
      // previous segment placed, at the moment the transition starts
      sampleClipPose(prev.clip, tl.jointNames, prev.in + segmentDuration(prev) - fade, a);
      applyPlanar(transforms[i - 1], a);
      sampleClipPose(seg.clip, tl.jointNames, seg.in, b);
      T = align(b, a);
    }
    if (i === n) {
      passTransform = T;
      break;
    }
    starts.push(t);
    fades.push(fade);
    transforms.push(T);
  }
  const total = n ? starts[n - 1] + segmentDuration(tl.segments[n - 1]) : 0;
  const period = n && tl.loop ? starts[n - 1] + segmentDuration(tl.segments[n - 1]) - fadeInto(tl, 0) : total;
  // pass transform relative to segment 0's own (identity) transform
  const layout: Layout = { starts, fades, transforms, passTransform, period, total, powers: [IDENT] };
  layouts.set(tl, { sig, layout });
  return layout;
}

/** Total playing time of one pass (for a looping timeline: the period). */
export function timelineDuration(tl: Timeline): number {
  return tl.segments.length ? timelineLayout(tl).period : 0;
}

function passPow(L: Layout, k: number): Planar {
  const p = L.powers;
  while (p.length <= k) p.push(compose(L.passTransform, p[p.length - 1]));
  return p[k];
}

const smooth = (u: number): number => (u <= 0 ? 0 : u >= 1 ? 1 : u * u * (3 - 2 * u));
const scratch = new Map<number, [PoseOut, PoseOut]>();

function placed(tl: Timeline, L: Layout, i: number, pass: number, t: number, out: PoseOut): void {
  const seg = tl.segments[i];
  const local = Math.min(Math.max(t - (L.starts[i] + pass * L.period), 0), segmentDuration(seg));
  sampleClipPose(seg.clip, tl.jointNames, seg.in + local, out);
  applyPlanar(compose(passPow(L, pass), L.transforms[i]), out);
}

/** Sample the composed reference at timeline time t (s). Writes out; returns which segment plays. */
export function sampleTimeline(tl: Timeline, t: number, out: PoseOut): TimelineSample {
  const n = tl.segments.length,
    nj = tl.jointNames.length;
  if (n === 0) throw new Error('sampleTimeline: empty timeline');
  const L = timelineLayout(tl);
  let pass = 0;
  if (tl.loop && L.period > 0) {
    pass = Math.max(0, Math.floor(t / L.period));
  } else t = Math.min(Math.max(t, 0), L.total);
  let tp = t - pass * L.period;
  if (tl.loop && pass > 0 && tp < L.fades[0]) {
    pass--;
    tp += L.period;
  } // inside the loop transition
  // the last segment started by tp, and whether tp lies inside its incoming crossfade
  let i = n - 1;
  while (i > 0 && L.starts[i] > tp) i--;
  const prevPass = pass;
  let cur = i,
    curPass = pass,
    prev = -1,
    start = L.starts[i];
  if (tl.loop && tp >= L.period) {
    cur = 0;
    curPass = pass + 1;
    start = L.period;
    prev = n - 1;
  } else if (i > 0) prev = i - 1;
  const fade = L.fades[cur];
  let w = 1;
  if (prev >= 0 && fade > 0 && tp < start + fade) w = smooth((tp - start) / fade);
  placed(tl, L, cur, curPass, t, out);
  if (w < 1) {
    let pair = scratch.get(nj);
    if (!pair) scratch.set(nj, (pair = [newPose(nj), newPose(nj)]));
    const a = pair[0];
    placed(tl, L, prev, prevPass, t, a);
    for (let k = 0; k < 3; k++) out.rootPos[k] = a.rootPos[k] + (out.rootPos[k] - a.rootPos[k]) * w;
    const q = qNormalize(qSlerp(a.rootQuat, out.rootQuat, w));
    for (let k = 0; k < 4; k++) out.rootQuat[k] = q[k];
    for (let j = 0; j < nj; j++) out.jointPos[j] = a.jointPos[j] + (out.jointPos[j] - a.jointPos[j]) * w;
  }
  const dominant = w >= 0.5 || prev < 0;
  const seg = dominant ? cur : prev;
  const p = dominant ? curPass : prevPass;
  return { segment: seg, driver: tl.segments[seg].driver, blend: w < 1 ? w : 0, pass: p };
}

/**
 * The segment that has STARTED by timeline time t (its incoming crossfade included, unlike sampleTimeline's
 * dominant segment), its loop pass, and t relative to its start, s. Policy switches begin where a segment starts.
 */
export function startedSegment(tl: Timeline, t: number): { index: number; pass: number; local: number } {
  const n = tl.segments.length;
  if (n === 0) throw new Error('startedSegment: empty timeline');
  const L = timelineLayout(tl);
  let pass = 0;
  if (tl.loop && L.period > 0) pass = Math.max(0, Math.floor(t / L.period));
  else t = Math.min(Math.max(t, 0), L.total);
  const tp = t - pass * L.period;
  let i = n - 1;
  while (i > 0 && L.starts[i] > tp) i--;
  return { index: i, pass, local: tp - L.starts[i] };
}

/** A segment covering a whole clip. */
export function clipSegment(clip: MotionClip, id: string, driver: DriverKind = 'replay', crossfade = 0.5): TimelineSegment {
  return { id, clip, in: 0, out: clipLength(clip), driver, crossfade };
}

/** Pure list edits (return new arrays; the store keeps the timeline immutable). */
export const addSegment = (tl: Timeline, s: TimelineSegment, at = tl.segments.length): Timeline => {
  const segments = tl.segments.slice();
  segments.splice(at, 0, s);
  return { ...tl, segments };
};
export const removeSegment = (tl: Timeline, index: number): Timeline => ({
  ...tl,
  segments: tl.segments.filter((_, i) => i !== index),
});
export const moveSegment = (tl: Timeline, from: number, to: number): Timeline => {
  const segments = tl.segments.slice();
  const [s] = segments.splice(from, 1);
  segments.splice(Math.max(0, Math.min(to, segments.length)), 0, s);
  return { ...tl, segments };
};
export const updateSegment = (tl: Timeline, index: number, patch: Partial<TimelineSegment>): Timeline => ({
  ...tl,
  segments: tl.segments.map((s, i) => (i === index ? { ...s, ...patch } : s)),
});
