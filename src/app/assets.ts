/**
 * Asset registry: built-in and user-loaded robots, clips and policies. Raw bytes are kept (so clips can be
 * re-read against another robot and everything can be stored in IndexedDB); parsed objects are cached.
 * Every load error is a MimicError from the core, shown by the caller; nothing loaded before is lost.
 */
import type { RobotModel } from '../core/model/types';
import type { MotionClip } from '../core/motion/types';
import { loadRobot } from '../core/model/index';
import { expandIncludes, hasIncludes, includedFiles } from '../core/model/mjcf-include';
import { parseMotionCsv } from '../core/motion/csv';
import { parseMotionNpz } from '../core/motion/npz';
import { parseBvh } from '../core/motion/bvh';
import { retargetBvh } from '../core/motion/retarget';
import { inlineExternalData } from '../core/policy/external';
import { readOnnxInfo } from '../core/policy/onnx';
import { MimicError } from '../core/errors';
import type { AssetInfo, AssetKind } from './store';
import { usesFormatReader, readNotedClip } from './clip-files';

export interface RawFile {
  path: string;
  bytes: Uint8Array;
}
export interface AssetRecord extends Omit<AssetInfo, 'detail'> {
  /** main file first (robot xml/urdf, clip file, policy onnx), then its companions (meshes, deploy.yaml) */
  files: RawFile[];
  /** for clips: the fps given by an index (built-in skills) */
  fps?: number;
  /** for clips read by the format readers: which clip of a multi-clip file; a SONIC folder's path */
  clipName?: string;
  folder?: string;
}

/** Which clip of a file a record is (format readers), and an index's rate. */
export type RecordExtra = Pick<AssetRecord, 'clipName' | 'folder' | 'fps'>;

/** UTF-8 text of a file's bytes */
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
/** the file name of a path */
export const base = (p: string): string => p.split('/').pop() ?? p;
const ext = (p: string): string => p.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
const dir = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');

const retargetJson = Object.entries(import.meta.glob('../../motions/retarget/*.json', { eager: true, import: 'default' }));
/** the shipped BVH retarget config: the built-in humanoid's (else the first one), null when none is shipped */
const retargetConfig: unknown = (retargetJson.filter(([k]) => k.includes('humanoid29')).at(-1) ?? retargetJson[0])?.[1] ?? null;

/** The dropped .xml files that another one includes (MJCF `<include file>`, nested ones too). */
function includedXml(xmls: RawFile[]): Set<RawFile> {
  const out = new Set<RawFile>();
  for (const f of xmls) {
    const resolve = makeResolver(xmls, f.path);
    for (const path of includedFiles(text(f.bytes))) {
      const bytes = resolve(path);
      const g = xmls.find((x) => x.bytes === bytes);
      if (g && g !== f) out.add(g);
    }
  }
  return out;
}

/** Resolver over a set of files: exact relative path, relative to the main file, then basename. */
export function makeResolver(files: RawFile[], mainPath: string): (path: string) => Uint8Array | undefined {
  const norm = (p: string) =>
    p
      .replace(/\\/g, '/')
      .replace(/^\.\//, '')
      .replace(/^package:\/\/[^/]+\//, '');
  const byPath = new Map(files.map((f) => [norm(f.path), f.bytes]));
  const byBase = new Map(files.map((f) => [base(f.path).toLowerCase(), f.bytes]));
  const root = dir(norm(mainPath));
  return (p: string) => {
    const n = norm(p);
    const parts = (root + n).split('/');
    const out: string[] = [];
    for (const s of parts) {
      if (s === '..') out.pop();
      else if (s !== '.' && s !== '') out.push(s);
    }
    return byPath.get(n) ?? byPath.get(out.join('/')) ?? byBase.get(base(n).toLowerCase());
  };
}

const fileHashes = new WeakMap<Uint8Array, string>();
/** FNV-1a (two 32-bit lanes) + length of one file's bytes, cached. */
function bytesHash(b: Uint8Array): string {
  let h = fileHashes.get(b);
  if (h) return h;
  let a = 0x811c9dc5,
    c = 0x01000193 ^ b.length;
  for (let i = 0; i < b.length; i++) {
    a = Math.imul(a ^ b[i], 0x01000193);
    c = Math.imul(c ^ b[i], 0x5bd1e995) ^ (c >>> 15);
  }
  h = `${(a >>> 0).toString(16)}${(c >>> 0).toString(16)}-${b.length}`;
  fileHashes.set(b, h);
  return h;
}

/** Content hash of an asset (its files' bytes, in any order): the same files loaded twice are one asset. */
export const hashOf = (r: Pick<AssetRecord, 'files'>): string =>
  r.files
    .map((f) => bytesHash(f.bytes))
    .sort()
    .join('+');

/**
 * The registry of one app: asset records by id, and the robots and clips parsed from them (a clip per robot it
 * was read against). Held by the app controller (app.ts `assets`) and handed to whoever needs it.
 */
export class AssetRegistry {
  readonly records = new Map<string, AssetRecord>();
  private readonly robots = new Map<string, RobotModel>();
  /** key: clipId|robotId */
  private readonly clips = new Map<string, MotionClip>();

  info(r: AssetRecord): AssetInfo {
    return { id: r.id, kind: r.kind, name: r.name, builtin: r.builtin, detail: this.detailOf(r) };
  }

  detailOf(r: AssetRecord): string {
    if (r.kind === 'robot') {
      const m = this.robots.get(r.id);
      return m ? `${m.joints.length} joints · ${m.bodies.length} bodies · ${r.files.length - 1} meshes` : '';
    }
    if (r.kind === 'policy') {
      const extra = r.files
        .slice(1)
        .map((f) => base(f.path))
        .join(', ');
      return `${(r.files[0].bytes.length / 1024).toFixed(0)} KB${extra ? ' + ' + extra : ''}`;
    }
    return ext(r.files[0].path).toUpperCase();
  }

  /** A robot's description as one document (an MJCF's includes read from its files: mjcf-include.ts). */
  robotText(id: string): string {
    const r = this.records.get(id);
    if (!r) throw new Error(`no robot ${id}`);
    const main = r.files[0];
    return expandIncludes(text(main.bytes), main.path, makeResolver(r.files, main.path));
  }

  robotOf(id: string): RobotModel {
    let m = this.robots.get(id);
    if (!m) {
      const r = this.records.get(id);
      if (!r) throw new Error(`no robot ${id}`);
      const main = r.files[0];
      m = loadRobot(main.path, text(main.bytes), makeResolver(r.files, main.path));
      this.robots.set(id, m);
    }
    return m;
  }

  /** The clip read against a robot (CSV columns are in the robot description's joint order; BVH is retargeted). */
  clipOf(id: string, robotId: string): MotionClip {
    const key = id + '|' + robotId;
    const hit = this.clips.get(key);
    if (hit) return hit;
    let c: MotionClip;
    const r = this.records.get(id);
    if (!r) throw new Error(`no clip ${id}`);
    const model = this.robotOf(robotId);
    const names = model.joints.map((j) => j.name);
    const f = r.files[0];
    const e = ext(f.path);
    if (usesFormatReader(r)) c = readNotedClip(r, model);
    else if (e === 'csv') c = parseMotionCsv(text(f.bytes), base(f.path), names, r.fps);
    else if (e === 'npz') c = parseMotionNpz(f.bytes, base(f.path), names);
    else if (e === 'bvh') {
      if (!retargetConfig) throw new MimicError('MotionError', base(f.path), '', 'no BVH retarget config is shipped (motions/retarget/)');
      c = retargetBvh(parseBvh(text(f.bytes), base(f.path)), model, retargetConfig, base(f.path));
    } else throw new MimicError('ParseError', base(f.path), '', `unknown clip format .${e}`);
    this.clips.set(key, c);
    return c;
  }

  policyFiles(id: string): { onnx: RawFile; yaml?: RawFile; profile?: RawFile } {
    const r = this.records.get(id);
    if (!r) throw new Error(`no policy ${id}`);
    return {
      onnx: r.files[0],
      yaml: r.files.find((f) => /\.ya?ml$/i.test(f.path)),
      profile: r.files.find((f) => /\.json$/i.test(f.path)),
    };
  }

  forget(id: string): void {
    this.records.delete(id);
    this.robots.delete(id);
    for (const k of [...this.clips.keys()]) if (k.startsWith(id + '|')) this.clips.delete(k);
  }

  /**
   * The name shown for an asset: its file name, or its folder's when the file name is generic (every
   * unitree_rl_lab export is `policy.onnx`); a name already taken by other bytes gets " (2)", " (3)"...
   */
  assetName(kind: AssetKind, path: string): string {
    const stem = base(path).replace(/\.[^.]+$/, '');
    const folder = dir(path) ? base(dir(path).slice(0, -1)) : '';
    const generic =
      /^(policy|model|actor|network|net|exported|export|checkpoint|latest|final|best|motion|robot|scene|deploy)([_-]?\d+)?$/i.test(stem);
    const name = generic && folder ? folder : kind === 'clip' ? stem : base(path);
    const taken = new Set([...this.records.values()].filter((r) => r.kind === kind).map((r) => r.name));
    let unique = name;
    for (let k = 2; taken.has(unique); k++) unique = `${name} (${k})`;
    return unique;
  }

  /**
   * A new asset, or the one already loaded with the same bytes (and the same clip of them: `extra`); `validate`
   * runs on a new one only. Named after `path` (default: the main file's).
   */
  register(kind: AssetKind, files: RawFile[], validate?: (id: string) => void, extra: RecordExtra = {}, path = files[0].path): AssetRecord {
    const hash = hashOf({ files });
    const same = [...this.records.values()].find(
      (r) => r.kind === kind && !r.builtin && r.clipName === extra.clipName && r.folder === extra.folder && hashOf(r) === hash,
    );
    if (same) return same;
    const name = this.assetName(kind, path);
    const rec: AssetRecord = { id: this.newId(kind, name), kind, name, builtin: false, files };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) Object.assign(rec, { [k]: v });
    this.records.set(rec.id, rec);
    validate?.(rec.id);
    return rec;
  }

  /** A new asset id: kind, name, time and the first counter not taken in the registry. */
  newId(kind: AssetKind, name: string): string {
    const stem = `${kind}:${name}:${Date.now().toString(36)}`;
    let k = 1;
    while (this.records.has(stem + k.toString(36))) k++;
    return stem + k.toString(36);
  }

  /**
   * Sort dropped/picked files into assets. Robots: each .xml/.urdf with the meshes dropped with it; clips:
   * .csv/.npz/.bvh; policies: .onnx with a deploy.yaml / profile .json from the same batch (a lone yaml or
   * json attaches to `lastPolicy`). Each asset is validated by parsing; errors are collected, not thrown.
   */
  addFiles(files: RawFile[], lastPolicy: string | null): { added: AssetRecord[]; errors: unknown[]; attached: string[] } {
    const added: AssetRecord[] = [],
      errors: unknown[] = [],
      attached: string[] = [];
    const meshes = files.filter((f) => ['stl', 'obj', 'dae', 'png'].includes(ext(f.path))); // png: MJCF heightfields (issue 16)
    const xmls = files.filter((f) => ext(f.path) === 'xml');
    const parts = includedXml(xmls); // a scene.xml's included robot file: part of that robot, not one of its own
    const yamls = files.filter((f) => ['yaml', 'yml'].includes(ext(f.path)));
    const jsons = files.filter((f) => ext(f.path) === 'json');
    const onnx = files.filter((f) => ext(f.path) === 'onnx');
    for (const f of files) {
      const e = ext(f.path);
      try {
        if (parts.has(f)) continue;
        if (e === 'xml' || e === 'urdf' || e === 'mjcf' || e === 'xacro') {
          const own = hasIncludes(text(f.bytes)) ? xmls.filter((g) => g !== f) : [];
          added.push(
            this.register('robot', [f, ...meshes, ...own], (id) => {
              try {
                this.robotOf(id);
              } catch (err) {
                this.forget(id);
                throw err;
              }
            }),
          );
        } else if (e === 'csv' || e === 'npz' || e === 'bvh' || e === 'npy' || e === 'pt') {
          added.push(this.register('clip', [f])); // .npy / .pt: SkillMimic BallPlay rows (issue 16)
        } else if (e === 'onnx') {
          // external weights (policy.onnx + policy.onnx.data, dropped together or from a folder) are inlined
          const model = {
            path: f.path,
            bytes: inlineExternalData(
              f.bytes,
              base(f.path),
              files.filter((g) => ext(g.path) === 'data').map((g) => ({ path: g.path, data: g.bytes })),
            ),
          };
          readOnnxInfo(model.bytes, base(f.path));
          const same = (g: RawFile) => dir(g.path) === dir(f.path) || onnx.length === 1;
          added.push(this.register('policy', [model, ...[...yamls.filter(same), ...jsons.filter(same)].slice(0, 2)]));
        } else if (
          (e === 'yaml' || e === 'yml' || e === 'json') &&
          onnx.length === 0 &&
          !lastPolicy &&
          files.every((g) => /\.(ya?ml|json)$/i.test(g.path))
        ) {
          throw new MimicError(
            'PolicyError',
            base(f.path),
            '',
            'a deploy.yaml / policy profile needs its policy: load it with the .onnx (same folder), or choose a policy first',
          );
        } else if ((e === 'yaml' || e === 'yml' || e === 'json') && onnx.length === 0 && lastPolicy && this.records.has(lastPolicy)) {
          const r = this.records.get(lastPolicy)!;
          r.files = [r.files[0], ...r.files.slice(1).filter((g) => ext(g.path) !== e), f];
          attached.push(lastPolicy);
        } else if (
          !['stl', 'obj', 'dae', 'yaml', 'yml', 'json', 'md', 'txt', 'png', 'jpg', 'data'].includes(e) &&
          !/license/i.test(f.path)
        ) {
          throw new MimicError(
            'ParseError',
            base(f.path),
            '',
            `unknown file type .${e || '(none)'} (expected .xml/.urdf + meshes, .csv/.npz/.bvh, .onnx + deploy.yaml)`,
          );
        }
      } catch (err) {
        errors.push(err);
      }
    }
    return { added, errors, attached };
  }
}

export type OnFile = (name: string, done: number, total: number) => void;

/** Read a browser File list (from an input or a drop) into RawFiles with relative paths; `onFile` before each. */
export async function readFileList(list: ArrayLike<File> | Iterable<File>, onFile: OnFile = () => {}): Promise<RawFile[]> {
  const all = Array.from(list),
    out: RawFile[] = [];
  for (const f of all) {
    const rel = f.webkitRelativePath || f.name;
    onFile(rel, out.length, all.length);
    out.push({ path: rel, bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  return out;
}

/** Files of a drop, walking dropped folders (webkitGetAsEntry). */
export async function readDrop(dt: DataTransfer, onFile: OnFile = () => {}): Promise<RawFile[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  const files = [...dt.files];
  if (!entries.length) return readFileList(files, onFile);
  const out: RawFile[] = [];
  const walk = async (e: FileSystemEntry, prefix: string): Promise<void> => {
    if (e.isFile) {
      const file = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej));
      onFile(prefix + e.name, out.length, Math.max(out.length + 1, files.length));
      out.push({ path: prefix + e.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    } else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const c of batch) await walk(c, prefix + e.name + '/');
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}
