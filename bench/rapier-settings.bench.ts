// Rapier solver settings: cost vs tracking accuracy, MuJoCo-WASM measured in the same run.
// Each setting runs the real g1-dance-102 export over its whole clip (1457 control steps = 5828 physics steps).
//   accuracy: mean joint error, anchor error, terminations (deterministic: the same in every repeat)
//   cost:     bare engine.step() time during that dance, summed per control step (4 × 5 ms), N = 1
// All settings and MuJoCo run once each per repeat, interleaved (rapier A, rapier B, ..., mujoco; again ...);
// the best repeat of each is reported. `npm run bench -- rapier-settings [--reps=3]`.
// "dance bar" = the policy-dance test's bar: no termination, joint error ≤ 1.15 × MuJoCo's.
import type { RapierExtraOptions } from '../src/core/physics/index';
import { defaultPhysicsOptions, type PhysicsOptions } from '../src/core/physics/types';
import { runEpisode, type EpisodeResult } from '../src/core/policy/episode';
import { danceClip, dancePolicy, loadG1 } from '../tests/unit/policy-fixture';
import { loadAverages } from './load';

type Physics = Partial<PhysicsOptions> & RapierExtraOptions;

/**
 * A setting: PD mode (rapier.ts: 'motor' on every joint, or 'mixed' = explicit torques where the gains allow: on the
 * dance every joint), substeps (solverIterations) × PGS iterations per substep (for 'mixed' these are the explicit
 * solver settings, the dance having no motor), link inertia floor, and the contact layout (cost round 4:
 * `floorShape` box or half-space, `footContact` spheres or one hull per foot). The old default was motor 8 × 4,
 * floor 0.001, box floor, foot spheres; then motor 3 × 7, floor 0.005.
 */
interface Setting {
  pd: 'motor' | 'mixed';
  it: number;
  pgs: number;
  floor: number;
  physics?: Physics;
}
const hull: Physics = { footContact: 'hull' };
const SETTINGS: Setting[] = [
  { pd: 'motor', it: 8, pgs: 4, floor: 0.001 },
  { pd: 'motor', it: 3, pgs: 7, floor: 0.005 },
  { pd: 'motor', it: 3, pgs: 7, floor: 0.005, physics: { floorShape: 'halfspace' } },
  { pd: 'motor', it: 3, pgs: 7, floor: 0.005, physics: hull },
  { pd: 'motor', it: 2, pgs: 8, floor: 0.005 },
  { pd: 'motor', it: 2, pgs: 8, floor: 0.005, physics: hull },
  { pd: 'motor', it: 1, pgs: 16, floor: 0.005, physics: hull },
  { pd: 'mixed', it: 3, pgs: 7, floor: 0.005 },
  { pd: 'mixed', it: 2, pgs: 5, floor: 0.005 },
  { pd: 'mixed', it: 1, pgs: 16, floor: 0.005 },
  { pd: 'mixed', it: 1, pgs: 12, floor: 0.005 },
  { pd: 'mixed', it: 1, pgs: 10, floor: 0.005 },
  { pd: 'mixed', it: 1, pgs: 8, floor: 0.005 },
  { pd: 'mixed', it: 1, pgs: 6, floor: 0.005 },
  { pd: 'mixed', it: 1, pgs: 10, floor: 0.001 },
];
const d = defaultPhysicsOptions;
const layout = (p: Physics = {}) => `${p.floorShape ?? d.floorShape ?? 'box'} floor, foot ${p.footContact ?? d.footContact ?? 'spheres'}`;
const isDefault = ({ pd, it, pgs, floor, physics }: Setting) =>
  pd === 'mixed' &&
  it === d.explicitSolverIterations &&
  pgs === d.explicitPgsIterations &&
  floor === d.inertiaFloor &&
  layout(physics) === layout();
const isOld = (s: Setting) => s.pd === 'motor' && s.it === 8 && s.pgs === 4 && s.floor === 0.001 && layout(s.physics) === layout();
const isMotorDefault = (s: Setting) =>
  s.pd === 'motor' &&
  s.it === d.solverIterations &&
  s.pgs === d.pgsIterations &&
  s.floor === d.inertiaFloor &&
  layout(s.physics) === layout();
const note = (s: Setting) =>
  isDefault(s) ? ' (default)' : isMotorDefault(s) ? ' (default with motors; old default)' : isOld(s) ? ' (older default)' : '';
const label = (s: Setting) => `${s.pd} ${s.it}×${s.pgs}, floor ${s.floor}, ${layout(s.physics)}${note(s)}`;
const options = ({ pd, it, pgs, floor, physics }: Setting): Physics => ({
  ...physics,
  pd,
  solverIterations: it,
  pgsIterations: pgs,
  explicitSolverIterations: it,
  explicitPgsIterations: pgs,
  inertiaFloor: floor,
});

const g1 = loadG1();
const clip = danceClip(g1);
const policy = dancePolicy();

interface Run {
  result: EpisodeResult;
  physicsMs: number;
}

/** One dance episode; physicsMs = bare engine.step() time per control step (decimation steps). */
async function dance(engine: 'rapier' | 'mujoco', physics: Physics, seconds?: number): Promise<Run> {
  let ms = 0,
    steps = 0,
    wrapped = false;
  const result = await runEpisode({
    model: g1,
    engine,
    policy,
    clip,
    physics,
    seconds,
    stopOnTermination: false,
    onStep: ({ engine: e }) => {
      if (wrapped) return;
      wrapped = true;
      const step = e.step.bind(e);
      e.step = () => {
        const t0 = performance.now();
        step();
        ms += performance.now() - t0;
        steps++;
      };
    },
  });
  const decimation = Math.round(steps / Math.max(1, result.control_steps));
  return { result, physicsMs: (ms / Math.max(1, steps)) * decimation };
}

export async function run(): Promise<void> {
  const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice(7) ?? 2);
  console.log(`rapier-settings: ${reps} interleaved repeats of the whole dance per setting, load average ${loadAverages()}`);
  await dance('rapier', {}, 5); // warm-up: both WASM modules tier up
  await dance('mujoco', {}, 5);
  const best: Run[] = [];
  let mujoco: Run | undefined;
  for (let r = 0; r < reps; r++) {
    for (const [k, setting] of SETTINGS.entries()) {
      const x = await dance('rapier', options(setting));
      if (!best[k] || x.physicsMs < best[k].physicsMs) best[k] = x;
    }
    const m = await dance('mujoco', {});
    if (!mujoco || m.physicsMs < mujoco.physicsMs) mujoco = m;
  }
  const mj = mujoco!;
  const rows = SETTINGS.map((setting, k) => {
    const { result: r, physicsMs } = best[k];
    const ratio = (r.mean_joint_err_rad ?? NaN) / (mj.result.mean_joint_err_rad ?? NaN);
    return {
      setting: label(setting),
      'physics ms / control step': +physicsMs.toFixed(3),
      '× MuJoCo': +(physicsMs / mj.physicsMs).toFixed(2),
      'joint err (rad)': +(r.mean_joint_err_rad ?? NaN).toFixed(4),
      'joint / MuJoCo': +ratio.toFixed(3),
      'anchor err (m)': +(r.mean_anchor_pos_err_m ?? NaN).toFixed(4),
      terminations: r.terminations.length,
      'dance bar': r.terminations.length === 0 && ratio <= 1.15 ? 'holds' : 'FAILS',
    };
  });
  rows.push({
    setting: 'MuJoCo-WASM',
    'physics ms / control step': +mj.physicsMs.toFixed(3),
    '× MuJoCo': 1,
    'joint err (rad)': +(mj.result.mean_joint_err_rad ?? NaN).toFixed(4),
    'joint / MuJoCo': 1,
    'anchor err (m)': +(mj.result.mean_anchor_pos_err_m ?? NaN).toFixed(4),
    terminations: mj.result.terminations.length,
    'dance bar': '-',
  });
  console.log(
    'Rapier PD mode, solver (substeps × PGS iterations), link inertia floor and contact layout vs MuJoCo, G1 + dance, whole clip, N = 1:',
  );
  console.table(rows);
  console.log(`load average after the table: ${loadAverages()}`);
}
