/**
 * Robot model: MJCF / URDF loaders producing one immutable RobotModel, forward kinematics, mesh parsers.
 * See README.md in this folder for conventions.
 */
import { fail } from '../errors';
import type { AssetResolver } from './common';
import { loadMjcf } from './mjcf';
import type { RobotModel } from './types';
import { loadUrdf } from './urdf';

export type { AssetResolver } from './common';
export * from './types';
export { loadMjcf, mjcfKeyframes } from './mjcf';
export { loadUrdf } from './urdf';
export { parseStl, parseObj, parseMesh } from './mesh';
export { parseXml, type XmlElement } from './xml';
export { forwardKinematics, bodyWorldCom, robotCom } from './fk';

/** Load a robot description, choosing the format by extension (.xml/.mjcf → MJCF, .urdf → URDF) or root element. */
export function loadRobot(file: string, text: string, resolve?: AssetResolver): RobotModel {
  const lower = file.toLowerCase();
  if (lower.endsWith('.urdf')) return loadUrdf(text, file, resolve);
  if (lower.endsWith('.mjcf')) return loadMjcf(text, file, resolve);
  const m = /<\s*(mujoco|robot)\b/.exec(text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, ''));
  if (m?.[1] === 'mujoco') return loadMjcf(text, file, resolve);
  if (m?.[1] === 'robot') return loadUrdf(text, file, resolve);
  return fail('ParseError', file, 'root element', 'not a robot description: expected a <mujoco> (MJCF) or <robot> (URDF) root');
}
