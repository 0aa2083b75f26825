// Observation terms, layouts, the CPU and WebGPU builders and backend selection (headless).
// The ORT hand-off (./handoff) is not re-exported: it pulls in onnxruntime-web/webgpu; import it directly.
export { obsTerms, obsTermList, obsAliases, type ObsTermDef, type StateArray } from './terms';
export { CpuObservationBuilder, layoutSize, resolveLayout, resolveObsTerm, type ResolvedEntry } from './builder';
export { beyondmimic154, beyondmimic160, skillCondition, withHistory, obsLayouts } from './layouts';
export { createObsContext } from './context';
export type { ObsContext, ObsLayoutEntry, ObsTerm } from './types';
export { GpuObservationBuilder, type GpuObservationOptions } from './gpu';
export { chooseObservationBackend, requestObsDevice, adapterDescription, type BackendChoice, type ChooseOptions } from './select';
export { obsShaderSource } from './shaders';
