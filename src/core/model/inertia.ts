/**
 * Rigid-body inertia helpers: full tensor → principal moments + orientation, combining bodies
 * (used when URDF fixed joints are merged and when MJCF bodies take mass from their geoms).
 * Matrices are row-major 3x3 arrays.
 */
import { qNormalize, qToMat, type Quat, type Vec3 } from '../math';

export type Mat3 = number[];

export interface MassProps {
  mass: number;
  com: Vec3;
  /** principal moments about the com */
  inertia: Vec3;
  /** principal axes orientation */
  inertiaQuat: Quat;
}

/** Quaternion [w,x,y,z] from a row-major rotation matrix (Shepperd's method). */
export function matToQuat(m: Mat3): Quat {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = m;
  const tr = m00 + m11 + m22;
  let q: Quat;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [0.25 * s, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [(m21 - m12) / s, 0.25 * s, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m02 - m20) / s, (m01 + m10) / s, 0.25 * s, (m12 + m21) / s];
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, 0.25 * s];
  }
  if (q[0] < 0) q = [-q[0], -q[1], -q[2], -q[3]];
  return qNormalize(q);
}

export const matMul = (a: Mat3, b: Mat3): Mat3 => {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return r;
};
export const matT = (a: Mat3): Mat3 => [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];

/** R · diag(d) · Rᵀ */
export const fromPrincipal = (d: ArrayLike<number>, q: ArrayLike<number>): Mat3 => {
  const R = qToMat(q);
  return matMul(matMul(R, [d[0], 0, 0, 0, d[1], 0, 0, 0, d[2]]), matT(R));
};

/**
 * Eigen-decomposition of a symmetric 3x3 matrix (cyclic Jacobi). Returns the principal values,
 * sorted descending, and the rotation whose columns are the eigenvectors (right-handed) as a quaternion.
 */
export function principal(I: Mat3): { values: Vec3; quat: Quat } {
  const a = I.slice();
  let v: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]) + Math.abs(a[2]) + Math.abs(a[5]);
    if (off < 1e-30 + 1e-15 * (Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]))) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) {
      const apq = a[p * 3 + q];
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      const J: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
      J[p * 3 + p] = c; J[q * 3 + q] = c; J[p * 3 + q] = s; J[q * 3 + p] = -s;
      const na = matMul(matMul(matT(J), a), J);
      for (let k = 0; k < 9; k++) a[k] = na[k];
      v = matMul(v, J);
    }
  }
  const order = [0, 1, 2].sort((x, y) => a[y * 4] - a[x * 4]);
  const values: Vec3 = [a[order[0] * 4], a[order[1] * 4], a[order[2] * 4]];
  const R: Mat3 = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) R[r * 3 + c] = v[r * 3 + order[c]];
  const det =
    R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
  if (det < 0) for (let r = 0; r < 3; r++) R[r * 3 + 2] = -R[r * 3 + 2];
  return { values, quat: matToQuat(R) };
}

/** Full tensor about the com, in the body frame. */
export const tensorOf = (p: MassProps): Mat3 => fromPrincipal(p.inertia, p.inertiaQuat);

/** Combine parts (each already expressed in one common frame) into one body (parallel-axis theorem). */
export function combine(parts: { mass: number; com: Vec3; tensor: Mat3 }[]): MassProps {
  const mass = parts.reduce((s, p) => s + p.mass, 0);
  const com: Vec3 = [0, 0, 0];
  if (mass > 0) for (const p of parts) for (let k = 0; k < 3; k++) com[k] += (p.mass * p.com[k]) / mass;
  const I: Mat3 = new Array<number>(9).fill(0);
  for (const p of parts) {
    const d = [p.com[0] - com[0], p.com[1] - com[1], p.com[2] - com[2]];
    const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) I[r * 3 + c] += p.tensor[r * 3 + c] + p.mass * ((r === c ? dd : 0) - d[r] * d[c]);
  }
  const { values, quat } = principal(I);
  return { mass, com, inertia: values, inertiaQuat: quat };
}
