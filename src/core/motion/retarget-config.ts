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

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Json => (isObj(v) ? v : {});
const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
const str = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);

export function checkRetargetConfig(raw: unknown, robotName: string, file = 'retarget config'): RetargetConfig {
  const need = (cond: boolean, key: string, what: string) => {
    if (!cond) fail('MotionError', file, `key ${key}`, what);
  };
  need(isObj(raw), 'root', 'config must be a JSON object');
  const o = obj(raw);
  const src = obj(o.source);
  const M = src.toRobot ?? [
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ];
  const isMatrix = (m: unknown): m is number[][] =>
    Array.isArray(m) && m.length === 3 && m.every((r: unknown) => Array.isArray(r) && r.length === 3 && r.every(Number.isFinite));
  need(isMatrix(M), 'source.toRobot', 'must be a 3x3 matrix');
  const groups = Array.isArray(o.groups) ? (o.groups as unknown[]) : [];
  need(groups.length > 0, 'groups', 'must list source bone → robot joints groups');
  groups.forEach((g, i) =>
    need(
      isObj(g) && typeof g.bone === 'string' && Array.isArray(g.joints) && g.joints.length > 0,
      `groups[${i}]`,
      'needs "bone" and a non-empty "joints" list',
    ),
  );
  const feet = Array.isArray(o.feet) ? (o.feet as unknown[]) : [];
  need(feet.length > 0, 'feet', 'must list the feet ({ body, bones })');
  feet.forEach((f, i) =>
    need(isObj(f) && typeof f.body === 'string' && Array.isArray(f.bones) && f.bones.length > 0, `feet[${i}]`, 'needs "body" and "bones"'),
  );
  const scale = o.scale ?? 1;
  need(
    typeof scale === 'number' ? scale > 0 : isObj(scale) && typeof scale.sourceHip === 'string' && typeof scale.robotHip === 'string',
    'scale',
    'a number > 0 or { sourceHip, robotHip }',
  );
  const byRobot = obj(obj(o.robotTposeByRobot)[robotName]);
  const tpose: Json = { ...obj(o.robotTpose), ...byRobot };
  for (const [k, v] of Object.entries(tpose)) need(Number.isFinite(v), `robotTpose.${k}`, 'must be a number (rad)');
  const contact = obj(o.contact);
  return {
    name: str(o.name, file),
    toRobot: M as number[][],
    tposeFrame: num(src.tposeFrame, 0),
    firstFrame: num(src.firstFrame, 1),
    rootBone: str(src.root, 'Hips'),
    robotTpose: tpose as Record<string, number>,
    tposeAlign: (Array.isArray(o.tposeAlign) ? o.tposeAlign : []) as RetargetConfig['tposeAlign'],
    groups: groups as RetargetConfig['groups'],
    rest: obj(o.rest) as RetargetConfig['rest'],
    scale: scale as RetargetConfig['scale'],
    feet: feet as RetargetConfig['feet'],
    contact: { speed: num(contact.speed, 0.3), height: num(contact.height, 0.06) },
  };
}
