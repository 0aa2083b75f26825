/**
 * Policy configuration: everything needed to drive a robot with an exported policy, in POLICY joint order
 * (except where noted). Sources, in order of preference: the ONNX file's own metadata_props (BeyondMimic),
 * a unitree_rl_lab deploy.yaml, a JSON profile (policies/*.json, see policies/README.md).
 */
import type { CommandRanges } from './commands';
import { rangesFromDeployYaml } from './commands';
import type { ObsLayoutEntry } from '../observation/types';
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import { obsTerms } from '../observation/terms';
import { layoutSize } from '../observation/builder';
import { createObsContext } from '../observation/context';
import { featureSize, type OnnxInfo, type OnnxValueInfo } from './onnx';
import { configFromDeployYaml, configFromMetadata } from './sources';
import { configureByFamily, detectRecurrent } from './families/index';
import { configFromProfile } from './profile';
import { placeholderObjects } from '../observation/objects';

export interface PolicyConfig {
  /** where the config came from: 'metadata', 'deploy.yaml', 'profile:<name>' */
  source: string;
  /** policy joint order */
  jointNames: string[];
  /** PD gains, policy order */
  stiffness: number[];
  damping: number[];
  defaultJointPos: number[];
  actionScale: number[];
  actionOffset: number[];
  /** PD-target clip: one [low, high] for every joint, or one per policy joint (Isaac Lab / mjlab deploy.yaml) */
  actionClip: [number, number] | [number, number][] | null;
  stepDt: number;
  physicsDt: number;
  decimation: number;
  observations: ObsLayoutEntry[];
  anchorBody: string;
  /** tracked bodies (termination, metrics) */
  bodyNames: string[];
  endEffectors: string[];
  /** the ONNX graph carries the reference (input time_step; outputs joint_pos, joint_vel, body_pos_w...) */
  embeddedReference: boolean;
  /** the gains were derived from armature (kp = a·(2π·10)²): emulate that armature when the robot has none */
  armatureFromGains: boolean;
  nSkills: number;
  /** per-joint effort limits, policy order (else the robot's) */
  effortLimits?: number[];

  // ------------------------------------------------------------ exporter families (issue 10)
  /** the exporter family identified from the graph + metadata (policies/families), e.g. 'beyondmimic',
   *  'mjlab', 'unitree-rl-lab', 'unitree-rl-mjlab', 'holosoma-loco', 'holosoma-wbt', 'humanoidverse', 'skillmimic' */
  family?: string;
  /** config keys whose values came from a profile / family default rather than the file itself */
  filledFromProfile?: string[];
  /** non-fatal findings while resolving (e.g. a profile value contradicting the file's metadata: the file wins) */
  warnings?: string[];
  /** embedded reference: which graph outputs hold it (defaults: BeyondMimic names, quaternions wxyz) */
  referenceOutputs?: ReferenceOutputs;
  /** recurrent state carried between steps per env (GRU/LSTM exports), reset with the episode */
  recurrent?: RecurrentState[];
  /** robot joints the policy does not drive: held at `positions` by PD with these gains (model joint names) */
  heldJoints?: HeldJoints;
  /** phase-conditioned policies (ASAP/HumanoidVerse, PBHC): motion length in seconds (phase = t / length) */
  motionSeconds?: number;
  /** gait-clock policies (holosoma locomotion): gait period in s (observation/context.ts advanceGaitPhase) */
  gaitPeriod?: number;
  /** velocity-command policies: command ranges (holosoma command_ranges metadata; commands.ts clamps to them) */
  commandRanges?: CommandRanges;
  /** what in the file identified the family (for the Run box and the CLI JSON) */
  familyEvidence?: string[];
}

/** Names of an embedded reference's graph outputs. */
export interface ReferenceOutputs {
  /** the time-step input's name (default 'time_step') */
  timeStep?: string;
  jointPos?: string;
  jointVel?: string;
  bodyPos?: string;
  bodyQuat?: string;
  bodyLinVel?: string;
  bodyAngVel?: string;
  /** quaternion order of bodyQuat: BeyondMimic wxyz, holosoma xyzw */
  quatOrder: 'wxyz' | 'xyzw';
  /**
   * the observation at step k sees the reference of step k − 1 (step 0 sees step 0) and the run at step k is fed
   * time_step = k (holosoma's deployment); unset: it sees step k and the run is fed k + 1 (BeyondMimic's)
   */
  lagged?: boolean;
}

/** One recurrent state: graph input fed from the previous step's graph output (zeros at reset). */
export interface RecurrentState {
  input: string;
  output: string;
  /** per-env shape (batch dim removed), e.g. [num_layers, hidden] */
  shape: number[];
}

/** Joints the policy leaves alone, held by PD at a fixed position. */
export interface HeldJoints {
  names: string[];
  positions: number[];
  stiffness: number[];
  damping: number[];
}

export { configFromDeployYaml, configFromMetadata, configFromProfile };
export {
  DEFAULT_ANCHOR,
  G1_END_EFFECTORS,
  G1_TRACKED_BODIES,
  armatureFromStiffness,
  gainsFromArmature,
  isaacJointOrder,
} from './conventions';

/** Names of the embedded-reference outputs of a BeyondMimic export. */
export const REFERENCE_OUTPUTS = ['joint_pos', 'joint_vel', 'body_pos_w', 'body_quat_w', 'body_lin_vel_w', 'body_ang_vel_w'];

/** The observation input: `obs`, `actor_obs`, else the first input that is not `time_step`. */
export const obsInputOf = (info: OnnxInfo): OnnxValueInfo | undefined =>
  info.inputs.find((i) => i.name === 'obs') ??
  info.inputs.find((i) => i.name === 'actor_obs') ??
  info.inputs.find((i) => i.name !== 'time_step');
/** The action output: `actions`, `action`, else the first output. */
export const actionsOutputOf = (info: OnnxInfo): OnnxValueInfo | undefined =>
  info.outputs.find((o) => o.name === 'actions') ?? info.outputs.find((o) => o.name === 'action') ?? info.outputs[0];

/** What configures a policy beside its ONNX file: a deploy.yaml and a profile, each with its file name. */
export interface PolicyConfigFiles {
  yaml?: string;
  yamlFile?: string;
  /** a profile (parsed JSON or its text) */
  profile?: unknown;
  profileFile?: string;
}

export interface ResolveInput extends PolicyConfigFiles {
  /** readOnnxInfo of the policy */
  info: OnnxInfo;
  /** the policy's file name (for messages) */
  file: string;
  robot: RobotModel;
}

const ELEM_TYPES: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 8: 'string', 10: 'float16', 11: 'double' };
const elemName = (t: number): string => ELEM_TYPES[t] ?? `type ${t}`;

/** The graph's typed inputs: the observation must be float32, a time step float32 / int32 / int64. */
function checkInputTypes(info: OnnxInfo, file: string, obsIn: OnnxValueInfo, timeStep: string): void {
  if (obsIn.elemType !== 0 && obsIn.elemType !== 1) {
    fail(
      'PolicyError',
      file,
      `input ${obsIn.name}`,
      `the observation input has type ${elemName(obsIn.elemType)}; policies take float32 observations (re-export with a float input)`,
    );
  }
  const ts = info.inputs.find((i) => i.name === timeStep);
  if (ts && ![0, 1, 6, 7].includes(ts.elemType)) {
    fail('PolicyError', file, `input ${ts.name}`, `has type ${elemName(ts.elemType)}; a time-step input must be float32, int32 or int64`);
  }
}

/** Joints and per-joint lists against the robot: names BY NAME, one value per joint, finite. */
function checkJoints(cfg: PolicyConfig, robot: RobotModel, cfgFile: string): void {
  const missing = cfg.jointNames.filter((j) => !robot.jointIndex.has(j));
  if (missing.length) {
    fail(
      'PolicyError',
      cfgFile,
      `joints ${missing.join(', ')}`,
      `the policy expects ${missing.length} joint(s) that robot "${robot.name}" lacks: ${missing.join(', ')}`,
    );
  }
  const n = cfg.jointNames.length;
  for (const k of ['stiffness', 'damping', 'defaultJointPos', 'actionScale', 'actionOffset'] as const) {
    if (cfg[k].length !== n) fail('PolicyError', cfgFile, k, `has ${cfg[k].length} values for ${n} policy joints`);
    const bad = cfg[k].findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail('PolicyError', cfgFile, `${k}[${bad}]`, `joint ${cfg.jointNames[bad]}: ${cfg[k][bad]} is not a finite number`);
  }
}

/** Anchor and tracked bodies against the robot (bodies the policy itself names must all exist). */
function checkBodies(cfg: PolicyConfig, robot: RobotModel, file: string, cfgFile: string): void {
  if (!robot.bodyIndex.has(cfg.anchorBody)) {
    fail('PolicyError', cfgFile, `anchor ${cfg.anchorBody}`, `anchor body ${cfg.anchorBody} is not in robot "${robot.name}"`);
  }
  // tracked bodies are for termination and metrics: keep those this robot has — except when they come from
  // the policy itself (metadata): then they index its embedded-reference outputs and must all exist
  const lost = cfg.bodyNames.filter((b) => !robot.bodyIndex.has(b));
  if (lost.length && cfg.source === 'metadata' && !cfg.filledFromProfile?.includes('bodyNames')) {
    fail('PolicyError', file, 'metadata_props.body_names', `the policy tracks bodies that robot "${robot.name}" lacks: ${lost.join(', ')}`);
  }
  cfg.bodyNames = cfg.bodyNames.filter((b) => robot.bodyIndex.has(b));
  cfg.endEffectors = cfg.endEffectors.filter((b) => robot.bodyIndex.has(b));
}

/** Action and observation sizes against the graph. */
function checkSizes(
  cfg: PolicyConfig,
  robot: RobotModel,
  file: string,
  cfgFile: string,
  obsIn: OnnxValueInfo,
  actOut: OnnxValueInfo,
): void {
  const n = cfg.jointNames.length,
    nAct = featureSize(actOut),
    obsSize = featureSize(obsIn);
  if (nAct > 0 && nAct !== n) {
    fail('PolicyError', file, `output ${actOut.name}`, `the policy outputs ${nAct} actions but its config (${cfgFile}) has ${n} joints`);
  }
  cfg.observations.forEach((e, k) => {
    if (!Object.prototype.hasOwnProperty.call(obsTerms, e.term)) {
      fail(
        'PolicyError',
        cfgFile,
        `observations[${k}]`,
        `unknown observation term "${e.term}" (known: ${Object.keys(obsTerms).join(', ')})`,
      );
    }
  });
  const ctx = createObsContext(robot, 1, cfg.jointNames, cfg.defaultJointPos, cfg.anchorBody, cfg.nSkills);
  // objects: a layout with object terms is sized for one object (the scene's objects are not known here)
  if (cfg.observations.some((e) => obsTerms[e.term].reads.includes('i.objects'))) ctx.objects = placeholderObjects(1, robot.bodies.length);
  const size = layoutSize(cfg.observations, ctx);
  if (obsSize > 0 && size !== obsSize) {
    fail(
      'PolicyError',
      cfgFile,
      'observations',
      `the observation layout (${cfg.observations.map((e) => e.term).join(', ')}) has ${size} values but the ONNX input "${obsIn.name}" takes ${obsSize}`,
    );
  }
}

/** Embedded reference (needs the time-step input), recurrent state, and no input left unfed. */
function checkGraphInputs(cfg: PolicyConfig, info: OnnxInfo, file: string, obsIn: OnnxValueInfo, actOut: OnnxValueInfo): void {
  const tsName = cfg.referenceOutputs?.timeStep ?? 'time_step';
  const hasTimeStep = info.inputs.some((i) => i.name === tsName);
  const hasRefOutputs = info.outputs.some((o) => o.name === (cfg.referenceOutputs?.jointPos ?? 'joint_pos'));
  const embedded = hasRefOutputs || (cfg.source !== 'metadata' && cfg.embeddedReference);
  if (embedded && !hasTimeStep) {
    fail(
      'PolicyError',
      file,
      'graph inputs',
      `an embedded-reference policy needs an input "${tsName}", the graph has only ${info.inputs.map((i) => i.name).join(', ')}`,
    );
  }
  cfg.embeddedReference = embedded;
  const recurrent = detectRecurrent(info, [obsIn.name, tsName], actOut.name);
  if (recurrent.length) cfg.recurrent = recurrent;
  const fed = new Set([obsIn.name, tsName, ...recurrent.map((r) => r.input)]);
  const unfed = info.inputs.filter((i) => !fed.has(i.name));
  if (unfed.length) {
    fail(
      'PolicyError',
      file,
      `input ${unfed[0].name}`,
      `the runtime cannot feed input(s) ${unfed.map((i) => `${i.name} [${i.dims.join(', ')}]`).join(', ')}: it feeds the observation, "${tsName}" and recurrent state (an input paired with an output of the same shape and name, e.g. h_in/h_out)`,
    );
  }
}

/**
 * The policy's configuration: its exporter family is identified from the graph and metadata
 * (policy/families) and configures it from the file, a deploy.yaml and/or a profile; then it is checked
 * against the robot (joints BY NAME, anchor body) and the ONNX graph (observation and action sizes,
 * time_step for embedded-reference policies, recurrent state, every input fed).
 */
export function resolvePolicyConfig(input: ResolveInput): PolicyConfig {
  const { info, file, robot } = input;
  const obsIn = obsInputOf(info) ?? fail('PolicyError', file, 'graph inputs', 'no observation input');
  const actOut = actionsOutputOf(info) ?? fail('PolicyError', file, 'graph outputs', 'no action output');
  const { config: cfg, evidence } = configureByFamily({
    ...input,
    obsIn,
    obsSize: featureSize(obsIn),
    actOut,
    nActions: featureSize(actOut),
  });
  cfg.familyEvidence = evidence;
  if (!cfg.commandRanges && input.yaml) cfg.commandRanges = rangesFromDeployYaml(input.yaml, input.yamlFile ?? 'deploy.yaml') ?? undefined;
  const shipped = cfg.source.startsWith('profile:') && input.profile === undefined ? `policies/${cfg.source.slice(8)}.json` : undefined;
  const cfgFile =
    cfg.source === 'metadata'
      ? file
      : cfg.source === 'deploy.yaml'
        ? (input.yamlFile ?? 'deploy.yaml')
        : (shipped ?? input.profileFile ?? 'profile.json');
  checkInputTypes(info, file, obsIn, cfg.referenceOutputs?.timeStep ?? 'time_step');
  checkJoints(cfg, robot, cfgFile);
  checkBodies(cfg, robot, file, cfgFile);
  checkSizes(cfg, robot, file, cfgFile, obsIn, actOut);
  checkGraphInputs(cfg, info, file, obsIn, actOut);
  return cfg;
}
