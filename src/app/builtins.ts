/** Built-in assets: the humanoid (public/robots/humanoid29.xml) and the skills (motions/*.csv + index.json). */
import { records, type AssetRecord } from './assets';
import { mjcfKeyframes } from '../core/model/index';
import type { RobotModel } from '../core/model/types';
import type { MotionClip } from '../core/motion/types';

const skillFiles = import.meta.glob('../../motions/*.csv', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const indexFiles = import.meta.glob('../../motions/index.json', { import: 'default', eager: true }) as Record<string, unknown>;

interface SkillIndexEntry { name: string; file: string; fps?: number; duration?: number; description?: string }

export const BUILTIN_ROBOT = 'robot:humanoid29';
export const DEFAULT_SKILL = 'march_in_place';
export let builtinRobotText = '';

function skillIndex(): SkillIndexEntry[] {
  const idx = Object.values(indexFiles)[0];
  const list = Array.isArray(idx) ? idx : (idx as { clips?: unknown; skills?: unknown } | undefined)?.clips ?? (idx as { skills?: unknown } | undefined)?.skills;
  return Array.isArray(list) ? (list as SkillIndexEntry[]) : [];
}

/** Register the built-ins; returns the ids of the skills (in index order). */
export async function registerBuiltins(): Promise<string[]> {
  const res = await fetch('./robots/humanoid29.xml');
  if (!res.ok) throw new Error(`built-in robot missing: robots/humanoid29.xml (${res.status})`);
  builtinRobotText = await res.text();
  const enc = new TextEncoder();
  records.set(BUILTIN_ROBOT, { id: BUILTIN_ROBOT, kind: 'robot', name: 'humanoid29 (built-in)', builtin: true, files: [{ path: 'humanoid29.xml', bytes: enc.encode(builtinRobotText) }] });
  const idx = skillIndex();
  const ids: string[] = [];
  const entries = Object.entries(skillFiles).map(([path, text]) => {
    const file = path.split('/').pop()!;
    const meta = idx.find((e) => e.file === file || e.file?.endsWith('/' + file));
    return { file, text, meta };
  });
  entries.sort((a, b) => (a.meta ? idx.indexOf(a.meta) : 1e9) - (b.meta ? idx.indexOf(b.meta) : 1e9) || a.file.localeCompare(b.file));
  for (const { file, text, meta } of entries) {
    const name = meta?.name ?? file.replace(/\.csv$/, '');
    const id = `clip:builtin:${name}`;
    const rec: AssetRecord = { id, kind: 'clip', name, builtin: true, files: [{ path: file, bytes: enc.encode(text) }], fps: meta?.fps ?? fpsGuess(file) };
    records.set(id, rec);
    ids.push(id);
  }
  return ids;
}

const fpsGuess = (file: string): number => Number(file.match(/(\d+)\s*hz/i)?.[1] ?? 50);

/** A standing clip from the robot's `stand` keyframe (or its zero pose): the fallback reference. */
export function standClip(model: RobotModel, xml: string | null): MotionClip {
  const nj = model.joints.length;
  let root = [0, 0, 0.78, 1, 0, 0, 0];
  let joints = new Array(nj).fill(0);
  try {
    const key = xml ? mjcfKeyframes(xml, model.source.file).find((k) => k.name === 'stand') : undefined;
    if (key && key.qpos.length >= 7 + nj) { root = key.qpos.slice(0, 7); joints = key.qpos.slice(7, 7 + nj); }
  } catch { /* zero pose */ }
  const n = 51;
  const c: MotionClip = {
    name: 'stand', fps: 25, nFrames: n, jointNames: model.joints.map((j) => j.name),
    rootPos: new Float32Array(n * 3), rootQuat: new Float32Array(n * 4), jointPos: new Float32Array(n * nj),
  };
  for (let i = 0; i < n; i++) {
    c.rootPos.set(root.slice(0, 3), i * 3);
    c.rootQuat.set(root.slice(3, 7), i * 4);
    c.jointPos.set(joints, i * nj);
  }
  return c;
}
