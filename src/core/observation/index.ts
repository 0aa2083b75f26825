// Observation terms, layouts and the CPU builder (headless). The WebGPU path: ./gpu, ./select, ./handoff.
export { obsTerms, obsTermList, obsAliases, type ObsTermDef, type StateArray } from './terms';
export { CpuObservationBuilder, layoutSize, resolveLayout, resolveObsTerm, type ResolvedEntry } from './builder';
export { beyondmimic154, beyondmimic160, skillCondition, withHistory, obsLayouts } from './layouts';
export { createObsContext } from './context';
export type { ObsContext, ObsLayoutEntry, ObsTerm } from './types';
