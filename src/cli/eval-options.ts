/** Command-line arguments of `npm run eval`, parsed into CliOptions (no file is read here: eval-args.ts). */
import type { EngineKind } from '../core/evaluation/types';
import type { StartModeInput } from '../core/policy/start';

export const USAGE = `usage: npm run --silent eval -- --robot PATH --policy PATH [options]
  --robot PATH            MJCF (.xml) or URDF, or their folder (its one robot file: a scene.xml over what it
                          includes, the MJCF over a URDF); meshes and <include> files are read from its folder
  --policy PATH[,PATH]    ONNX policy (several: compared side by side); omit with --driver
  --config PATH[,PATH]    deploy.yaml or profile .json per policy (default: deploy.yaml beside the policy)
  --motion PATH[,PATH]    reference clip(s): CSV (BeyondMimic/LAFAN1/BONES-SEED), NPZ (BeyondMimic/holosoma/GMR), PHC/GMR pickle,
                          viewer JSON, BVH, a SONIC folder; a folder or a glob (dir/*.csv) = every clip in it
                          (default: the policy's own reference, else the one CSV/NPZ beside it)
  --motion-list FILE      clips listed one per line (e.g. a report's failed.txt)
  --fps HZ                frame rate of CSV clips whose name carries none (LAFAN1 retargeted: 30, no header)
  --no-repair             keep a reference's broken first/last frame (default: dropped, with a warning)
  --record DIR            per episode: the simulated trajectory as BeyondMimic CSV + NPZ and a JSON of actions, PD targets, torques
  --retarget FILE         BVH retarget config (default: motions/retarget/cmu-humanoid29.json)
  --key-bodies B[,B]      GMT key bodies (default: the policy's tracked bodies)
  --metric-fps F          frame rate of the per-frame metric sets PHC/GMT (default: the control rate)
  --shard I/N             run only the I-th of N slices of the plan (by episode); use with --out
  --out FILE.json         write the full result (a shard file) for npm run eval-merge
  --start MODE            ground (default: on the reference, lowest point on the floor) | reference | default-pose
  --engine E[,E]          rapier (default) | mujoco; several: compared side by side
  --driver D              policy (default with --policy) | reference (PD on the clip) | zero (no gains)
  --assist A              with --driver reference: the built-in controller's assistive root wrench, 0..1 (default 0)
  --seconds S             evaluate at most S seconds of each clip
  --command VX,VY,WZ      locomotion policies: a constant velocity command (body frame, m/s and rad/s); a
                          command track: a --scenario file with "commands" (seeds/README.md)
  --heading-hold          locomotion: hold the heading the track's wz integrates to (or its "heading" keys)
                          closed loop: wz = track wz + 1 × heading error, clipped to the policy's range
  --scenario FILE[,FILE]  seeds/*.json perturbation suites (default: one nominal episode)
  --episodes K            episodes per policy × engine × clip × scenario (default: the scenario's, else 1)
  --envs N                humanoids per engine batch (default 4)
  --workers W             worker threads (default 2; 0 = in this process)
  --seed N                override the scenarios' seeds
  --solver-iterations I[,I]  Rapier solver iterations per variant (compare settings; also while every joint is on
                          explicit PD, where the G1-tuned default is 1: e.g. 3 for a heavy robot such as the H1)
  --gain-scale G[,G]      PD gain multiplier per variant (compare settings)
  --compare               require two or more variants (policies / engines / settings) in one report
  --report DIR            write eval.json, episodes.csv, summary.csv, report.html
  --json                  print one JSON object on stdout
  --quiet                 no progress bar`;

export interface CliOptions {
  robot: string;
  policies: string[];
  configs: string[];
  motions: string[];
  engines: EngineKind[];
  driver?: 'policy' | 'reference' | 'zero';
  assist?: number;
  start?: StartModeInput;
  seconds?: number;
  scenarios: string[];
  episodes?: number;
  envs?: number;
  workers: number;
  seed?: number;
  solverIterations: number[];
  gainScales: number[];
  compare: boolean;
  report?: string;
  json: boolean;
  quiet: boolean;
  motionLists: string[];
  retarget?: string;
  keyBodies?: string[];
  metricFps?: number;
  shard?: { index: number; count: number };
  out?: string;
  /** locomotion: "VX,VY,WZ" */
  command?: string;
  /** locomotion: hold the track's heading closed loop (core/policy/heading.ts) */
  headingHold?: boolean;
  /** --fps: rate of clips whose name carries none */
  fps?: number;
  /** --no-repair */
  repair: boolean;
  /** --record DIR */
  record?: string;
}

export class UsageError extends Error {}

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** "I/N" with 0 <= I < N. */
export function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN,
    count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new UsageError(`--shard expects I/N with 0 <= I < N, got "${v}"`);
  return { index, count };
}

function num(flag: string, v: string, int = false, min = 0): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < min || (int && !Number.isInteger(x)))
    throw new UsageError(`${flag} expects ${int ? 'an integer' : 'a number'} >= ${min}, got "${v}"`);
  return x;
}

/** the integer options: the field each sets and its least value */
const INTEGERS: Record<string, ['episodes' | 'envs' | 'workers' | 'seed', number] | undefined> = {
  '--episodes': ['episodes', 1],
  '--envs': ['envs', 1],
  '--workers': ['workers', 0],
  '--seed': ['seed', 0],
};

/** the options that take a string as it is: the field each sets */
const STRINGS: Record<string, 'robot' | 'report' | 'retarget' | 'out' | 'command' | 'record' | undefined> = {
  '--robot': 'robot',
  '--report': 'report',
  '--retarget': 'retarget',
  '--out': 'out',
  '--command': 'command',
  '--record': 'record',
};

/** the options without a value: the field each turns on */
const FLAGS: Record<string, 'compare' | 'json' | 'quiet' | 'headingHold' | undefined> = {
  '--compare': 'compare',
  '--json': 'json',
  '--quiet': 'quiet',
  '--heading-hold': 'headingHold',
};

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    robot: '',
    policies: [],
    configs: [],
    motions: [],
    engines: [],
    scenarios: [],
    workers: 2,
    solverIterations: [],
    gainScales: [],
    compare: false,
    json: false,
    quiet: false,
    motionLists: [],
    repair: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const int = INTEGERS[a],
      str = STRINGS[a],
      flag = FLAGS[a];
    if (int) o[int[0]] = num(a, val(), true, int[1]);
    else if (str) o[str] = val();
    else if (flag) o[flag] = true;
    if (int || str || flag) continue;
    switch (a) {
      case '--policy':
        o.policies.push(...list(val()));
        break;
      case '--config':
        o.configs.push(...list(val()));
        break;
      case '--motion':
        o.motions.push(...list(val()));
        break;
      case '--engine':
        for (const e of list(val())) {
          if (e !== 'rapier' && e !== 'mujoco') throw new UsageError(`--engine expects rapier or mujoco, got "${e}"`);
          o.engines.push(e);
        }
        break;
      case '--driver': {
        const d = val();
        if (d !== 'policy' && d !== 'reference' && d !== 'zero')
          throw new UsageError(`--driver expects policy, reference or zero, got "${d}"`);
        o.driver = d;
        break;
      }
      case '--start': {
        const v = val();
        if (!['reference', 'ground', 'default-pose', 'reset', 'align'].includes(v))
          throw new UsageError(`--start expects reference, ground or default-pose, got "${v}"`);
        o.start = v as StartModeInput;
        break;
      }
      case '--seconds':
        o.seconds = num(a, val(), false, 0.02);
        break;
      case '--assist':
        o.assist = num(a, val());
        if (o.assist > 1) throw new UsageError('--assist expects a number in [0, 1]');
        break;
      case '--scenario':
        o.scenarios.push(...list(val()));
        break;
      case '--solver-iterations':
        o.solverIterations.push(...list(val()).map((x) => num(a, x, true, 1)));
        break;
      case '--gain-scale':
        o.gainScales.push(...list(val()).map((x) => num(a, x, false, 0)));
        break;
      case '--motion-list':
        o.motionLists.push(val());
        break;
      case '--key-bodies':
        o.keyBodies = list(val());
        break;
      case '--metric-fps':
        o.metricFps = num(a, val(), false, 1e-3);
        break;
      case '--shard':
        o.shard = parseShard(val());
        break;
      case '--fps':
        o.fps = num(a, val(), false, 1e-3);
        break;
      case '--no-repair':
        o.repair = false;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown argument "${a}"`);
    }
  }
  if (!o.robot) throw new UsageError('--robot is required');
  if (!o.policies.length && (!o.driver || o.driver === 'policy') && !o.scenarios.length)
    throw new UsageError('--policy is required (or --driver reference|zero, or a --scenario with skills)');
  if (!o.engines.length) o.engines.push('rapier');
  return o;
}
