/** The files `npm run eval`'s arguments name, read into plain evaluation inputs (the arguments: eval-options.ts). */
import { expandIncludes, includedFiles } from '../core/model/mjcf-include';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MimicError } from '../core/errors';
import { parseScenario, nominalScenario, type Scenario } from '../core/evaluation/scenario';
import type { ClipSource, EvalVariant, PolicySource, RobotSource } from '../core/evaluation/setup';
import { externalFilesOf, inlineExternalData } from '../core/policy/external';
import { readTree } from './tree';
import type { CliOptions } from './eval-options';

export { parseArgs, parseShard, USAGE, UsageError, type CliOptions } from './eval-options';

function readOrFail(path: string, what: string): Buffer {
  if (!existsSync(path)) throw new MimicError('ParseError', path, what, 'no such file');
  if (statSync(path).isDirectory()) throw new MimicError('ParseError', path, what, 'is a folder, expected a file');
  return readFileSync(path);
}

/**
 * The robot description in a folder given as --robot: its one .xml / .urdf / .mjcf that no other one there includes
 * (a mujoco_menagerie folder: scene.xml, which includes the robot's file), the MJCF when a URDF lies beside it;
 * several or none is a named error.
 */
function robotFileIn(dir: string): string {
  const names = readdirSync(dir).filter((n) => /\.(xml|urdf|mjcf)$/i.test(n) && statSync(join(dir, n)).isFile());
  const included = new Set(names.flatMap((n) => includedFiles(readFileSync(join(dir, n), 'utf8')).map((p) => p.replace(/^\.\//, ''))));
  const tops = names.filter((n) => !included.has(n)).sort();
  const mjcf = tops.filter((n) => !/\.urdf$/i.test(n)); // an MJCF beside the URDF of the same robot: the MJCF
  if (tops.length === 1 || mjcf.length === 1) return join(dir, mjcf.length === 1 ? mjcf[0] : tops[0]);
  const why = tops.length ? `holds ${tops.length} robot files (${tops.join(', ')}): name one` : 'holds no .xml or .urdf robot file';
  throw new MimicError('ParseError', dir, '--robot', why);
}

const MESH_FILE = /\.(stl|obj|png)$/i;

/**
 * Mesh files the description names outside its own folder (keys as paths from that folder, `../` first): a legged_gym
 * layout (urdf/robot.urdf with `../meshes/…`), a ROS `package://name/meshes/…` whose package holds the robot's folder,
 * an MJCF `meshdir="../…"`. Only the files named are read.
 */
function filesAbove(text: string, dir: string): Record<string, Uint8Array> {
  const meshdir = /<\s*compiler\b[^>]*\b(?:meshdir|assetdir)\s*=\s*["']([^"']*)["']/.exec(text)?.[1] ?? '';
  const out: Record<string, Uint8Array> = {};
  for (const m of text.matchAll(/\b(filename|file)\s*=\s*["']([^"']+)["']/g)) {
    let p = m[2].replace(/\\/g, '/');
    if (p.startsWith('package://')) p = `../${p.replace(/^package:\/\/[^/]*\//, '')}`;
    else if (m[1] === 'file' && meshdir && !p.startsWith('/')) p = `${meshdir.replace(/\/*$/, '')}/${p}`;
    if (!p.startsWith('../') || !MESH_FILE.test(p) || out[p]) continue;
    const abs = join(dir, p);
    if (existsSync(abs) && statSync(abs).isFile()) out[p] = new Uint8Array(readFileSync(abs));
  }
  return out;
}

/** The robot file (or the one in a folder) and every mesh under its folder (keys relative to the robot file's folder). */
export function readRobot(given: string): RobotSource {
  const path = existsSync(given) && statSync(given).isDirectory() ? robotFileIn(given) : given;
  const raw = readOrFail(path, '--robot').toString('utf8');
  // an MJCF's includes (a menagerie scene.xml includes the robot's file): one document, read beside the main file
  const beside = (p: string) => (existsSync(join(dirname(path), p)) ? readFileSync(join(dirname(path), p)) : undefined);
  const text = expandIncludes(raw, basename(path), (p) => beside(p.replace(/\\/g, '/')));
  const files = { ...readTree(dirname(path), (name) => MESH_FILE.test(name)), ...filesAbove(text, dirname(path)) };
  return { file: basename(path), text, files };
}

/** The model with its external data (policy.onnx.data beside it) inlined; a missing file is named. */
function readModel(path: string): Uint8Array {
  const raw = new Uint8Array(readOrFail(path, '--policy'));
  const files = externalFilesOf(raw, basename(path))
    .filter((f) => existsSync(join(dirname(path), f)))
    .map((f) => ({ path: f, data: new Uint8Array(readFileSync(join(dirname(path), f))) }));
  return inlineExternalData(raw, basename(path), files);
}

export function readPolicy(path: string, config?: string): PolicySource {
  const bytes = readModel(path);
  const cfgPath = config ?? (existsSync(join(dirname(path), 'deploy.yaml')) ? join(dirname(path), 'deploy.yaml') : undefined);
  const p: PolicySource = { file: basename(path), bytes };
  if (cfgPath && /\.json$/i.test(cfgPath)) {
    p.profile = readOrFail(cfgPath, '--config').toString('utf8');
    p.profileFile = basename(cfgPath);
  } else if (cfgPath) {
    p.yaml = readOrFail(cfgPath, '--config').toString('utf8');
    p.yamlFile = basename(cfgPath);
  }
  return p;
}

export function readClip(path: string, fps?: number): ClipSource {
  if (existsSync(path) && statSync(path).isDirectory())
    return { file: basename(path), files: readTree(path, undefined, Infinity), ...(fps ? { fps } : {}) };
  const bytes = readOrFail(path, '--motion');
  if (fps !== undefined || !/\.(csv|npz|bvh)$/i.test(path))
    return { file: basename(path), bytes: new Uint8Array(bytes), ...(fps ? { fps } : {}) };
  return /\.npz$/i.test(path)
    ? { file: basename(path), bytes: new Uint8Array(bytes) }
    : { file: basename(path), text: bytes.toString('utf8') };
}

/** The one CSV/NPZ clip beside a policy (when --motion is not given). */
export function clipBeside(policy: string): string {
  const dir = dirname(policy);
  const found = readdirSync(dir).filter((f) => /\.(csv|npz)$/i.test(f));
  if (found.length !== 1) {
    throw new MimicError(
      'MotionError',
      policy,
      '--motion',
      found.length
        ? `several clips beside the policy (${found.join(', ')}): choose one with --motion`
        : 'no reference clip: give --motion PATH',
    );
  }
  return join(dir, found[0]);
}

export function readScenario(path: string, seed?: number): Scenario {
  const sc = parseScenario(readOrFail(path, '--scenario').toString('utf8'), basename(path));
  return seed === undefined ? sc : { ...sc, seed };
}

export const defaultScenario = (seed?: number): Scenario => nominalScenario(seed ?? 0);

/** The --scenario files that are JSON objects, with their paths (the scenario parser names the others' errors). */
export function scenarioJsons(o: CliOptions): { path: string; json: Record<string, unknown> }[] {
  return o.scenarios.flatMap((path) => {
    try {
      const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
      return json && typeof json === 'object' ? [{ path, json: json as Record<string, unknown> }] : [];
    } catch {
      return [];
    }
  });
}

/** Variants: policies × engines × solver iterations × gain scales, labelled by what differs. */
export function variantsOf(o: CliOptions, policies: PolicySource[]): EvalVariant[] {
  const pols: (PolicySource | undefined)[] = policies.length ? policies : [undefined];
  const its: (number | undefined)[] = o.solverIterations.length ? o.solverIterations : [undefined];
  const gs: (number | undefined)[] = o.gainScales.length ? o.gainScales : [undefined];
  const out: EvalVariant[] = [];
  for (const p of pols)
    for (const engine of o.engines)
      for (const it of its)
        for (const g of gs) {
          const label = [
            p ? p.file : `${o.driver ?? 'reference'} driver${o.assist ? ` (assist ${o.assist})` : ''}`,
            engine,
            it !== undefined ? `${it} solver it.` : '',
            g !== undefined ? `gains ×${g}` : '',
          ]
            .filter(Boolean)
            .join(' · ');
          out.push({
            label,
            engine,
            policy: p,
            driver: o.driver ?? (p ? 'policy' : 'reference'),
            ...(o.assist !== undefined ? { assist: o.assist } : {}),
            // the user's count holds whether or not some joint has a motor (Rapier's tuned explicit-only setting is 1)
            ...(it !== undefined ? { physics: { solverIterations: it, explicitSolverIterations: it } } : {}),
            ...(g !== undefined ? { gainScale: g } : {}),
          });
        }
  const labels = new Set(out.map((v) => v.label));
  if (labels.size < out.length) out.forEach((v, i) => (v.label = `${v.label} #${i + 1}`));
  return out;
}
