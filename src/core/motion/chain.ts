/**
 * Joint chains for retargeting: the rotation of a chain's end body relative to the body above its first joint,
 * as a function of the chain's joint angles, and a damped Gauss-Newton solve of those angles (within limits)
 * for a target relative rotation — i.e. the decomposition of a rotation onto the robot's joint axes.
 */
import { fail } from '../errors';
import { qConj, qFromAxisAngle, qLog, qMul, qRotate, type Quat } from '../math';
import type { RobotModel } from '../model/types';

export interface Chain {
  joints: number[]; // model joint indices in chain order
  /** body above the first joint, and the end body (the body of the last joint) */
  parent: number;
  end: number;
  /** bodies from below `parent` down to `end` */
  path: number[];
  lo: number[];
  hi: number[];
}

export function makeChain(model: RobotModel, jointNames: string[], file: string): Chain {
  const joints = jointNames.map((n) => {
    const j = model.jointIndex.get(n);
    if (j === undefined) fail('MotionError', file, `joint ${n}`, `retarget config names a joint the robot ${model.name} lacks`);
    return j!;
  });
  const end = model.joints[joints[joints.length - 1]].body;
  const first = model.joints[joints[0]].body;
  const parent = model.bodies[first].parent;
  const path: number[] = [];
  for (let b = end; b !== parent; b = model.bodies[b].parent) {
    if (b < 0) fail('MotionError', file, `joint ${jointNames[0]}`, 'joints of one group are not on one chain');
    path.unshift(b);
  }
  for (const j of joints)
    if (!path.includes(model.joints[j].body)) {
      fail('MotionError', file, `joint ${model.joints[j].name}`, 'joint is not on the chain of its group');
    }
  const lo = joints.map((j) => model.joints[j].range?.[0] ?? -Math.PI);
  const hi = joints.map((j) => model.joints[j].range?.[1] ?? Math.PI);
  return { joints, parent, end, path, lo, hi };
}

/** Relative rotation parent→end for angles `q` (model order array), and each joint's axis in the parent frame. */
export function chainRotation(model: RobotModel, c: Chain, q: ArrayLike<number>, axes?: number[][]): Quat {
  let r: Quat = [1, 0, 0, 0];
  for (const b of c.path) {
    const body = model.bodies[b];
    r = qMul(r, body.quat);
    for (const j of body.joints) {
      const jt = model.joints[j];
      if (jt.type !== 'hinge' && jt.type !== 'ball') continue; // a ball's coordinates are hinges about x, y, z (issue 16)
      const k = c.joints.indexOf(j);
      if (axes && k >= 0) axes[k] = qRotate(r, jt.axis);
      r = qMul(r, qFromAxisAngle(jt.axis, q[j]));
    }
  }
  return r;
}

/**
 * Solve the chain's angles (in `q`, model order, warm-started from its values) so that chainRotation ≈ target,
 * clamped to the joint limits. Returns the remaining rotation error (rad).
 */
export function solveChain(model: RobotModel, c: Chain, target: ArrayLike<number>, q: Float64Array, iters = 12): number {
  const m = c.joints.length;
  const axes: number[][] = c.joints.map(() => [0, 0, 0]);
  let err = Infinity;
  for (let it = 0; it < iters; it++) {
    const r = chainRotation(model, c, q, axes);
    const e = qLog(qMul(target, qConj(r)));
    err = Math.hypot(e[0], e[1], e[2]);
    if (err < 1e-7) break;
    // (JᵀJ + λI) dq = Jᵀe, J columns = axes
    const A = Array.from({ length: m }, (_, a) =>
      Array.from(
        { length: m },
        (_, b) => axes[a][0] * axes[b][0] + axes[a][1] * axes[b][1] + axes[a][2] * axes[b][2] + (a === b ? 1e-4 : 0),
      ),
    );
    const g = axes.map((ax) => ax[0] * e[0] + ax[1] * e[1] + ax[2] * e[2]);
    const dq = solveSmall(A, g);
    let step = 0;
    for (let k = 0; k < m; k++) {
      const j = c.joints[k];
      const v = Math.min(Math.max(q[j] + dq[k], c.lo[k]), c.hi[k]);
      step = Math.max(step, Math.abs(v - q[j]));
      q[j] = v;
    }
    if (step < 1e-7) break;
  }
  return err;
}

/** Gaussian elimination with partial pivoting for tiny systems: solves A x = b. */
export function solveSmall(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}
