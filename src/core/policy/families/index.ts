/**
 * The exporter-family registry: the first family whose detect() fits the file configures it. An export no
 * family fits is a PolicyError listing what was found and which profile keys would make it run.
 */
import { fail } from '../../errors';
import type { PolicyConfig } from '../config';
import type { OnnxInfo } from '../onnx';
import { beyondmimic } from './beyondmimic';
import { holosoma } from './holosoma';
import { humanoidverse } from './humanoidverse';
import { profileFamily } from './profile';
import { unitree } from './unitree';
import { describeValue, type Family, type FamilyInput } from './types';

export type { Family, FamilyInput } from './types';
export { detectRecurrent } from './recurrent';

/** In order of precedence: file metadata first, then a deploy.yaml, graph shape, a profile. */
export const FAMILIES: readonly Family[] = [beyondmimic, holosoma, unitree, humanoidverse, profileFamily];

/** Known family names (PolicyConfig.family values). */
export const FAMILY_NAMES = [
  'beyondmimic',
  'mjlab',
  'beyondmimic-velocity',
  'mjlab-velocity',
  'holosoma-loco',
  'holosoma-wbt',
  'unitree-rl-lab',
  'unitree-rl-mjlab',
  'humanoidverse',
  'skillmimic',
  'profile',
];

/** What the file shows, for the unknown-family message. */
export function describeExport(info: OnnxInfo): string {
  const type = (t: number) =>
    (({ 1: 'float32', 6: 'int32', 7: 'int64', 8: 'string', 10: 'float16', 11: 'double' }) as Record<number, string>)[t] ?? `type ${t}`;
  const keys = Object.keys(info.metadata);
  return (
    `inputs: ${info.inputs.map((i) => `${describeValue(i)} ${type(i.elemType)}`).join(', ')}; ` +
    `outputs: ${info.outputs.map(describeValue).join(', ')}; metadata keys: ${keys.length ? keys.join(', ') : 'none'}`
  );
}

/** The family of an export and its config; evidence says why. */
export function configureByFamily(x: FamilyInput): { config: PolicyConfig; evidence: string[] } {
  for (const f of FAMILIES) {
    const evidence = f.detect(x);
    if (evidence) return { config: f.configure(x, evidence), evidence };
  }
  return fail(
    'PolicyError',
    x.file,
    'metadata_props',
    `no exporter family fits this file (${describeExport(x.info)}). The ONNX file carries no policy metadata we know; give its deploy.yaml or a profile (policies/*.json) ` +
      `with "jointOrder", "gains", "defaultJointPos", "actionScale", "observations" (a layout of ${x.obsSize > 0 ? x.obsSize : 'N'} values), "stepDt"` +
      ` (families known: ${FAMILY_NAMES.join(', ')})`,
  );
}
