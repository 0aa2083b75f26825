/**
 * Small vector/quaternion helpers on plain arrays. Quaternions are ALWAYS [w, x, y, z]
 * (MuJoCo / BeyondMimic convention) everywhere in the core and in every flat state array.
 */
export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number]; // w, x, y, z

export const qIdentity = (): Quat => [1, 0, 0, 0];

export function qMul(a: ArrayLike<number>, b: ArrayLike<number>): Quat {
  const [aw, ax, ay, az] = [a[0], a[1], a[2], a[3]];
  const [bw, bx, by, bz] = [b[0], b[1], b[2], b[3]];
  return [
    aw * bw - ax * bx - ay * by - az * bz,
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
  ];
}

export const qConj = (q: ArrayLike<number>): Quat => [q[0], -q[1], -q[2], -q[3]];

export function qNormalize(q: ArrayLike<number>): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Rotate vector v by unit quaternion q. */
export function qRotate(q: ArrayLike<number>, v: ArrayLike<number>): Vec3 {
  const [w, x, y, z] = [q[0], q[1], q[2], q[3]];
  // t = 2 * cross(q.xyz, v)
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

/** Rotate v by the inverse of q (world → local). */
export const qRotateInv = (q: ArrayLike<number>, v: ArrayLike<number>): Vec3 => qRotate(qConj(q), v);

export function qFromAxisAngle(axis: ArrayLike<number>, angle: number): Quat {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  const s = Math.sin(angle / 2) / n;
  return [Math.cos(angle / 2), axis[0] * s, axis[1] * s, axis[2] * s];
}

/** Row-major 3x3 rotation matrix of q. */
export function qToMat(q: ArrayLike<number>): number[] {
  const [w, x, y, z] = [q[0], q[1], q[2], q[3]];
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}

export function qSlerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Quat {
  let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const s = d < 0 ? -1 : 1;
  d = Math.abs(d);
  if (d > 0.9995) {
    return qNormalize([0, 1, 2, 3].map((i) => a[i] + (s * b[i] - a[i]) * t));
  }
  const th = Math.acos(d);
  const wa = Math.sin((1 - t) * th) / Math.sin(th);
  const wb = (s * Math.sin(t * th)) / Math.sin(th);
  return [0, 1, 2, 3].map((i) => wa * a[i] + wb * b[i]) as Quat;
}

/** SO(3) log of a unit quaternion: rotation vector (axis * angle), shortest path. */
export function qLog(q: ArrayLike<number>): Vec3 {
  const s = q[0] < 0 ? -1 : 1;
  const w = s * q[0],
    x = s * q[1],
    y = s * q[2],
    z = s * q[3];
  const n = Math.hypot(x, y, z);
  if (n < 1e-12) return [2 * x, 2 * y, 2 * z];
  const k = (2 * Math.atan2(n, w)) / n;
  return [x * k, y * k, z * k];
}

/** The rotation vector (world frame) that turns orientation `from` into `to`: log(to · from⁻¹). */
export const qDelta = (to: ArrayLike<number>, from: ArrayLike<number>): Vec3 => qLog(qMul(to, qConj(from)));

/** A rate by difference: out[o + k] = (hi[h + k] − lo[l + k]) · inv for k < n (inv = 1 / the time between). */
export function diffRate(
  hi: ArrayLike<number>,
  h: number,
  lo: ArrayLike<number>,
  l: number,
  n: number,
  inv: number,
  out: Float32Array,
  o: number,
): void {
  for (let k = 0; k < n; k++) out[o + k] = (hi[h + k] - lo[l + k]) * inv;
}

/** The angular velocity (world) from the quaternion at lo[l] to the one at hi[h], 1 / inv s later, into out[o..o+3). */
export function quatRate(hi: Float32Array, h: number, lo: Float32Array, l: number, inv: number, out: Float32Array, o: number): void {
  const w = qDelta(hi.subarray(h, h + 4), lo.subarray(l, l + 4));
  for (let k = 0; k < 3; k++) out[o + k] = w[k] * inv;
}

/** Yaw (rotation about world z) of the quaternion [w,x,y,z] at offset o of q, radians. */
export function qYaw(q: ArrayLike<number>, o = 0): number {
  const w = q[o],
    x = q[o + 1],
    y = q[o + 2],
    z = q[o + 3];
  return Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
}

/** Signed twist angle of q about unit axis (swing-twist decomposition). */
export function qTwist(q: ArrayLike<number>, axis: ArrayLike<number>): number {
  const p = q[1] * axis[0] + q[2] * axis[1] + q[3] * axis[2];
  return 2 * Math.atan2(p, q[0]);
}

export function qFromEulerXYZ(rx: number, ry: number, rz: number): Quat {
  // extrinsic x then y then z == intrinsic ZYX; URDF rpy convention
  return qMul(qMul(qFromAxisAngle([0, 0, 1], rz), qFromAxisAngle([0, 1, 0], ry)), qFromAxisAngle([1, 0, 0], rx));
}

export const vAdd = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const vSub = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const vScale = (a: ArrayLike<number>, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const vDot = (a: ArrayLike<number>, b: ArrayLike<number>): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const vCross = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export const vNorm = (a: ArrayLike<number>): number => Math.hypot(a[0], a[1], a[2]);

/** Deterministic PRNG (mulberry32) for seeded tests, scenarios and evaluation. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Givens rotation (c, s) of two lines of a 3x3 row-major matrix: entries i + k·step and j + k·step, k = 0..2. */
function rotateLines(m: number[], i: number, j: number, step: number, c: number, s: number): void {
  for (let k = 0; k < 3; k++) {
    const x = m[i + k * step],
      y = m[j + k * step];
    m[i + k * step] = c * x - s * y;
    m[j + k * step] = s * x + c * y;
  }
}

/** Eigen-decomposition of a symmetric 3x3 (row-major) by Jacobi rotations: values and the rotation (columns = vectors). */
export function symEigen(m: ArrayLike<number>): { values: Vec3; vectors: number[] } {
  const a = Array.from(m);
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]) + Math.abs(a[2]) + Math.abs(a[5]);
    if (off < 1e-15 * (Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]) + 1e-300)) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      const apq = a[p * 3 + q];
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1),
        s = t * c;
      rotateLines(a, p, q, 3, c, s); // A = A·J (columns p, q)
      rotateLines(a, p * 3, q * 3, 1, c, s); // A = Jᵀ·A (rows p, q)
      rotateLines(v, p, q, 3, c, s);
    }
  }
  // make it a proper rotation
  const det = v[0] * (v[4] * v[8] - v[5] * v[7]) - v[1] * (v[3] * v[8] - v[5] * v[6]) + v[2] * (v[3] * v[7] - v[4] * v[6]);
  if (det < 0) for (let k = 0; k < 3; k++) v[k * 3 + 2] = -v[k * 3 + 2];
  return { values: [a[0], a[4], a[8]], vectors: v };
}

/** Quaternion [w,x,y,z] (w ≥ 0) of a row-major rotation matrix (Shepperd's method). */
export function matToQuat(m: ArrayLike<number>): Quat {
  const tr = m[0] + m[4] + m[8];
  let q: Quat;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [0.25 * s, (m[7] - m[5]) / s, (m[2] - m[6]) / s, (m[3] - m[1]) / s];
  } else if (m[0] > m[4] && m[0] > m[8]) {
    const s = Math.sqrt(1 + m[0] - m[4] - m[8]) * 2;
    q = [(m[7] - m[5]) / s, 0.25 * s, (m[1] + m[3]) / s, (m[2] + m[6]) / s];
  } else if (m[4] > m[8]) {
    const s = Math.sqrt(1 + m[4] - m[0] - m[8]) * 2;
    q = [(m[2] - m[6]) / s, (m[1] + m[3]) / s, 0.25 * s, (m[5] + m[7]) / s];
  } else {
    const s = Math.sqrt(1 + m[8] - m[0] - m[4]) * 2;
    q = [(m[3] - m[1]) / s, (m[2] + m[6]) / s, (m[5] + m[7]) / s, 0.25 * s];
  }
  if (q[0] < 0) q = [-q[0], -q[1], -q[2], -q[3]];
  return qNormalize(q);
}
