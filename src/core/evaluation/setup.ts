/**
 * Inputs of an evaluation as plain data (strings and bytes: they cross worker boundaries unchanged) and their
 * loading into a robot model, a policy configuration and a reference clip.
 */
import { fail } from '../errors';
import { loadRobot } from '../model/index';
import type { RobotModel } from '../model/types';
import { parseMotionCsv } from '../motion/csv';
import { parseMotionNpz } from '../motion/npz';
import { parseBvh } from '../motion/bvh';
import { retargetBvh } from '../motion/retarget';
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

export function loadClip(c: ClipSource, model: RobotModel): MotionClip {
  const names = model.joints.map((j) => j.name);
  if (c.bytes && /\.npz$/i.test(c.file)) return parseMotionNpz(c.bytes, c.file, names, model.bodies.map((b) => b.name));
  const text = c.text ?? (c.bytes ? new TextDecoder().decode(c.bytes) : undefined);
  if (text === undefined) return fail('MotionError', c.file, '', c.embedded ? 'this policy does not carry its reference: give a motion clip' : 'no clip data');
  if (/\.bvh$/i.test(c.file)) {
    if (c.retarget === undefined) return fail('MotionError', c.file, '', 'a BVH clip needs a retarget config');
    return retargetBvh(parseBvh(text, c.file), model, c.retarget, c.file);
  }
  return parseMotionCsv(text, c.file, names, c.fps);
}

export function loadPolicyConfig(p: PolicySource, model: RobotModel): PolicyConfig {
  const info = readOnnxInfo(p.bytes, p.file);
  return resolvePolicyConfig({ info, file: p.file, robot: model, yaml: p.yaml, yamlFile: p.yamlFile, profile: p.profile, profileFile: p.profileFile });
}

/** A clip that holds one pose (root pose + joint angles by model order) for `seconds`. */
export function holdClip(model: RobotModel, rootPos: number[], rootQuat: number[], jointPos: ArrayLike<number>, seconds: number, name = 'hold'): MotionClip {
  const nj = model.joints.length;
  const jp = new Float32Array(2 * nj);
  jp.set(Array.from(jointPos), 0);
  jp.set(Array.from(jointPos), nj);
  return {
    name, fps: 1 / seconds, nFrames: 2, jointNames: model.joints.map((j) => j.name),
    rootPos: Float32Array.from([...rootPos, ...rootPos]), rootQuat: Float32Array.from([...rootQuat, ...rootQuat]), jointPos: jp,
  };
}
