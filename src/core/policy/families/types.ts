/**
 * Exporter families: each module recognises one framework's ONNX exports from the graph's inputs/outputs
 * and metadata (detect → evidence) and builds the PolicyConfig from what the file says plus, for what it
 * does not say, a profile (the user's, else the family's shipped one) or the family's defaults (configure).
 */
import type { PolicyConfig, ResolveInput } from '../config';
import type { OnnxInfo, OnnxValueInfo } from '../onnx';

export interface FamilyInput extends ResolveInput {
  /** the observation input and its size per env (-1 when symbolic) */
  obsIn: OnnxValueInfo;
  obsSize: number;
  /** the action output and its size per env (-1 when symbolic) */
  actOut: OnnxValueInfo;
  nActions: number;
}

export interface Family {
  /** family name (PolicyConfig.family), e.g. 'holosoma' (a module may name variants: 'holosoma-loco') */
  name: string;
  /** what in the file shows the family, or null when it does not fit */
  detect(x: FamilyInput): string[] | null;
  configure(x: FamilyInput, evidence: string[]): PolicyConfig;
}

export const inputNamed = (info: OnnxInfo, ...names: string[]): OnnxValueInfo | undefined =>
  info.inputs.find((i) => names.includes(i.name));
export const outputNamed = (info: OnnxInfo, ...names: string[]): OnnxValueInfo | undefined =>
  info.outputs.find((o) => names.includes(o.name));

/** "name [d0, d1]" for messages. */
export const describeValue = (v: OnnxValueInfo): string => `${v.name} [${v.dims.join(', ')}]`;
