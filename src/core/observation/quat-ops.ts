/** Quaternion helpers shared by the CPU observation terms (terms.ts, objects.ts); [w,x,y,z] order. */

/** q̄·v (rotate by the inverse of q = [w,x,y,z]) into out[o..o+2]. */
export function rotInv(q: ArrayLike<number>, qo: number, vx: number, vy: number, vz: number, out: Float32Array, o: number): void {
  const w = q[qo],
    x = -q[qo + 1],
    y = -q[qo + 2],
    z = -q[qo + 3];
  const tx = 2 * (y * vz - z * vy),
    ty = 2 * (z * vx - x * vz),
    tz = 2 * (x * vy - y * vx);
  out[o] = vx + w * tx + (y * tz - z * ty);
  out[o + 1] = vy + w * ty + (z * tx - x * tz);
  out[o + 2] = vz + w * tz + (x * ty - y * tx);
}

/** First two columns of the rotation of conj(qa)·qb, row-major [m00 m01 m10 m11 m20 m21]. */
export function relRot6(qa: ArrayLike<number>, ia: number, qb: ArrayLike<number>, ib: number, out: Float32Array, o: number): void {
  const aw = qa[ia],
    ax = -qa[ia + 1],
    ay = -qa[ia + 2],
    az = -qa[ia + 3];
  const bw = qb[ib],
    bx = qb[ib + 1],
    by = qb[ib + 2],
    bz = qb[ib + 3];
  const w = aw * bw - ax * bx - ay * by - az * bz;
  const x = aw * bx + ax * bw + ay * bz - az * by;
  const y = aw * by - ax * bz + ay * bw + az * bx;
  const z = aw * bz + ax * by - ay * bx + az * bw;
  const s = 2 / (w * w + x * x + y * y + z * z);
  out[o] = 1 - s * (y * y + z * z);
  out[o + 1] = s * (x * y - z * w);
  out[o + 2] = s * (x * y + z * w);
  out[o + 3] = 1 - s * (x * x + z * z);
  out[o + 4] = s * (x * z - y * w);
  out[o + 5] = s * (y * z + x * w);
}
