import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { forwardKinematics, loadRobot, type RobotModel } from '../../src/core/model';
import { bvhWorldPoses, parseBvh } from '../../src/core/motion/bvh';
import { parseMotionCsv, writeMotionCsv } from '../../src/core/motion/csv';
import { contactPoints, lowestZ } from '../../src/core/model/feet';
import { retargetBvh, retargetBvhDetailed } from '../../src/core/motion/retarget';

const BVH_DIR = '../shared/assets/bvh';
const config = JSON.parse(readFileSync('motions/retarget/cmu-humanoid29.json', 'utf8'));
const g1Dir = '../shared/assets/g1/';
const robots: [string, RobotModel][] = [
  [
    'G1',
    loadRobot('g1_29dof_rev_1_0.xml', readFileSync(g1Dir + 'g1_29dof_rev_1_0.xml', 'utf8'), (p) => new Uint8Array(readFileSync(g1Dir + p))),
  ],
  ['humanoid29', loadRobot('humanoid29.xml', readFileSync('public/robots/humanoid29.xml', 'utf8'))],
];
const files = readdirSync(BVH_DIR)
  .filter((f) => f.toLowerCase().endsWith('.bvh'))
  .sort();

function corr(a: number[], b: number[]): number {
  const n = a.length,
    ma = a.reduce((s, v) => s + v, 0) / n,
    mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
const centred = (a: number[]) => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return a.map((v) => v - m);
};

describe.each(robots)('retarget CMU BVH → %s', (_, model) => {
  it.each(files)('%s: limits, ground, hand/foot heights, root path, stance feet', (file) => {
    const bvh = parseBvh(readFileSync(`${BVH_DIR}/${file}`, 'utf8'), file);
    const r = retargetBvhDetailed(bvh, model, config, file);
    const c = r.clip,
      nj = model.joints.length,
      nb = model.bodies.length;
    expect(c.nFrames).toBe(bvh.nFrames - 1); // the T-pose frame 0 is dropped
    expect(c.jointNames).toEqual(model.joints.map((j) => j.name));
    const outside: string[] = [];
    for (let k = 0; k < c.nFrames; k++)
      for (let j = 0; j < nj; j++) {
        const [lo, hi] = model.joints[j].range!;
        const v = c.jointPos[k * nj + j];
        if (!(v >= lo - 1e-6 && v <= hi + 1e-6)) outside.push(`${model.joints[j].name} frame ${k}: ${v}`);
      }
    expect(outside).toEqual([]);
    const P = new Float64Array(nb * 3),
      Q = new Float64Array(nb * 4);
    const sp = new Float64Array(bvh.bones.length * 3),
      sq = new Float64Array(bvh.bones.length * 4);
    const pairs: [string, string][] = [
      ['left_ankle_roll_link', 'LeftFoot'],
      ['right_ankle_roll_link', 'RightFoot'],
      ['left_wrist_yaw_link', 'LeftHand'],
      ['right_wrist_yaw_link', 'RightHand'],
    ];
    const rob = pairs.map(() => [] as number[]),
      src = pairs.map(() => [] as number[]);
    const rx: number[] = [],
      ry: number[] = [],
      sx: number[] = [],
      sy: number[] = [];
    const feet = ['left_ankle_roll_link', 'right_ankle_roll_link'].map((n) => model.bodyIndex.get(n)!);
    const pts = feet.map((b) => contactPoints(model, b));
    const footXY: number[][][] = [[], []];
    let lowest = Infinity;
    for (let k = 0; k < c.nFrames; k++) {
      forwardKinematics(model, c.rootPos.subarray(k * 3), c.rootQuat.subarray(k * 4), c.jointPos.subarray(k * nj), P, Q);
      bvhWorldPoses(bvh, k + r.firstFrame, sp, sq);
      feet.forEach((b, i) => {
        lowest = Math.min(lowest, lowestZ(pts[i], P.subarray(b * 3), Q.subarray(b * 4)));
        footXY[i].push([P[b * 3], P[b * 3 + 1]]);
      });
      pairs.forEach(([rb, sb], i) => {
        rob[i].push(P[model.bodyIndex.get(rb)! * 3 + 2]);
        src[i].push(sp[bvh.boneIndex.get(sb)! * 3 + 1] * r.scale); // source Y up, scaled
      });
      const h = bvh.boneIndex.get('Hips')!;
      rx.push(c.rootPos[k * 3]);
      ry.push(c.rootPos[k * 3 + 1]);
      sx.push(sp[h * 3 + 2] * r.scale);
      sy.push(sp[h * 3] * r.scale); // source z forward → robot x, source x → robot y
    }
    expect(lowest).toBeGreaterThanOrEqual(-0.01);
    expect(lowest).toBeLessThan(0.01); // and something touches the ground
    pairs.forEach(([rb], i) => expect(corr(rob[i], src[i]), `${rb} height`).toBeGreaterThanOrEqual(0.9));
    // the ground path: x and y together (centred), and each axis that moves more than 0.5 m
    expect(corr([...centred(rx), ...centred(ry)], [...centred(sx), ...centred(sy)])).toBeGreaterThanOrEqual(0.95);
    for (const [a, b] of [
      [rx, sx],
      [ry, sy],
    ]) {
      if (Math.max(...a) - Math.min(...a) > 0.5) expect(corr(a, b)).toBeGreaterThanOrEqual(0.95);
    }
    // a foot in contact (source foot still and low) alone does not slide
    let held = 0,
      slide = 0;
    for (let k = 1; k < c.nFrames; k++) {
      const on = [0, 1].filter((i) => r.contacts[i][k] && r.contacts[i][k - 1]);
      if (on.length !== 1) continue;
      const [i] = on;
      slide = Math.max(slide, Math.hypot(footXY[i][k][0] - footXY[i][k - 1][0], footXY[i][k][1] - footXY[i][k - 1][1]));
      held++;
    }
    expect(held).toBeGreaterThan(5);
    expect(slide).toBeLessThan(1e-3);
    // saved as CSV and read back
    const names = model.joints.map((j) => j.name);
    const back = parseMotionCsv(writeMotionCsv(c, names), `${file}_120hz.csv`, names);
    expect(back.nFrames).toBe(c.nFrames);
    expect(back.fps).toBe(120);
    let d = 0;
    for (let i = 0; i < c.jointPos.length; i++) d = Math.max(d, Math.abs(back.jointPos[i] - c.jointPos[i]));
    expect(d).toBeLessThan(1e-5);
  });
});

describe('retarget config errors', () => {
  const model = robots[1][1];
  const bvh = parseBvh(readFileSync(`${BVH_DIR}/${files[0]}`, 'utf8'), files[0]);
  const expectErr = (cfg: unknown, where: RegExp) => {
    let err: unknown;
    try {
      retargetBvh(bvh, model, cfg, files[0]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MimicError);
    expect((err as MimicError).where).toMatch(where);
  };
  it('names the joint, bone or key that is wrong', () => {
    expectErr({ ...config, groups: [{ bone: 'LeftUpLeg', joints: ['tail_joint'] }] }, /joint tail_joint/);
    expectErr({ ...config, groups: [{ bone: 'Tail', joints: ['left_knee_joint'] }] }, /bone Tail/);
    expectErr({ ...config, feet: [{ body: 'left_paw', bones: ['LeftFoot'] }] }, /body left_paw/);
    expectErr({ ...config, groups: [] }, /key groups/);
    expectErr({ ...config, scale: -1 }, /key scale/);
  });
  it('resamples on request', () => {
    const c = retargetBvh(bvh, model, config, files[0], { fps: 50 });
    expect(c.fps).toBe(50);
    expect(c.nFrames).toBe(Math.floor(((bvh.nFrames - 2) / 120) * 50 + 1e-6) + 1);
  });
});
