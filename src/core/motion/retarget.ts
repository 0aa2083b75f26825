/**
 * BVH → robot retargeting. Each config group maps a source bone to a chain of robot joints: the bone's world
 * rotation relative to the BVH T-pose (frame 0) is applied to the robot link's T-pose orientation and decomposed
 * onto the chain's joint axes (damped Gauss-Newton, within limits, warm-started frame to frame). The root
 * translation is scaled by the leg-length ratio and converted to z-up metres; the feet are put on the ground
 * (per frame, following the source's lowest foot point) and stance feet are kept from sliding.
 */
import { fail } from '../errors';
import { nameList } from '../validate';
import { qConj, qMul, qNormalize, type Quat } from '../math';
import { forwardKinematics } from '../model/fk';
import type { RobotModel } from '../model/types';
import { bvhWorldPoses, type BvhData } from './bvh';
import { continuousBallAngles } from '../physics/ball';
import { makeChain, solveChain, solveSmall, type Chain } from './chain';
import { contactPoints, lowestZ } from '../model/feet';
import { checkRetargetConfig, type RetargetConfig } from './retarget-config';
import { resampleClip } from './sample';
import type { MotionClip } from './types';

export { checkRetargetConfig, type RetargetConfig } from './retarget-config';

export interface RetargetResult {
  clip: MotionClip;
  /** metres per source unit (leg-length ratio) */
  scale: number;
  /** the source frame of the clip's frame 0 */
  firstFrame: number;
  /** source ground height (source units, source up axis) */
  groundY: number;
  /** per foot (config order), per clip frame: 1 = in contact */
  contacts: Uint8Array[];
  /** mean rotation error of the decomposition over all groups and frames (rad) */
  meanError: number;
}

/** Rotation matrix (rows) → quaternion [w,x,y,z]. */
function matToQuat(m: number[][]): Quat {
  const t = m[0][0] + m[1][1] + m[2][2];
  if (t > 0) {
    const s = Math.sqrt(t + 1) * 2;
    return qNormalize([s / 4, (m[2][1] - m[1][2]) / s, (m[0][2] - m[2][0]) / s, (m[1][0] - m[0][1]) / s]);
  }
  const i = m[0][0] > m[1][1] && m[0][0] > m[2][2] ? 0 : m[1][1] > m[2][2] ? 1 : 2;
  const j = (i + 1) % 3,
    k = (i + 2) % 3;
  const s = Math.sqrt(1 + m[i][i] - m[j][j] - m[k][k]) * 2;
  const q: Quat = [0, 0, 0, 0];
  q[0] = (m[k][j] - m[j][k]) / s;
  q[i + 1] = s / 4;
  q[j + 1] = (m[j][i] + m[i][j]) / s;
  q[k + 1] = (m[k][i] + m[i][k]) / s;
  return qNormalize(q);
}

const bodyOf = (model: RobotModel, name: string, file: string): number => {
  const b = model.bodyIndex.get(name);
  if (b === undefined) fail('MotionError', file, `body ${name}`, `retarget config names a body the robot ${model.name} lacks`);
  return b!;
};

/** Robot joint angles for the source's T-pose: config angles, refined by direction alignment. */
export function robotTpose(model: RobotModel, cfg: RetargetConfig, _file: string): Float64Array {
  const nj = model.joints.length,
    nb = model.bodies.length;
  const q = new Float64Array(nj);
  for (const [name, v] of Object.entries(cfg.robotTpose)) {
    const j = model.jointIndex.get(name);
    if (j !== undefined) q[j] = v;
  }
  const P = new Float64Array(nb * 3),
    Q = new Float64Array(nb * 4);
  for (const a of cfg.tposeAlign) {
    const joints = a.joints.map((n) => model.jointIndex.get(n)).filter((j): j is number => j !== undefined);
    const from = model.bodyIndex.get(a.from),
      to = model.bodyIndex.get(a.to);
    if (from === undefined || to === undefined || !joints.length) continue;
    const dir = a.dir.map((v) => v / Math.hypot(a.dir[0], a.dir[1], a.dir[2]));
    const residual = (): number[] => {
      forwardKinematics(model, [0, 0, 0], [1, 0, 0, 0], q, P, Q);
      const v = [0, 1, 2].map((k) => P[to * 3 + k] - P[from * 3 + k]);
      const n = Math.hypot(v[0], v[1], v[2]) || 1;
      return v.map((x, k) => x / n - dir[k]);
    };
    for (let it = 0; it < 30; it++) {
      const r0 = residual();
      if (Math.hypot(r0[0], r0[1], r0[2]) < 1e-6) break;
      // damped least squares on a numeric Jacobian (columns = joints)
      const J = joints.map((j) => {
        q[j] += 1e-5;
        const r = residual();
        q[j] -= 1e-5;
        return r.map((v, k) => (v - r0[k]) / 1e-5);
      });
      const A = J.map((a1, i) => J.map((a2, k) => a1[0] * a2[0] + a1[1] * a2[1] + a1[2] * a2[2] + (i === k ? 1e-3 : 0)));
      const g = J.map((a1) => -(a1[0] * r0[0] + a1[1] * r0[1] + a1[2] * r0[2]));
      const dq = solveSmall(A, g);
      joints.forEach((j, k) => {
        q[j] += Math.max(-0.3, Math.min(0.3, dq[k]));
      });
    }
  }
  return q;
}

export function retargetBvhDetailed(
  bvh: BvhData,
  model: RobotModel,
  config: unknown,
  file: string,
  opts: { fps?: number } = {},
): RetargetResult {
  const cfg = checkRetargetConfig(config, model.name, file);
  const nj = model.joints.length,
    nb = model.bodies.length,
    ns = bvh.bones.length;
  const bone = (name: string): number => {
    const b = bvh.bones.findIndex((x) => x.name === name);
    if (b < 0) fail('MotionError', file, `bone ${name}`, `retarget config "${cfg.name}" names a bone the BVH lacks`);
    return b;
  };
  const wanted = [
    cfg.rootBone,
    ...cfg.groups.map((g) => g.bone),
    ...(typeof cfg.scale === 'object' && cfg.scale && 'sourceHip' in cfg.scale ? [String(cfg.scale.sourceHip)] : []),
  ];
  const lacking = [...new Set(wanted.filter((name) => !bvh.bones.some((x) => x.name === name)))];
  if (lacking.length) {
    fail(
      'MotionError',
      file,
      `bone ${lacking[0]}`,
      `retarget config "${cfg.name}" names ${lacking.length} bone(s) the BVH lacks: ${nameList(lacking)} (BVH joints: ${nameList(
        bvh.bones.filter((b) => !b.endSite).map((b) => b.name),
        40,
      )})`,
    );
  }
  const F = bvh.nFrames,
    first = Math.min(cfg.firstFrame, F - 1),
    t0 = cfg.tposeFrame;
  const n = F - first;
  if (n < 2) fail('MotionError', file, 'frames', `needs at least 2 motion frames after the T-pose (has ${n})`);
  // source world poses, every frame
  const sp = new Float64Array(F * ns * 3),
    sq = new Float64Array(F * ns * 4);
  for (let f = 0; f < F; f++) bvhWorldPoses(bvh, f, sp.subarray(f * ns * 3, (f + 1) * ns * 3), sq.subarray(f * ns * 4, (f + 1) * ns * 4));
  const qC = matToQuat(cfg.toRobot);
  const toR = (v: ArrayLike<number>): number[] => cfg.toRobot.map((r) => r[0] * v[0] + r[1] * v[1] + r[2] * v[2]);
  const srcQ = (f: number, b: number) => sq.subarray((f * ns + b) * 4, (f * ns + b) * 4 + 4);
  const srcP = (f: number, b: number) => sp.subarray((f * ns + b) * 3, (f * ns + b) * 3 + 3);
  /** the bone's world rotation since the T-pose, in robot axes */
  const delta = (f: number, b: number): Quat => qMul(qMul(qC, qMul(srcQ(f, b), qConj(srcQ(t0, b)))), qConj(qC));

  const qT = robotTpose(model, cfg, file);
  const PT = new Float64Array(nb * 3),
    QT = new Float64Array(nb * 4);
  forwardKinematics(model, [0, 0, 0], [1, 0, 0, 0], qT, PT, QT);
  const WT = (b: number) => QT.subarray(b * 4, b * 4 + 4);
  const groups = cfg.groups.map((g) => {
    const chain: Chain = makeChain(model, g.joints, file);
    const rest = cfg.rest[g.bone] ? qNormalize(cfg.rest[g.bone]) : ([1, 0, 0, 0] as Quat);
    return { bone: bone(g.bone), chain, rest };
  });
  const root = bone(cfg.rootBone);
  const feet = cfg.feet.map((f) => {
    const body = bodyOf(model, f.body, file);
    return { body, bones: f.bones.map(bone), pts: contactPoints(model, body) };
  });

  // ground and scale
  let groundY = Infinity;
  for (let f = first; f < F; f++) for (const ft of feet) for (const b of ft.bones) groundY = Math.min(groundY, toR(srcP(f, b))[2]);
  let scale: number;
  if (typeof cfg.scale === 'number') scale = cfg.scale;
  else {
    const hipS = toR(srcP(t0, bone(cfg.scale.sourceHip)))[2];
    let lowS = Infinity;
    for (const ft of feet) for (const b of ft.bones) lowS = Math.min(lowS, toR(srcP(t0, b))[2]);
    const P0 = new Float64Array(nb * 3),
      Q0 = new Float64Array(nb * 4);
    forwardKinematics(model, [0, 0, 0], [1, 0, 0, 0], new Float64Array(nj), P0, Q0);
    const hipR = P0[bodyOf(model, cfg.scale.robotHip, file) * 3 + 2];
    const lowR = Math.min(...feet.map((ft) => lowestZ(ft.pts, P0.subarray(ft.body * 3), Q0.subarray(ft.body * 4))));
    scale = (hipR - lowR) / (hipS - lowS);
  }

  // joint angles, frame by frame
  const rootPos = new Float32Array(n * 3),
    rootQuat = new Float32Array(n * 4),
    jointPos = new Float32Array(n * nj);
  const q = new Float64Array(nj);
  const P = new Float64Array(nb * 3),
    Q = new Float64Array(nb * 4);
  let errSum = 0;
  const origin = toR(srcP(first, root));
  for (let k = 0; k < n; k++) {
    const f = first + k;
    const rq = qNormalize(qMul(delta(f, root), WT(0)));
    for (const g of groups) {
      forwardKinematics(model, [0, 0, 0], rq, q, P, Q);
      const WP = g.chain.parent >= 0 ? Q.subarray(g.chain.parent * 4, g.chain.parent * 4 + 4) : rq;
      const target = qMul(qConj(WP), qMul(qMul(delta(f, g.bone), g.rest), WT(g.chain.end)));
      errSum += solveChain(model, g.chain, target, q, k === 0 ? 60 : 12);
    }
    const p = toR(srcP(f, root));
    rootPos.set([(p[0] - origin[0]) * scale, (p[1] - origin[1]) * scale, (p[2] - groundY) * scale], k * 3);
    rootQuat.set(rq, k * 4);
    for (let j = 0; j < nj; j++) {
      const r = model.joints[j].range;
      jointPos[k * nj + j] = r ? Math.min(Math.max(q[j], r[0]), r[1]) : q[j];
    }
  }

  // ground: the robot's lowest foot point follows the source's (scaled); stance feet do not slide
  const srcLow = (f: number) => Math.min(...feet.flatMap((ft) => ft.bones.map((b) => toR(srcP(f, b))[2]))) - groundY;
  const footXY = new Float64Array(n * feet.length * 2);
  for (let k = 0; k < n; k++) {
    forwardKinematics(
      model,
      rootPos.subarray(k * 3, k * 3 + 3),
      rootQuat.subarray(k * 4, k * 4 + 4),
      jointPos.subarray(k * nj, (k + 1) * nj),
      P,
      Q,
    );
    const low = Math.min(...feet.map((ft) => lowestZ(ft.pts, P.subarray(ft.body * 3), Q.subarray(ft.body * 4))));
    rootPos[k * 3 + 2] += srcLow(first + k) * scale - low;
    feet.forEach((ft, i) => {
      footXY[(k * feet.length + i) * 2] = P[ft.body * 3];
      footXY[(k * feet.length + i) * 2 + 1] = P[ft.body * 3 + 1];
    });
  }
  const fps = 1 / bvh.frameTime;
  const contacts = feet.map((ft) => {
    const c = new Uint8Array(n);
    const centre = (f: number) => {
      const s = [0, 0, 0];
      for (const b of ft.bones) {
        const v = toR(srcP(f, b));
        s[0] += v[0];
        s[1] += v[1];
        s[2] += v[2];
      }
      return s.map((v) => (v / ft.bones.length) * scale);
    };
    for (let k = 0; k < n; k++) {
      const a = centre(first + Math.max(0, k - 1)),
        b = centre(first + Math.min(n - 1, k + 1));
      const dt = (Math.min(n - 1, k + 1) - Math.max(0, k - 1)) / fps;
      const speed = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]) / dt;
      const low = (Math.min(...ft.bones.map((bn) => toR(srcP(first + k, bn))[2])) - groundY) * scale;
      // low: near the clip's ground, or (uneven capture) within 2 cm of the frame's lowest foot point
      const near = low < cfg.contact.height || low - srcLow(first + k) * scale < 0.02;
      c[k] = speed < cfg.contact.speed && near ? 1 : 0;
    }
    return c;
  });
  let ox = 0,
    oy = 0;
  for (let k = 1; k < n; k++) {
    let dx = 0,
      dy = 0,
      m = 0;
    feet.forEach((_, i) => {
      if (!contacts[i][k] || !contacts[i][k - 1]) return;
      dx += footXY[((k - 1) * feet.length + i) * 2] - footXY[(k * feet.length + i) * 2];
      dy += footXY[((k - 1) * feet.length + i) * 2 + 1] - footXY[(k * feet.length + i) * 2 + 1];
      m++;
    });
    if (m) {
      ox += dx / m;
      oy += dy / m;
    }
    rootPos[k * 3] += ox;
    rootPos[k * 3 + 1] += oy;
  }
  continuousBallAngles(model, jointPos, n); // three-axis joints: the Euler branch nearest the last frame (issue 16)
  let clip: MotionClip = { name: bvh.name, fps, nFrames: n, jointNames: model.joints.map((j) => j.name), rootPos, rootQuat, jointPos };
  if (opts.fps && Math.abs(opts.fps - fps) > 1e-9) clip = resampleClip(clip, opts.fps);
  return { clip, scale, firstFrame: first, groundY, contacts, meanError: errSum / (n * groups.length) };
}

/** BVH → a clip for `model` (joint order = model.joints), at the BVH frame rate unless opts.fps is given. */
export function retargetBvh(bvh: BvhData, model: RobotModel, config: unknown, file: string, opts: { fps?: number } = {}): MotionClip {
  return retargetBvhDetailed(bvh, model, config, file, opts).clip;
}
