/**
 * Live blending of two or more clips with weights and per-body-part masks (headless).
 * Body parts are found from joint names (legs: hip/knee/ankle; torso: waist/torso; left/right arm:
 * shoulder/elbow/wrist/hand with a left_/right_ prefix), so "legs from the march, arms from the wave" is
 * layer weights {march: legs 1, arms 0} + {wave: legs 0, arms 1}. Rotation-aware: the root orientation is a
 * weighted slerp, positions and joint angles weighted means, joint angles clamped within the robot's limits.
 * Each layer loops its clip with a root-continuous loop (see timeline.ts), at its own speed and offset.
 */
import type { MotionClip } from './types';
import { qNormalize, qSlerp } from '../math';
import { sampleTimeline, type PoseOut, type Timeline } from './timeline';

export const BODY_PARTS = ['root', 'legs', 'torso', 'leftArm', 'rightArm'] as const;
export type BodyPart = (typeof BODY_PARTS)[number];
export type PartMask = Record<BodyPart, number>;

export interface BlendLayer {
  clip: MotionClip;
  /** overall weight, >= 0 */
  weight: number;
  /** per-part weight 0..1 (multiplies `weight`) */
  mask: PartMask;
  /** playback speed (default 1) and clip-time offset, s (default 0) */
  speed?: number;
  offset?: number;
}

export interface BlendSpec {
  /** output joint order (the robot's) */
  jointNames: string[];
  layers: BlendLayer[];
  /** [lower, upper] per output joint or null (unlimited); from RobotModel.joints */
  limits?: ([number, number] | null)[];
  /** loop crossfade of each layer, s (default 0.3) */
  loopCrossfade?: number;
}

export const fullMask = (v = 1): PartMask => ({ root: v, legs: v, torso: v, leftArm: v, rightArm: v });

export function maskOf(parts: BodyPart[]): PartMask {
  const m = fullMask(0);
  for (const p of parts) m[p] = 1;
  return m;
}

/** Which body part a joint belongs to, by name pattern. Unknown joints go to the torso. */
export function bodyPartOf(jointName: string): Exclude<BodyPart, 'root'> {
  const n = jointName.toLowerCase();
  if (/hip|knee|ankle|thigh|shin|foot|toe|leg/.test(n)) return 'legs';
  if (/shoulder|elbow|wrist|hand|arm|finger/.test(n)) {
    if (/^(left|l)[_-]|_left_|^left/.test(n)) return 'leftArm';
    if (/^(right|r)[_-]|_right_|^right/.test(n)) return 'rightArm';
  }
  return 'torso';
}

const loops = new WeakMap<MotionClip, Map<number, Timeline>>();
function loopTimeline(clip: MotionClip, names: string[], fade: number): Timeline {
  let byFade = loops.get(clip);
  if (!byFade) loops.set(clip, (byFade = new Map<number, Timeline>()));
  let tl = byFade.get(fade);
  if (!tl || tl.jointNames.join(',') !== names.join(',')) {
    const dur = (clip.nFrames - 1) / clip.fps;
    tl = { jointNames: names, loop: true, segments: [{ id: 'loop', clip, in: 0, out: dur, driver: 'replay', crossfade: fade }] };
    byFade.set(fade, tl);
  }
  return tl;
}

const partCache = new Map<string, Exclude<BodyPart, 'root'>[]>();
function partsOf(names: string[]): Exclude<BodyPart, 'root'>[] {
  const key = names.join(',');
  let p = partCache.get(key);
  if (!p) partCache.set(key, (p = names.map(bodyPartOf)));
  return p;
}

const pools = new Map<number, PoseOut[]>();
function pool(nj: number, k: number): PoseOut[] {
  let p = pools.get(nj);
  if (!p) pools.set(nj, (p = []));
  while (p.length < k) p.push({ rootPos: [0, 0, 0], rootQuat: [1, 0, 0, 0], jointPos: new Array(nj).fill(0) });
  return p;
}

/** Sample the blend at time t (s). Writes the blended pose into out (joints in spec.jointNames order). */
export function sampleBlend(spec: BlendSpec, t: number, out: PoseOut): void {
  const names = spec.jointNames,
    nj = names.length;
  const layers = spec.layers.filter((l) => l.weight > 0);
  if (layers.length === 0) throw new Error('sampleBlend: no layer with a positive weight');
  const poses = pool(nj, layers.length);
  const fade = spec.loopCrossfade ?? 0.3;
  layers.forEach((l, i) => sampleTimeline(loopTimeline(l.clip, names, fade), (l.offset ?? 0) + t * (l.speed ?? 1), poses[i]));
  // root: weighted mean of positions, incremental weighted slerp of orientations
  const rootW = layers.map((l) => l.weight * l.mask.root);
  const rw = rootW.some((w) => w > 0) ? rootW : layers.map((l) => l.weight);
  let sum = 0;
  const pos = [0, 0, 0];
  let q: number[] | null = null;
  layers.forEach((_, i) => {
    const w = rw[i];
    if (w <= 0) return;
    sum += w;
    for (let k = 0; k < 3; k++) pos[k] += poses[i].rootPos[k] * w;
    q = q ? qSlerp(q, poses[i].rootQuat, w / sum) : Array.from(poses[i].rootQuat);
  });
  for (let k = 0; k < 3; k++) out.rootPos[k] = pos[k] / sum;
  const qn = qNormalize(q!);
  for (let k = 0; k < 4; k++) out.rootQuat[k] = qn[k];
  // joints: per-part weights; a part no layer covers falls back to the plain layer weights
  const parts = partsOf(names);
  for (let j = 0; j < nj; j++) {
    let s = 0,
      v = 0;
    for (let i = 0; i < layers.length; i++) {
      const w = layers[i].weight * layers[i].mask[parts[j]];
      s += w;
      v += w * poses[i].jointPos[j];
    }
    if (s <= 1e-9) {
      s = 0;
      v = 0;
      for (let i = 0; i < layers.length; i++) {
        s += layers[i].weight;
        v += layers[i].weight * poses[i].jointPos[j];
      }
    }
    let a = v / s;
    const lim = spec.limits?.[j];
    if (lim) a = Math.min(Math.max(a, lim[0]), lim[1]);
    out.jointPos[j] = a;
  }
}
