/** Clip sampling and editing: interpolation, resampling, trim, time scale, loop, mirror, velocities. */
import { fail } from '../errors';
import { diffRate, qMul, qSlerp, qYaw, qFromAxisAngle, qRotate, quatRate } from '../math';
import { clipDuration, type MotionClip } from './types';

export interface ClipSample {
  rootPos: Float32Array;
  rootQuat: Float32Array;
  jointPos: Float32Array;
}

/** Fractional frame position of time t: clamps to [0, end] or wraps when loop. */
function frameAt(clip: MotionClip, t: number, loop: boolean): [number, number, number] {
  const n = clip.nFrames;
  if (n === 1) return [0, 0, 0];
  let x = t * clip.fps;
  if (loop) x = ((x % (n - 1)) + (n - 1)) % (n - 1);
  x = Math.min(Math.max(x, 0), n - 1);
  const i = Math.min(Math.floor(x), n - 2);
  return [i, i + 1, x - i];
}

/** Sample the clip at time t (s): lerp positions/joints, slerp the root rotation. Clamps, or wraps with loop. */
export function sampleClip(clip: MotionClip, t: number, out: ClipSample, loop = false): ClipSample {
  const [a, b, u] = frameAt(clip, t, loop);
  const nj = clip.jointNames.length;
  for (let k = 0; k < 3; k++) out.rootPos[k] = clip.rootPos[a * 3 + k] * (1 - u) + clip.rootPos[b * 3 + k] * u;
  const q = qSlerp(clip.rootQuat.subarray(a * 4, a * 4 + 4), clip.rootQuat.subarray(b * 4, b * 4 + 4), u);
  out.rootQuat.set(q);
  for (let j = 0; j < nj; j++) out.jointPos[j] = clip.jointPos[a * nj + j] * (1 - u) + clip.jointPos[b * nj + j] * u;
  return out;
}

export const newSample = (nj: number): ClipSample => ({
  rootPos: new Float32Array(3),
  rootQuat: new Float32Array(4),
  jointPos: new Float32Array(nj),
});

/** A clip of `n` zero frames (fill every frame before use: its root quaternions are zero too). */
export function emptyClip(name: string, fps: number, jointNames: string[], n: number): MotionClip {
  const nj = jointNames.length;
  return {
    name,
    fps,
    nFrames: n,
    jointNames,
    rootPos: new Float32Array(n * 3),
    rootQuat: new Float32Array(n * 4),
    jointPos: new Float32Array(n * nj),
  };
}

/** Write frame k of a clip: root position, root quaternion [w,x,y,z], joint positions (clip order). */
export function setFrame(
  clip: MotionClip,
  k: number,
  rootPos: ArrayLike<number>,
  rootQuat: ArrayLike<number>,
  jointPos: ArrayLike<number>,
): void {
  const nj = clip.jointNames.length;
  clip.rootPos.set(rootPos, k * 3);
  clip.rootQuat.set(rootQuat, k * 4);
  clip.jointPos.set(jointPos, k * nj);
}

/** Build a clip of `n` frames at `fps`, frame k sampled at time timeOf(k) of the source. Body extras dropped. */
function rebuild(clip: MotionClip, fps: number, n: number, timeOf: (k: number) => number, loop = false): MotionClip {
  const out = emptyClip(clip.name, fps, [...clip.jointNames], n);
  const s = newSample(clip.jointNames.length);
  for (let k = 0; k < n; k++) {
    sampleClip(clip, timeOf(k), s, loop);
    setFrame(out, k, s.rootPos, s.rootQuat, s.jointPos);
  }
  return out;
}

/** Resample to a new frame rate; the frame count is floor(duration·fps + 1e-6) + 1. */
export function resampleClip(clip: MotionClip, fps: number): MotionClip {
  if (!(fps > 0)) fail('MotionError', clip.name, 'fps', `frame rate must be > 0 (got ${fps})`);
  const n = Math.floor(clipDuration(clip) * fps + 1e-6) + 1;
  return rebuild(clip, fps, n, (k) => k / fps);
}

/** The part between t0 and t1 seconds (clamped to the clip), at the same frame rate. */
export function trimClip(clip: MotionClip, t0: number, t1: number): MotionClip {
  const d = clipDuration(clip);
  const a = Math.max(0, Math.min(t0, d)),
    b = Math.max(a, Math.min(t1, d));
  const n = Math.floor((b - a) * clip.fps + 1e-6) + 1;
  return rebuild(clip, clip.fps, n, (k) => a + k / clip.fps);
}

/** Play `speed` times faster (speed > 1 shortens the clip), same frame rate. */
export function timeScaleClip(clip: MotionClip, speed: number): MotionClip {
  if (!(speed > 0)) fail('MotionError', clip.name, 'speed', `time scale must be > 0 (got ${speed})`);
  const n = Math.floor((clipDuration(clip) / speed) * clip.fps + 1e-6) + 1;
  return rebuild(clip, clip.fps, n, (k) => (k / clip.fps) * speed);
}

/**
 * Repeat the clip `times` times. Each repeat starts where the previous one ended in the ground plane: the root's
 * x,y displacement and yaw change over one pass are accumulated (so a walk keeps walking; an in-place skill stays).
 */
export function loopClip(clip: MotionClip, times: number): MotionClip {
  const n = clip.nFrames,
    nj = clip.jointNames.length;
  const reps = Math.max(1, Math.floor(times));
  if (n < 2 || reps === 1) return rebuild(clip, clip.fps, n, (k) => k / clip.fps);
  const total = (n - 1) * reps + 1;
  const out = rebuild(clip, clip.fps, total, () => 0);
  const p0 = clip.rootPos.subarray(0, 3),
    p1 = clip.rootPos.subarray((n - 1) * 3, n * 3);
  const dyaw = qYaw(clip.rootQuat.subarray((n - 1) * 4, n * 4)) - qYaw(clip.rootQuat.subarray(0, 4));
  let offX = 0,
    offY = 0,
    yaw = 0;
  for (let rep = 0; rep < reps; rep++) {
    const rq = qFromAxisAngle([0, 0, 1], yaw);
    for (let f = rep === 0 ? 0 : 1; f < n; f++) {
      const k = rep * (n - 1) + f;
      const rel = qRotate(rq, [clip.rootPos[f * 3] - p0[0], clip.rootPos[f * 3 + 1] - p0[1], 0]);
      out.rootPos[k * 3] = p0[0] + offX + rel[0];
      out.rootPos[k * 3 + 1] = p0[1] + offY + rel[1];
      out.rootPos[k * 3 + 2] = clip.rootPos[f * 3 + 2];
      out.rootQuat.set(qMul(rq, clip.rootQuat.subarray(f * 4, f * 4 + 4)), k * 4);
      out.jointPos.set(clip.jointPos.subarray(f * nj, (f + 1) * nj), k * nj);
    }
    const d = qRotate(rq, [p1[0] - p0[0], p1[1] - p0[1], 0]);
    offX += d[0];
    offY += d[1];
    yaw += dyaw;
  }
  return out;
}

/** Default left/right pairs: every `left_*` joint with its `right_*` twin (also `l_`/`r_`, `Left`/`Right`). */
export function mirrorPairs(names: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const a of names) {
    for (const [l, r] of [
      ['left_', 'right_'],
      ['l_', 'r_'],
      ['Left', 'Right'],
      ['left', 'right'],
    ]) {
      if (a.includes(l)) {
        const b = a.replace(l, r);
        if (names.includes(b)) {
          pairs.push([a, b]);
          break;
        }
      }
    }
  }
  return pairs;
}

/**
 * Mirror left/right: swap paired joints, negate roll and yaw joints (names containing "roll"/"yaw"), reflect
 * the root about the x–z plane (y → −y; quaternion (w,x,y,z) → (w,−x,y,−z)). Body extras are dropped.
 */
export function mirrorClip(clip: MotionClip, pairs?: [string, string][]): MotionClip {
  const names = clip.jointNames;
  const nj = names.length;
  const src = names.map((_, j) => j);
  for (const [a, b] of pairs ?? mirrorPairs(names)) {
    const ia = names.indexOf(a),
      ib = names.indexOf(b);
    if (ia < 0 || ib < 0) fail('MotionError', clip.name, `joint ${ia < 0 ? a : b}`, 'mirror pair joint not in the clip');
    src[ia] = ib;
    src[ib] = ia;
  }
  const sign = names.map((n) => (/roll|yaw/i.test(n) ? -1 : 1));
  const n = clip.nFrames;
  const out: MotionClip = {
    name: `${clip.name}_mirrored`,
    fps: clip.fps,
    nFrames: n,
    jointNames: [...names],
    rootPos: clip.rootPos.slice(),
    rootQuat: clip.rootQuat.slice(),
    jointPos: new Float32Array(n * nj),
  };
  for (let f = 0; f < n; f++) {
    out.rootPos[f * 3 + 1] *= -1;
    out.rootQuat[f * 4 + 1] *= -1;
    out.rootQuat[f * 4 + 3] *= -1;
    for (let j = 0; j < nj; j++) out.jointPos[f * nj + j] = sign[j] * clip.jointPos[f * nj + src[j]];
  }
  return out;
}

export interface ClipVelocities {
  jointVel: Float32Array;
  rootLinVel: Float32Array;
  rootAngVel: Float32Array;
}

/**
 * Joint and root linear velocity by central differences (one-sided at the ends); root angular velocity (world)
 * from the SO(3) log of q[k+1]·conj(q[k-1]) over 2·dt.
 */
export function clipVelocities(clip: MotionClip): ClipVelocities {
  const n = clip.nFrames,
    nj = clip.jointNames.length;
  const out: ClipVelocities = {
    jointVel: new Float32Array(n * nj),
    rootLinVel: new Float32Array(n * 3),
    rootAngVel: new Float32Array(n * 3),
  };
  if (n < 2) return out;
  for (let f = 0; f < n; f++) {
    const a = Math.max(0, f - 1),
      b = Math.min(n - 1, f + 1);
    const inv = clip.fps / (b - a);
    diffRate(clip.jointPos, b * nj, clip.jointPos, a * nj, nj, inv, out.jointVel, f * nj);
    diffRate(clip.rootPos, b * 3, clip.rootPos, a * 3, 3, inv, out.rootLinVel, f * 3);
    quatRate(clip.rootQuat, b * 4, clip.rootQuat, a * 4, inv, out.rootAngVel, f * 3);
  }
  return out;
}
