import type { RobotModel } from './types'; import type { AssetResolver } from './common';
export function loadUrdf(text: string, file: string, resolve?: AssetResolver): RobotModel { throw new Error('URDF loader not yet implemented ' + file + text.length + String(resolve)); }
