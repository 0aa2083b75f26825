/**
 * Motion converter: `npm run --silent convert -- IN OUT [--robot PATH] [options]`. Any clip we read (LAFAN1 /
 * BeyondMimic CSV, BONES-SEED CSV, PHC/ASAP and GMR pickles, BeyondMimic and holosoma NPZ, SONIC folder,
 * viewer JSON) → BeyondMimic CSV (.csv), BeyondMimic NPZ with bodies by forward kinematics (.npz) or viewer
 * JSON (.json). Notes and warnings go to stderr, one line per written file to stdout; bad input: the named
 * error on stderr and exit 1 (usage errors: exit 2).
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MimicError } from '../core/errors';
import { loadRobotSource } from '../core/evaluation/setup';
import { diagnoseClip } from '../core/motion/diagnose';
import type { RobotModel } from '../core/model/types';
import type { FormatClip, ReadOptions } from '../core/motion/formats/common';
import { readMotionFile, readMotionFolder } from '../core/motion/formats/read';
import { writeClip, writeFormatOf } from '../core/motion/formats/write';
import { resampleClip } from '../core/motion/sample';
import { readRobot, UsageError } from './eval-args';
import { readTree } from './tree';
import { isEntry } from './entry';
import { exitWhenFlushed } from './exit';

export const CONVERT_USAGE = `usage: npm run --silent convert -- IN OUT --robot PATH [options]
  IN                      a motion file (.csv .npz .pkl .json; .npy = SkillMimic BallPlay rows [T, 337] for
                          --robot public/robots/smpl24-*.xml) or a folder (SONIC clips, or motion files)
  OUT                     .csv (BeyondMimic CSV) | .npz (BeyondMimic NPZ, bodies by FK) | .json (viewer clip);
                          a file with several clips writes OUT_<clip>.<ext> per clip
  --robot PATH            MJCF or URDF of the robot (joint names, counts and forward kinematics)
  --fps HZ                frame rate of IN (overrides the file's and the format's default)
  --out-fps HZ            resample before writing
  --clip NAME             only this clip of a multi-clip file
  --joint-order O         description | isaaclab: joint order of IN's unnamed joint columns
  --quat-order Q          wxyz | xyzw: quaternion order of IN (overrides the format's convention)
  --no-repair             keep an isolated broken first/last frame (default: dropped, with a warning)
Reference diagnostics (jumps, floor, joint limits, quaternions, rate) are printed as warnings.`;

interface Args {
  input: string;
  output: string;
  robot?: string;
  opts: ReadOptions;
  outFps?: number;
  clip?: string;
  repair: boolean;
}

function parse(argv: string[]): Args {
  const pos: string[] = [];
  const opts: ReadOptions = {};
  const a: Partial<Args> = {};
  const rate = (flag: string, v: string | undefined) => {
    const x = Number(v);
    if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`${flag} expects a rate > 0, got "${v ?? ''}"`);
    return x;
  };
  let repair = true;
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i],
      v = argv[i + 1];
    if (!f.startsWith('--')) {
      pos.push(f);
      continue;
    }
    if (f === '--no-repair') {
      repair = false;
      continue;
    }
    i++;
    if (v === undefined) throw new UsageError(`${f} needs a value`);
    if (f === '--robot') a.robot = v;
    else if (f === '--fps') opts.fps = rate(f, v);
    else if (f === '--out-fps') a.outFps = rate(f, v);
    else if (f === '--clip') a.clip = v;
    else if (f === '--joint-order' && (v === 'description' || v === 'isaaclab')) opts.jointOrder = v;
    else if (f === '--quat-order' && (v === 'wxyz' || v === 'xyzw')) opts.quatOrder = v;
    else throw new UsageError(`unknown option or value: ${f} ${v}`);
  }
  if (pos.length !== 2) throw new UsageError(`expected IN and OUT, got ${pos.length} paths`);
  if (!a.robot) throw new UsageError('--robot is required (joint names and forward kinematics come from it)');
  return { input: pos[0], output: pos[1], robot: a.robot, opts, outFps: a.outFps, clip: a.clip, repair };
}

function readInput(path: string, robot: RobotModel, opts: ReadOptions): FormatClip[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  if (isDir) return readMotionFolder(path.replace(/[\\/]+$/, ''), readTree(path), robot, opts);
  return readMotionFile(path, new Uint8Array(readFileSync(path)), robot, opts);
}

export function runConvert(argv: string[], log: (s: string) => void, warn: (s: string) => void): void {
  const a = parse(argv);
  const format = writeFormatOf(a.output);
  const robot = loadRobotSource(readRobot(a.robot!));
  let clips = readInput(a.input, robot, a.opts);
  if (a.clip) {
    clips = clips.filter((c) => c.name === a.clip);
    if (!clips.length) throw new UsageError(`no clip named "${a.clip}" in ${a.input}`);
  }
  for (const c of clips) {
    const out = clips.length === 1 ? a.output : a.output.replace(/(\.[a-z]+)$/i, `_${c.name.replace(/[^\w.-]+/g, '_')}$1`);
    for (const n of c.notes) warn(`note: ${c.name}: ${n}`);
    for (const w of c.warnings) warn(`warning: ${c.name}: ${w}`);
    const d = diagnoseClip(c, robot, { repair: a.repair });
    for (const w of d.warnings) warn(`warning: ${c.name}: [${w.code}] ${w.message}`);
    const clip = a.outFps ? resampleClip(d.clip, a.outFps) : d.clip;
    mkdirSync(dirname(out) || '.', { recursive: true });
    writeFileSync(out, writeClip(clip, robot, format));
    log(`${out}: ${c.format} → ${format}, ${clip.nFrames} frames at ${clip.fps} Hz`);
  }
}

if (isEntry(import.meta.url)) {
  try {
    runConvert(
      process.argv.slice(2),
      (s) => process.stdout.write(`${s}\n`),
      (s) => process.stderr.write(`${s}\n`),
    );
  } catch (e) {
    const usage = e instanceof UsageError;
    if (usage) process.stderr.write(`error: ${e.message}\n${CONVERT_USAGE}\n`);
    else process.stderr.write(e instanceof MimicError ? `${e.message}\n` : `error: ${(e as Error)?.stack ?? String(e)}\n`);
    exitWhenFlushed(usage ? 2 : 1);
  }
}
