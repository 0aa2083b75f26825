/**
 * Forward kinematics: world pose of every body frame from a root pose and the joint positions.
 * Allocation-free after the first call per model (a flat plan is cached per RobotModel).
 *
 * Root: when `model.floating`, bodies[0]'s world pose IS (rootPos, rootQuat) (the free joint's qpos,
 * as in MuJoCo). Otherwise (rootPos, rootQuat) is a base transform applied on top of each root body's
 * own pose (pass [0,0,0] and [1,0,0,0] to get the model as written). Joints of one body are applied in
 * order: hinge = rotation about the axis through the anchor `pos`, slide = translation along the axis.
 */
import type { RobotModel } from './types';

interface Plan {
  nb: number;
  parent: Int32Array;
  local: Float64Array; // nb * 7: pos xyz, quat wxyz
  jStart: Int32Array; // nb + 1, into jIndex
  jIndex: Int32Array;
  jSlide: Uint8Array;
  jPos: Float64Array; // nj * 3
  jAxis: Float64Array; // nj * 3
  floating: boolean;
}

const plans = new WeakMap<RobotModel, Plan>();

function plan(model: RobotModel): Plan {
  let p = plans.get(model);
  if (p) return p;
  const nb = model.bodies.length,
    nj = model.joints.length;
  p = {
    nb,
    parent: new Int32Array(nb),
    local: new Float64Array(nb * 7),
    jStart: new Int32Array(nb + 1),
    jIndex: new Int32Array(nj),
    jSlide: new Uint8Array(nj),
    jPos: new Float64Array(nj * 3),
    jAxis: new Float64Array(nj * 3),
    floating: model.floating,
  };
  let k = 0;
  model.bodies.forEach((b, i) => {
    if (b.parent >= i) throw new Error(`forwardKinematics: body ${b.name} comes before its parent`);
    p.parent[i] = b.parent;
    p.local.set([...b.pos, ...b.quat], i * 7);
    p.jStart[i] = k;
    for (const j of b.joints) p.jIndex[k++] = j;
  });
  p.jStart[nb] = k;
  model.joints.forEach((j, i) => {
    p.jSlide[i] = j.type === 'slide' ? 1 : 0;
    p.jPos.set(j.pos, i * 3);
    p.jAxis.set(j.axis, i * 3);
  });
  plans.set(model, p);
  return p;
}

/**
 * outPos[b*3..], outQuat[b*4..] (wxyz) = world pose of body b's frame.
 * jointPos: one value per model.joints entry (model order).
 */
export function forwardKinematics(
  model: RobotModel,
  rootPos: ArrayLike<number>,
  rootQuat: ArrayLike<number>,
  jointPos: ArrayLike<number>,
  outPos: Float32Array | Float64Array,
  outQuat: Float32Array | Float64Array,
): void {
  const P = plan(model);
  // normalise the root quaternion once
  const rn = 1 / Math.hypot(rootQuat[0], rootQuat[1], rootQuat[2], rootQuat[3]);
  const rootQ = [rootQuat[0] * rn, rootQuat[1] * rn, rootQuat[2] * rn, rootQuat[3] * rn];
  for (let b = 0; b < P.nb; b++) {
    const par = P.parent[b];
    const L = b * 7;
    // the frame this body hangs from: its parent's, or the root pose (the floating root body is that pose itself)
    const floatingRoot = b === 0 && P.floating;
    const fromRoot = floatingRoot || par < 0;
    const pos = fromRoot ? rootPos : outPos,
      quat = fromRoot ? rootQ : outQuat,
      pi = fromRoot ? 0 : par * 3,
      qi = fromRoot ? 0 : par * 4;
    const ox = pos[pi],
      oy = pos[pi + 1],
      oz = pos[pi + 2];
    const Pw = quat[qi],
      Px = quat[qi + 1],
      Py = quat[qi + 2],
      Pz = quat[qi + 3];
    let px = ox,
      py = oy,
      pz = oz,
      qw = Pw,
      qx = Px,
      qy = Py,
      qz = Pz;
    if (!floatingRoot) {
      const lx = P.local[L],
        ly = P.local[L + 1],
        lz = P.local[L + 2];
      // p = parentPos + parentQuat * local
      const tx = 2 * (Py * lz - Pz * ly),
        ty = 2 * (Pz * lx - Px * lz),
        tz = 2 * (Px * ly - Py * lx);
      px = ox + lx + Pw * tx + (Py * tz - Pz * ty);
      py = oy + ly + Pw * ty + (Pz * tx - Px * tz);
      pz = oz + lz + Pw * tz + (Px * ty - Py * tx);
      const bw = P.local[L + 3],
        bx = P.local[L + 4],
        by = P.local[L + 5],
        bz = P.local[L + 6];
      qw = Pw * bw - Px * bx - Py * by - Pz * bz;
      qx = Pw * bx + Px * bw + Py * bz - Pz * by;
      qy = Pw * by - Px * bz + Py * bw + Pz * bx;
      qz = Pw * bz + Px * by - Py * bx + Pz * bw;
    }
    for (let k = P.jStart[b]; k < P.jStart[b + 1]; k++) {
      const j = P.jIndex[k];
      const q = jointPos[j];
      const ax = P.jAxis[j * 3],
        ay = P.jAxis[j * 3 + 1],
        az = P.jAxis[j * 3 + 2];
      if (P.jSlide[j]) {
        // translate along the axis expressed in the current body frame
        const vx = ax * q,
          vy = ay * q,
          vz = az * q;
        const tx = 2 * (qy * vz - qz * vy),
          ty = 2 * (qz * vx - qx * vz),
          tz = 2 * (qx * vy - qy * vx);
        px += vx + qw * tx + (qy * tz - qz * ty);
        py += vy + qw * ty + (qz * tx - qx * tz);
        pz += vz + qw * tz + (qx * ty - qy * tx);
        continue;
      }
      const ajx = P.jPos[j * 3],
        ajy = P.jPos[j * 3 + 1],
        ajz = P.jPos[j * 3 + 2];
      // world anchor before the rotation
      let tx = 2 * (qy * ajz - qz * ajy),
        ty = 2 * (qz * ajx - qx * ajz),
        tz = 2 * (qx * ajy - qy * ajx);
      const wx = px + ajx + qw * tx + (qy * tz - qz * ty);
      const wy = py + ajy + qw * ty + (qz * tx - qx * tz);
      const wz = pz + ajz + qw * tz + (qx * ty - qy * tx);
      const s = Math.sin(q / 2),
        c = Math.cos(q / 2);
      const rw2 = c,
        rx2 = ax * s,
        ry2 = ay * s,
        rz2 = az * s;
      const nw = qw * rw2 - qx * rx2 - qy * ry2 - qz * rz2;
      const nx = qw * rx2 + qx * rw2 + qy * rz2 - qz * ry2;
      const ny = qw * ry2 - qx * rz2 + qy * rw2 + qz * rx2;
      const nz = qw * rz2 + qx * ry2 - qy * rx2 + qz * rw2;
      qw = nw;
      qx = nx;
      qy = ny;
      qz = nz;
      // keep the anchor fixed: p = anchorWorld - q_new * anchorLocal
      tx = 2 * (qy * ajz - qz * ajy);
      ty = 2 * (qz * ajx - qx * ajz);
      tz = 2 * (qx * ajy - qy * ajx);
      px = wx - (ajx + qw * tx + (qy * tz - qz * ty));
      py = wy - (ajy + qw * ty + (qz * tx - qx * tz));
      pz = wz - (ajz + qw * tz + (qx * ty - qy * tx));
    }
    outPos[b * 3] = px;
    outPos[b * 3 + 1] = py;
    outPos[b * 3 + 2] = pz;
    outQuat[b * 4] = qw;
    outQuat[b * 4 + 1] = qx;
    outQuat[b * 4 + 2] = qy;
    outQuat[b * 4 + 3] = qz;
  }
}

/** World position of every body's centre of mass, from body poses computed by forwardKinematics. */
export function bodyWorldCom(
  model: RobotModel,
  bodyPos: ArrayLike<number>,
  bodyQuat: ArrayLike<number>,
  outCom: Float32Array | Float64Array,
): void {
  for (let b = 0; b < model.bodies.length; b++) {
    const c = model.bodies[b].com;
    const w = bodyQuat[b * 4],
      x = bodyQuat[b * 4 + 1],
      y = bodyQuat[b * 4 + 2],
      z = bodyQuat[b * 4 + 3];
    const tx = 2 * (y * c[2] - z * c[1]),
      ty = 2 * (z * c[0] - x * c[2]),
      tz = 2 * (x * c[1] - y * c[0]);
    outCom[b * 3] = bodyPos[b * 3] + c[0] + w * tx + (y * tz - z * ty);
    outCom[b * 3 + 1] = bodyPos[b * 3 + 1] + c[1] + w * ty + (z * tx - x * tz);
    outCom[b * 3 + 2] = bodyPos[b * 3 + 2] + c[2] + w * tz + (x * ty - y * tx);
  }
}

/** Whole-robot centre of mass in the world (from body poses). */
export function robotCom(model: RobotModel, bodyPos: ArrayLike<number>, bodyQuat: ArrayLike<number>): [number, number, number] {
  const com = new Float64Array(model.bodies.length * 3);
  bodyWorldCom(model, bodyPos, bodyQuat, com);
  let m = 0;
  const out: [number, number, number] = [0, 0, 0];
  model.bodies.forEach((b, i) => {
    m += b.mass;
    for (let k = 0; k < 3; k++) out[k] += b.mass * com[i * 3 + k];
  });
  return m > 0 ? [out[0] / m, out[1] / m, out[2] / m] : out;
}
