/** The retarget config (motions/retarget/*.json): checked field by field into a typed object. */
import { fail } from '../errors';

export interface RetargetConfig {
  name: string;
  /** source axes → robot axes: robot = toRobot · source (rows) */
  toRobot: number[][];
  tposeFrame: number;
  firstFrame: number;
  rootBone: string;
  /** robot joint angles that put the robot in the source's rest (T) pose; per robot name overrides allowed */
  robotTpose: Record<string, number>;
  /** refine the robot T-pose: solve `joints` so the vector body `from` → body `to` points along `dir` */
  tposeAlign: { joints: string[]; from: string; to: string; dir: number[] }[];
  /** each group: a source bone whose rotation (relative to the T-pose) is decomposed onto these robot joints */
  groups: { bone: string; joints: string[] }[];
  /** per-bone rest-pose correction (world-frame quaternion w,x,y,z applied before the bone's motion) */
  rest: Record<string, number[]>;
  /** leg-length ratio from these (hip height above the lowest foot point, T-pose vs robot zero pose), or fixed */
  scale: { sourceHip: string; robotHip: string } | number;
  feet: { body: string; bones: string[] }[];
  /** foot contact: source foot speed (m/s, after scaling) and height above ground (m) below these */
  contact: { speed: number; height: number };
}

export function checkRetargetConfig(raw: unknown, robotName: string, file = 'retarget config'): RetargetConfig {
  const o = raw as Record<string, any>;
  const need = (cond: boolean, key: string, what: string) => { if (!cond) fail('MotionError', file, `key ${key}`, what); };
  need(!!o && typeof o === 'object', 'root', 'config must be a JSON object');
  const src = o.source ?? {};
  const M = src.toRobot ?? [[0, 0, 1], [1, 0, 0], [0, 1, 0]];
  need(Array.isArray(M) && M.length === 3 && M.every((r: unknown) => Array.isArray(r) && r.length === 3 && r.every(Number.isFinite)),
    'source.toRobot', 'must be a 3x3 matrix');
  need(Array.isArray(o.groups) && o.groups.length > 0, 'groups', 'must list source bone → robot joints groups');
  o.groups.forEach((g: any, i: number) => need(typeof g?.bone === 'string' && Array.isArray(g.joints) && g.joints.length > 0,
    `groups[${i}]`, 'needs "bone" and a non-empty "joints" list'));
  need(Array.isArray(o.feet) && o.feet.length > 0, 'feet', 'must list the feet ({ body, bones })');
  o.feet.forEach((f: any, i: number) => need(typeof f?.body === 'string' && Array.isArray(f.bones) && f.bones.length > 0,
    `feet[${i}]`, 'needs "body" and "bones"'));
  const scale = o.scale ?? 1;
  need(typeof scale === 'number' ? scale > 0 : typeof scale?.sourceHip === 'string' && typeof scale?.robotHip === 'string',
    'scale', 'a number > 0 or { sourceHip, robotHip }');
  const byRobot = (o.robotTposeByRobot ?? {})[robotName] ?? {};
  const tpose = { ...(o.robotTpose ?? {}), ...byRobot };
  for (const [k, v] of Object.entries(tpose)) need(Number.isFinite(v), `robotTpose.${k}`, 'must be a number (rad)');
  return {
    name: String(o.name ?? file), toRobot: M, tposeFrame: src.tposeFrame ?? 0, firstFrame: src.firstFrame ?? 1,
    rootBone: src.root ?? 'Hips', robotTpose: tpose as Record<string, number>, tposeAlign: o.tposeAlign ?? [],
    groups: o.groups, rest: o.rest ?? {}, scale, feet: o.feet,
    contact: { speed: o.contact?.speed ?? 0.3, height: o.contact?.height ?? 0.06 },
  };
}
