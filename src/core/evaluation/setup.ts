/**
 * Inputs of an evaluation as plain data (strings and bytes: they cross worker boundaries unchanged) and their
 * loading into a robot model, a policy configuration and a reference clip.
 */
import { fail } from '../errors';
import { loadRobot } from '../model/index';
import type { RobotModel } from '../model/types';
import type { FormatClip } from '../motion/formats/common';
import { isGmrNpz } from '../motion/formats/gmr-npz';
import { isHolosomaNpz, npzArrays } from '../motion/formats/holosoma';
import { readMotionFile, readMotionFolder } from '../motion/formats/read';
import { parseMotionNpz } from '../motion/npz';
import type { MotionClip } from '../motion/types';
import type { PhysicsOptions } from '../physics/types';
import type { PolicyConfig, PolicyConfigFiles } from '../policy/config';
import { resolvePolicyConfig } from '../policy/config';
import { readOnnxInfo } from '../policy/onnx';
import type { EngineKind } from './types';

export interface RobotSource {
  file: string;
  text: string;
  /** sibling files (meshes) by path relative to the robot file */
  files?: Record<string, Uint8Array>;
}

export interface PolicySource extends PolicyConfigFiles {
  file: string;
  bytes: Uint8Array;
}

export interface ClipSource {
  file: string;
  /** CSV text */
  text?: string;
  /** NPZ bytes */
  bytes?: Uint8Array;
  fps?: number;
  /** no clip data: the policy's own reference (embedded-reference exports) or motion length (phase-conditioned) */
  embedded?: boolean;
  /** BVH: the retarget config (motions/retarget/*.json) */
  retarget?: unknown;
  /** a folder (SONIC-style CSVs): its files by path relative to the folder */
  files?: Record<string, Uint8Array>;
  /** a file holding several clips (a PHC pickle): the one to run, by name */
  entry?: string;
}

/**
 * One side of a comparison: a policy (or, without one, a driver that PD-tracks the reference joints:
 * 'reference'; or 'zero' gains) on one engine with optional physics settings.
 */
export interface EvalVariant {
  label: string;
  engine: EngineKind;
  policy?: PolicySource;
  driver?: 'policy' | 'reference' | 'zero';
  physics?: Partial<PhysicsOptions>;
  /** multiply every PD gain (kp and kd) by this (default 1) */
  gainScale?: number;
  /** 'reference' driver: the built-in controller's assistive wrench on the root, 0..1 (default 0 = none) */
  assist?: number;
}

/** Resolve a sibling file by exact relative path, then by basename (meshes/ folders vary). */
export function resolverOf(files: Record<string, Uint8Array> | undefined): ((path: string) => Uint8Array | undefined) | undefined {
  if (!files) return undefined;
  const byBase = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(files)) byBase.set(k.split('/').pop()!.toLowerCase(), v);
  return (path: string) => {
    const p = path.replace(/^\.\//, '');
    return files[p] ?? byBase.get(p.split('/').pop()!.toLowerCase());
  };
}

export const loadRobotSource = (r: RobotSource): RobotModel => loadRobot(r.file, r.text, resolverOf(r.files));

/** The clips of a source, through the format readers (motion/formats): every readable format, rate from `fps`. */
export function readClipSource(c: ClipSource, model: RobotModel): FormatClip[] {
  if (c.files) return readMotionFolder(c.file, c.files, model, { fps: c.fps });
  const bytes = c.bytes ?? (c.text !== undefined ? new TextEncoder().encode(c.text) : undefined);
  if (bytes === undefined)
    return fail('MotionError', c.file, '', c.embedded ? 'this policy does not carry its reference: give a motion clip' : 'no clip data');
  if (/\.bvh$/i.test(c.file) && c.retarget === undefined) return fail('MotionError', c.file, '', 'a BVH clip needs a retarget config');
  return readMotionFile(c.file, bytes, model, { fps: c.fps, ...(c.retarget !== undefined ? { bvhConfig: c.retarget } : {}) });
}

export function loadClip(c: ClipSource, model: RobotModel): MotionClip {
  // a BeyondMimic NPZ: bodies named by the robot (other NPZ layouts: the format readers)
  if (c.bytes && /\.npz$/i.test(c.file) && !c.fps) {
    const a = npzArrays(c.bytes, c.file);
    if (!isHolosomaNpz(a) && !isGmrNpz(a))
      return parseMotionNpz(
        c.bytes,
        c.file,
        model.joints.map((j) => j.name),
        model.bodies.map((b) => b.name),
      );
  }
  const clips = readClipSource(c, model);
  if (c.entry !== undefined) {
    const hit = clips.find((x) => x.name === c.entry);
    return hit ?? fail('MotionError', c.file, `clip ${c.entry}`, `not in the file (it holds ${clips.map((x) => x.name).join(', ')})`);
  }
  if (clips.length !== 1)
    fail(
      'MotionError',
      c.file,
      'clips',
      `holds ${clips.length} clips (${clips
        .map((x) => x.name)
        .slice(0, 10)
        .join(', ')}): name one`,
    );
  return { ...clips[0], name: c.file };
}

export function loadPolicyConfig(p: PolicySource, model: RobotModel): PolicyConfig {
  const info = readOnnxInfo(p.bytes, p.file);
  return resolvePolicyConfig({
    info,
    file: p.file,
    robot: model,
    yaml: p.yaml,
    yamlFile: p.yamlFile,
    profile: p.profile,
    profileFile: p.profileFile,
  });
}

/** A clip that holds one pose (root pose + joint angles by model order) for `seconds`. */
export function holdClip(
  model: RobotModel,
  rootPos: number[],
  rootQuat: number[],
  jointPos: ArrayLike<number>,
  seconds: number,
  name = 'hold',
): MotionClip {
  const nj = model.joints.length;
  const jp = new Float32Array(2 * nj);
  jp.set(Array.from(jointPos), 0);
  jp.set(Array.from(jointPos), nj);
  return {
    name,
    fps: 1 / seconds,
    nFrames: 2,
    jointNames: model.joints.map((j) => j.name),
    rootPos: Float32Array.from([...rootPos, ...rootPos]),
    rootQuat: Float32Array.from([...rootQuat, ...rootQuat]),
    jointPos: jp,
  };
}
