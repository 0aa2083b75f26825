/**
 * BVH motion capture: validated by our own pass (line numbers in every error), then parsed by three's BVHLoader.
 * Result is in source units and axes (CMU: Y up, offsets in the file's unit); see retarget.ts for the robot.
 */
import { BVHLoader } from 'three/examples/jsm/loaders/BVHLoader.js';
import { fail } from '../errors';
import { checkClipSize, LIMITS } from '../validate';
import { qMul, qRotate } from '../math';
import { clipNameOf } from './csv';

export interface BvhBone {
  name: string;
  /** index of the parent bone, -1 for the root */
  parent: number;
  offset: [number, number, number];
  channels: string[];
  /** an End Site (no channels; named `<parent>_End`) */
  endSite: boolean;
}

export interface BvhData {
  name: string;
  file: string;
  frameTime: number;
  nFrames: number;
  bones: BvhBone[];
  boneIndex: Map<string, number>;
  /** local translation (offset + position channels) per frame per bone, [f][b][3] */
  localPos: Float32Array;
  /** local rotation per frame per bone, [w,x,y,z], [f][b][4] */
  localQuat: Float32Array;
}

const CHANNELS = new Set(['Xposition', 'Yposition', 'Zposition', 'Xrotation', 'Yrotation', 'Zrotation']);

interface Checked {
  bones: BvhBone[];
  nFrames: number;
  frameTime: number;
}

/** Our validation pass: structure, channel counts, frame count, frame time, finite values. */
function validate(text: string, file: string): Checked {
  const lines = text.split(/\r?\n|\r/);
  let i = 0;
  const err = (line: number, msg: string): never => fail('ParseError', file, `line ${line}`, msg);
  const next = (): { t: string[]; line: number } => {
    while (i < lines.length && lines[i].trim() === '') i++;
    if (i >= lines.length) err(lines.length, 'unexpected end of file (truncated?)');
    const line = i + 1;
    return { t: lines[i++].trim().split(/\s+/), line };
  };
  const num = (s: string | undefined, line: number, what: string): number => {
    const v = Number(s);
    if (s === undefined || !Number.isFinite(v)) err(line, `${what}: "${s ?? ''}" is not a finite number`);
    return v;
  };
  let h = next();
  if (h.t[0] !== 'HIERARCHY') err(h.line, `expected HIERARCHY, got "${h.t[0]}"`);
  const bones: BvhBone[] = [];
  const stack: number[] = [];
  h = next();
  if (h.t[0] !== 'ROOT') err(h.line, `expected ROOT, got "${h.t[0]}"`);
  let pending: { name: string; end: boolean; line: number } | null = { name: h.t[1] ?? 'root', end: false, line: h.line };
  while (true) {
    const l = next();
    const key = l.t[0];
    if (key === '{') {
      if (!pending) err(l.line, 'unexpected "{"');
      const parent = stack.length ? stack[stack.length - 1] : -1;
      const name = pending!.end ? `${bones[parent]?.name ?? 'root'}_End` : pending!.name;
      bones.push({ name, parent, offset: [0, 0, 0], channels: [], endSite: pending!.end });
      if (stack.length >= LIMITS.maxDepth) err(l.line, `hierarchy nested deeper than ${LIMITS.maxDepth} levels`);
      if (bones.length > LIMITS.maxBodies) err(l.line, `more than ${LIMITS.maxBodies} joints in the hierarchy`);
      stack.push(bones.length - 1);
      pending = null;
    } else if (key === '}') {
      if (!stack.length) err(l.line, 'unbalanced "}"');
      stack.pop();
      if (!stack.length) break;
    } else if (key === 'OFFSET') {
      if (!stack.length || pending) err(l.line, 'OFFSET outside a joint');
      const b = bones[stack[stack.length - 1]];
      if (l.t.length !== 4) err(l.line, `OFFSET needs 3 numbers, got ${l.t.length - 1}`);
      b.offset = [num(l.t[1], l.line, 'OFFSET x'), num(l.t[2], l.line, 'OFFSET y'), num(l.t[3], l.line, 'OFFSET z')];
      if (b.offset.some((x) => Math.abs(x) > LIMITS.maxBvhValue)) err(l.line, `OFFSET beyond ±${LIMITS.maxBvhValue}`);
    } else if (key === 'CHANNELS') {
      if (!stack.length || pending) err(l.line, 'CHANNELS outside a joint');
      const b = bones[stack[stack.length - 1]];
      const n = Number(l.t[1]);
      const names = l.t.slice(2);
      if (!Number.isInteger(n) || n < 0) err(l.line, `bad channel count "${l.t[1]}"`);
      if (names.length !== n) err(l.line, `CHANNELS says ${n} but lists ${names.length} channel names`);
      const bad = names.find((c) => !CHANNELS.has(c));
      if (bad) err(l.line, `unknown channel "${bad}"`);
      if (b.endSite) err(l.line, 'an End Site has no channels');
      b.channels = names;
    } else if (key === 'JOINT' || key === 'End') {
      if (pending) err(l.line, `expected "{" after ${pending.name}`);
      if (!stack.length) err(l.line, `${key} outside the hierarchy`);
      pending = key === 'End' ? { name: '', end: true, line: l.line } : { name: l.t[1] ?? '', end: false, line: l.line };
      if (key === 'JOINT' && !l.t[1]) err(l.line, 'JOINT without a name');
    } else if (key === 'MOTION' || key === 'ROOT') {
      err(l.line, `${key} before the hierarchy is closed (${stack.length} "{" still open)`);
    } else {
      err(l.line, `unexpected "${l.t.join(' ')}" in the hierarchy`);
    }
  }
  const names = new Set<string>();
  for (const b of bones) {
    if (!b.endSite && names.has(b.name)) fail('ParseError', file, `joint ${b.name}`, 'duplicate joint name');
    names.add(b.name);
  }
  let l = next();
  if (l.t[0] !== 'MOTION') err(l.line, `expected MOTION, got "${l.t[0]}"`);
  l = next();
  if (l.t[0] !== 'Frames:') err(l.line, `expected "Frames: N", got "${l.t.join(' ')}"`);
  const nFrames = num(l.t[1], l.line, 'Frames');
  if (!Number.isInteger(nFrames) || nFrames <= 0) err(l.line, `Frames must be a positive integer (got ${l.t[1]})`);
  l = next();
  if (l.t[0] !== 'Frame' || l.t[1] !== 'Time:') err(l.line, `expected "Frame Time: dt", got "${l.t.join(' ')}"`);
  const frameTime = num(l.t[2], l.line, 'Frame Time');
  if (!(frameTime >= 1 / LIMITS.maxFps && frameTime <= 1 / LIMITS.minFps))
    err(
      l.line,
      `Frame Time ${l.t[2]} s is outside [${1 / LIMITS.maxFps}, ${1 / LIMITS.minFps}] s (${LIMITS.minFps}–${LIMITS.maxFps} frames per second)`,
    );
  const nch = bones.reduce((a, b) => a + b.channels.length, 0);
  checkClipSize(nFrames, bones.length * 7, 1 / frameTime, { file, where: `line ${l.line}` });
  for (let f = 0; f < nFrames; f++) {
    while (i < lines.length && lines[i].trim() === '') i++;
    if (i >= lines.length) err(lines.length, `truncated: header says ${nFrames} frames, file has ${f}`);
    const line = i + 1;
    const t = lines[i++].trim().split(/\s+/);
    if (t.length !== nch) err(line, `frame ${f} has ${t.length} values but the hierarchy has ${nch} channels`);
    for (let k = 0; k < t.length; k++) {
      const v = num(t[k], line, `frame ${f}, channel ${k + 1}`);
      if (Math.abs(v) > LIMITS.maxBvhValue) err(line, `frame ${f}, channel ${k + 1}: ${t[k]} is beyond ±${LIMITS.maxBvhValue}`);
    }
  }
  return { bones, nFrames, frameTime };
}

export function parseBvh(text: string, file: string): BvhData {
  const { bones, nFrames, frameTime } = validate(text, file);
  let result: ReturnType<BVHLoader['parse']>;
  try {
    result = new BVHLoader().parse(text); // it logs rather than throws on bad input: our pass above comes first
  } catch (e) {
    return fail('ParseError', file, 'BVH', `BVHLoader failed: ${(e as Error).message}`);
  }
  const nb = bones.length;
  const boneIndex = new Map<string, number>();
  bones.forEach((b, k) => {
    if (!b.endSite) boneIndex.set(b.name, k);
  });
  const localPos = new Float32Array(nFrames * nb * 3);
  const localQuat = new Float32Array(nFrames * nb * 4);
  for (let f = 0; f < nFrames; f++) {
    for (let b = 0; b < nb; b++) {
      localPos.set(bones[b].offset, (f * nb + b) * 3);
      localQuat[(f * nb + b) * 4] = 1;
    }
  }
  for (const track of result.clip.tracks) {
    const [boneName, prop] = track.name.split('.');
    const b = boneIndex.get(boneName);
    if (b === undefined) continue;
    const v = track.values;
    if (track.times.length !== nFrames) fail('ParseError', file, `joint ${boneName}`, 'frame count mismatch in BVHLoader output');
    for (let f = 0; f < nFrames; f++) {
      if (prop === 'position') localPos.set(v.subarray(f * 3, f * 3 + 3), (f * nb + b) * 3);
      else if (prop === 'quaternion') {
        const o = (f * nb + b) * 4;
        localQuat[o] = v[f * 4 + 3];
        localQuat[o + 1] = v[f * 4];
        localQuat[o + 2] = v[f * 4 + 1];
        localQuat[o + 3] = v[f * 4 + 2];
      }
    }
  }
  return { name: clipNameOf(file), file, frameTime, nFrames, bones, boneIndex, localPos, localQuat };
}

/** World poses (source units/axes) of every bone at one frame: pos [nb*3], quat [nb*4] (w,x,y,z). */
export function bvhWorldPoses(bvh: BvhData, frame: number, pos: Float64Array, quat: Float64Array): void {
  const nb = bvh.bones.length;
  for (let b = 0; b < nb; b++) {
    const o = frame * nb + b;
    const lp = bvh.localPos.subarray(o * 3, o * 3 + 3);
    const lq = bvh.localQuat.subarray(o * 4, o * 4 + 4);
    const p = bvh.bones[b].parent;
    if (p < 0) {
      pos.set(lp, b * 3);
      quat.set(lq, b * 4);
    } else {
      const pq = quat.subarray(p * 4, p * 4 + 4);
      const r = qRotate(pq, lp);
      pos[b * 3] = pos[p * 3] + r[0];
      pos[b * 3 + 1] = pos[p * 3 + 1] + r[1];
      pos[b * 3 + 2] = pos[p * 3 + 2] + r[2];
      quat.set(qMul(pq, lq), b * 4);
    }
  }
}
