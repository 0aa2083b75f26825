/**
 * One entry point for every motion file we read: the reader is chosen by extension, then by content.
 * Returns one clip per motion in the file (a PHC pickle or a folder may hold many), each with notes (what was
 * decided: rate, joint order, quaternion order, units) and warnings.
 */
import { fail } from '../../errors';
import type { RobotModel } from '../../model/types';
import { parseBvh } from '../bvh';
import { fpsFromFileName } from '../csv';
import { parseMotionNpz } from '../npz';
import { retargetBvh } from '../retarget';
import { baseName, checkJointOrder, columnNames, isaacLabBodyOrder, rootQuats, type FormatClip, type ReadOptions } from './common';
import { isGmrNpz, parseGmrNpz } from './gmr-npz';
import { isHolosomaNpz, npzArrays, parseHolosomaNpz } from './holosoma';
import { parseLafanCsv } from './lafan';
import { parseMotionPickle } from './pickle-clips';
import { parseRecordingJson, RECORDING_FORMAT } from './record';
import { isSeedHeader, parseSeedCsv } from './seed';
import { parseSonicFolder, SONIC_FILES } from './sonic';
import { parseViewerJson } from './viewer-json';
import { SKILLMIMIC_COLUMNS } from './hoi';
import { parseNpy } from '../npy';
import { readSkillMimicRows } from '../skillmimic-retarget';

export const MOTION_EXTENSIONS = ['csv', 'npz', 'pkl', 'pickle', 'joblib', 'json', 'bvh', 'npy'];

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const ext = (name: string) => /\.([a-z0-9]+)$/i.exec(name)?.[1].toLowerCase() ?? '';

function readNpz(bytes: Uint8Array, name: string, robot: RobotModel | undefined, opts: ReadOptions): FormatClip {
  const arrays = npzArrays(bytes, name);
  if (isHolosomaNpz(arrays)) return parseHolosomaNpz(arrays, name, robot, opts);
  if (isGmrNpz(arrays)) return parseGmrNpz(arrays, name, robot, opts);
  const notes: string[] = [],
    warnings: string[] = [];
  let names = opts.jointNames;
  let bodies: string[] | undefined;
  if (!names && !arrays.get('joint_names')?.strings) {
    const nj = arrays.get('joint_pos')?.shape[1] ?? fail('ParseError', name, 'key joint_pos', 'missing from the .npz');
    names = columnNames(
      nj,
      name,
      'key joint_pos',
      robot,
      opts,
      'isaaclab',
      'BeyondMimic NPZ is written in the IsaacLab joint order',
      notes,
      warnings,
    );
    const nb = arrays.get('body_pos_w')?.shape[1];
    if (robot && nb === robot.bodies.length && !arrays.get('body_names'))
      bodies = isaacLabBodyOrder(robot).map((b) => robot.bodies[b].name);
  } else notes.push(names ? 'joint columns named by the caller' : 'joints named by the file (joint_names)');
  const clip = parseMotionNpz(bytes, name, names, bodies);
  if (notes.some((n) => n.startsWith('joint columns read')))
    checkJointOrder(robot, clip.jointNames, clip.jointPos, name, 'key joint_pos', opts, notes, warnings);
  const rootQuat = rootQuats(clip.rootQuat, clip.nFrames, name, 'key body_quat_w', 'wxyz', opts, notes, warnings);
  const fps = opts.fps ?? clip.fps;
  notes.push(`rate ${fps} Hz ${opts.fps ? 'given by the caller' : 'from the file'}`);
  return { ...clip, name: baseName(name), fps, rootQuat, format: 'BeyondMimic NPZ', notes, warnings };
}

function readCsv(bytes: Uint8Array, name: string, robot: RobotModel | undefined, opts: ReadOptions): FormatClip {
  const t = text(bytes);
  const first = t.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  if (isSeedHeader(first)) return parseSeedCsv(t, name, robot, opts);
  if (first.split(',').length === SKILLMIMIC_COLUMNS && !/[a-df-z]/i.test(first)) return readSkillMimicCsv(t, name, robot, opts);
  const base = baseName(name) + '.csv';
  if (SONIC_FILES.includes(base)) {
    fail('MotionError', name, 'file', `${base} is one part of a SONIC motion folder: load the whole folder`);
  }
  const clip = parseLafanCsv(t, name, robot, opts);
  const named = opts.fps === undefined && fpsFromFileName(name) !== undefined;
  return { ...clip, format: named ? 'motion CSV (BeyondMimic / unitree_rl_lab)' : clip.format };
}

const VIEWER_INDEX = 'tracking-motion-index-v1';

/** A humanoid-policy-viewer motion index (`motions.json`): clip file (relative to the index's folder) → clip name. */
function viewerIndex(bytes: Uint8Array, name: string): Map<string, string> | undefined {
  const t = text(bytes);
  if (!t.includes(VIEWER_INDEX)) return undefined;
  let doc: { format?: string; base_path?: string; motions?: unknown[] };
  try {
    doc = JSON.parse(t) as typeof doc;
  } catch (e) {
    return fail('ParseError', name, 'JSON', (e as Error).message);
  }
  if (doc.format !== VIEWER_INDEX || !Array.isArray(doc.motions)) return undefined;
  const base = (doc.base_path ?? '.').replace(/^\.\/?/, '').replace(/\/$/, '');
  const out = new Map<string, string>();
  for (const m of doc.motions) {
    const e = typeof m === 'string' ? { name: m.replace(/\.json$/i, ''), file: m } : (m as { name?: string; file?: string });
    if (e?.file) out.set(base ? `${base}/${e.file}` : e.file, e.name ?? e.file);
  }
  return out;
}

function readJson(bytes: Uint8Array, name: string, robot: RobotModel | undefined, opts: ReadOptions): FormatClip {
  if (viewerIndex(bytes, name)) fail('MotionError', name, 'file', `a ${VIEWER_INDEX} index lists clips: load its folder`);
  const t = text(bytes);
  if (t.includes(`"${RECORDING_FORMAT}"`)) {
    const rec = parseRecordingJson(t, name);
    return { ...rec.clip, format: 'mimic-bench recording', notes: ['joints named by the file'], warnings: [] };
  }
  return parseViewerJson(t, name, robot, opts);
}

/** SkillMimic BallPlay rows exported as CSV (337 numbers a line, no header). */
function readSkillMimicCsv(t: string, name: string, robot: RobotModel | undefined, opts: ReadOptions): FormatClip {
  const lines = t.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = new Float64Array(lines.length * SKILLMIMIC_COLUMNS);
  lines.forEach((l, i) => {
    const v = l.split(',');
    if (v.length !== SKILLMIMIC_COLUMNS)
      fail('MotionError', name, `line ${i + 1}`, `${v.length} values, SkillMimic rows have ${SKILLMIMIC_COLUMNS}`);
    v.forEach((x, c) => (rows[i * SKILLMIMIC_COLUMNS + c] = Number(x)));
  });
  return readSkillMimicRows(rows, SKILLMIMIC_COLUMNS, name, robot, opts.fps);
}

/** A .npy motion: SkillMimic BallPlay rows [T, 337] (a .pt tensor saved with numpy). */
function readNpyRows(bytes: Uint8Array, name: string, robot: RobotModel | undefined, opts: ReadOptions): FormatClip {
  const a = parseNpy(bytes, name, 'array');
  if (a.shape.length !== 2 || a.shape[1] !== SKILLMIMIC_COLUMNS)
    fail(
      'MotionError',
      name,
      'shape',
      `[${a.shape.join(', ')}]: a .npy motion is read as SkillMimic BallPlay rows [T, ${SKILLMIMIC_COLUMNS}]`,
    );
  return readSkillMimicRows(Float64Array.from(a.data), SKILLMIMIC_COLUMNS, name, robot, opts.fps);
}

/** Read every clip of one motion file. MimicError (ParseError / MotionError) for anything unreadable. */
export function readMotionFile(name: string, bytes: Uint8Array, robot: RobotModel | undefined, opts: ReadOptions = {}): FormatClip[] {
  const e = ext(name);
  if (e === 'pt')
    fail(
      'MotionError',
      name,
      'file',
      'a torch .pt tensor: save it as .npy first (numpy.save(path, torch.load(pt).numpy())), then load the .npy',
    );
  const isPickle = bytes[0] === 0x80 || ['pkl', 'pickle', 'joblib'].includes(e);
  if (e === 'npz' || (bytes[0] === 0x50 && bytes[1] === 0x4b)) return [readNpz(bytes, name, robot, opts)];
  if (isPickle) return parseMotionPickle(bytes, name, robot, opts);
  if (e === 'json') return [readJson(bytes, name, robot, opts)];
  if (e === 'npy') return [readNpyRows(bytes, name, robot, opts)];
  if (e === 'bvh') {
    if (!robot || opts.bvhConfig === undefined) {
      fail('MotionError', name, 'file', 'a BVH clip is human motion: retarget it with a robot and a retarget config (bvhConfig)');
    }
    const clip = retargetBvh(parseBvh(text(bytes), name), robot!, opts.bvhConfig, name, { fps: opts.fps });
    return [{ ...clip, format: 'BVH (retargeted)', notes: ['retargeted with the given config'], warnings: [] }];
  }
  if (e === 'csv' || e === 'txt' || e === '') return [readCsv(bytes, name, robot, opts)];
  return fail(
    'ParseError',
    name,
    'file',
    `unknown motion file type ".${e}" (readable: ${MOTION_EXTENSIONS.join(', ')}, or a SONIC folder)`,
  );
}

/**
 * Read a folder: `files` maps paths relative to the folder to bytes. Each directory holding a `joint_pos.csv`
 * is one SONIC clip (named by the directory); other motion files are read one by one.
 */
export function readMotionFolder(
  folder: string,
  files: Record<string, Uint8Array>,
  robot: RobotModel | undefined,
  opts: ReadOptions = {},
): FormatClip[] {
  const dirOf = (p: string) => p.split('/').slice(0, -1).join('/');
  const sonicDirs = new Set(
    Object.keys(files)
      .filter((p) => p.split('/').pop() === 'joint_pos.csv')
      .map(dirOf),
  );
  const out: FormatClip[] = [];
  for (const dir of [...sonicDirs].sort()) {
    const parts: Record<string, string> = {};
    for (const [p, b] of Object.entries(files)) if (dirOf(p) === dir) parts[p.split('/').pop()!] = text(b);
    out.push(parseSonicFolder(parts, dir ? `${folder}/${dir}` : folder, robot, opts));
  }
  const named = new Map<string, string>(),
    indexes = new Set<string>();
  for (const [p, b] of Object.entries(files)) {
    if (ext(p) !== 'json') continue;
    const idx = viewerIndex(b, `${folder}/${p}`);
    if (!idx) continue;
    indexes.add(p);
    for (const [f, n] of idx) named.set(dirOf(p) ? `${dirOf(p)}/${f}` : f, n);
  }
  for (const [p, b] of Object.entries(files).sort(([a], [c]) => a.localeCompare(c))) {
    if (sonicDirs.has(dirOf(p)) || indexes.has(p) || !MOTION_EXTENSIONS.includes(ext(p))) continue;
    const clips = readMotionFile(`${folder}/${p}`, b, robot, opts);
    const n = named.get(p);
    out.push(...(n && clips.length === 1 ? [{ ...clips[0], name: n }] : clips));
  }
  if (!out.length) fail('MotionError', folder, 'folder', 'no motion files (and no SONIC joint_pos.csv) in the folder');
  return out;
}
