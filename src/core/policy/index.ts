// Policy runtime (headless): ONNX metadata, config sources and profiles, the onnxruntime-web session, the
// control loop, terminations, the built-in controller and headless episodes.
export { readOnnxInfo, featureSize, type OnnxInfo, type OnnxValueInfo } from './onnx';
export {
  resolvePolicyConfig, configFromMetadata, configFromDeployYaml, configFromProfile, obsInputOf, actionsOutputOf,
  REFERENCE_OUTPUTS, DEFAULT_ANCHOR, G1_END_EFFECTORS, G1_TRACKED_BODIES, armatureFromStiffness, gainsFromArmature,
  isaacJointOrder, type PolicyConfig, type ResolveInput,
} from './config';
export { PolicySession, type PolicyRunResult, type PolicySessionOptions } from './session';
export { PolicyController, type PolicyControllerOptions, type StartMode } from './controller';
export { alignmentFor, applyAlignment, identityAlignment, EmbeddedReference, type Alignment, type ReferenceSource } from './refio';
export { checkTermination, beyondMimicThresholds, type TerminationCheck, type TerminationReason, type TerminationThresholds } from './termination';
export { BuiltinController, builtinGains, builtinSettings, type AssistSettings, type BuiltinControllerOptions } from './builtin';
export { runEpisode, type EpisodeOptions, type EpisodeResult, type EpisodeStepInfo } from './episode';
