/**
 * Rigid-body inertia helpers: full tensor → principal moments + orientation, combining bodies
 * (used when URDF fixed joints are merged and when MJCF bodies take mass from their geoms).
 * Matrices are row-major 3x3 arrays.
 */
import { matToQuat, qToMat, symEigen, type Quat, type Vec3 } from '../math';
import type { MassProps } from './types';

export type Mat3 = number[];

export type { MassProps };

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
 * Principal moments of a symmetric 3x3 tensor (math.ts `symEigen`), sorted descending, and the rotation whose
 * columns are the matching eigenvectors (right-handed) as a quaternion.
 */
export function principal(I: Mat3): { values: Vec3; quat: Quat } {
  const { values: ev, vectors: v } = symEigen(I);
  const order = [0, 1, 2].sort((x, y) => ev[y] - ev[x]);
  const values: Vec3 = [ev[order[0]], ev[order[1]], ev[order[2]]];
  const R: Mat3 = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) R[r * 3 + c] = v[r * 3 + order[c]];
  const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
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
