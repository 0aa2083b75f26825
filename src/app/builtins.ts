/** Built-in assets: the humanoid (public/robots/humanoid29.xml) and the skills (motions/*.csv + index.json). */
import type { AssetRecord, AssetRegistry } from './assets';
export { standClip } from './stand';

const skillFiles = import.meta.glob<string>('../../motions/*.csv', { query: '?raw', import: 'default', eager: true });
const indexFiles = import.meta.glob<unknown>('../../motions/index.json', { import: 'default', eager: true });

interface SkillIndexEntry {
  name: string;
  file: string;
  fps?: number;
  duration?: number;
  description?: string;
}

export const BUILTIN_ROBOT = 'robot:humanoid29';
export const DEFAULT_SKILL = 'march_in_place';

function skillIndex(): SkillIndexEntry[] {
  const idx = Object.values(indexFiles)[0];
  const list = Array.isArray(idx)
    ? idx
    : ((idx as { clips?: unknown; skills?: unknown } | undefined)?.clips ?? (idx as { skills?: unknown } | undefined)?.skills);
  return Array.isArray(list) ? (list as SkillIndexEntry[]) : [];
}

/** Register the built-ins; returns the ids of the skills (in index order) and the built-in robot's MJCF text. */
export async function registerBuiltins(records: AssetRegistry['records']): Promise<{ skills: string[]; robotText: string }> {
  const res = await fetch('./robots/humanoid29.xml');
  if (!res.ok) throw new Error(`built-in robot missing: robots/humanoid29.xml (${res.status})`);
  const builtinRobotText = await res.text();
  const enc = new TextEncoder();
  records.set(BUILTIN_ROBOT, {
    id: BUILTIN_ROBOT,
    kind: 'robot',
    name: 'humanoid29 (built-in)',
    builtin: true,
    files: [{ path: 'humanoid29.xml', bytes: enc.encode(builtinRobotText) }],
  });
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
    const rec: AssetRecord = {
      id,
      kind: 'clip',
      name,
      builtin: true,
      files: [{ path: file, bytes: enc.encode(text) }],
      fps: meta?.fps ?? fpsGuess(file),
    };
    records.set(id, rec);
    ids.push(id);
  }
  return { skills: ids, robotText: builtinRobotText };
}

const fpsGuess = (file: string): number => Number(file.match(/(\d+)\s*hz/i)?.[1] ?? 50);
