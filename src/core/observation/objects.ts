/**
 * Object observation terms (Isaac Lab style), CPU side; the WGSL twins are in shaders/obs_objects.wgsl and read
 * the per-env block `packObjects` writes (GPU builder, at P.iObj). For every object k, in the robot anchor's
 * frame: position, orientation (first two rotation-matrix columns, like motion_anchor_ori_b), linear and angular
 * velocity; the reference object's position and orientation; robot–object contact flags per body (SkillMimic's
 * contact graph); distance from chosen bodies to each object's surface (signed: < 0 inside).
 */
import { MimicError } from '../errors';
import type { ObjectSpec } from '../model/objects';
import type { RobotModel } from '../model/types';
import type { ObjectTrack } from '../motion/types';
import type { ObjectState } from '../physics/objects';
import type { ObsTermDef } from './terms';
import { relRot6, rotInv } from './quat-ops';
import type { ObsContext } from './types';

/** What object terms read: the engine's object state, the reference object pose, the chosen bodies. */
export interface ObsObjects {
  state: ObjectState;
  /** reference object pose per env and object (n*nk*3, n*nk*4), filled by the caller each step */
  refPos: Float32Array;
  refQuat: Float32Array;
  /** per object [type (0 sphere, 1 box, 2 capsule), size0, size1, size2] of its first shape, at its origin */
  shapes: Float32Array;
  /** bodies whose distance to each object's surface is observed (matched by name) */
  distBodies: Int32Array;
}

const SHAPE_CODE: Record<string, number> = { sphere: 0, box: 1, capsule: 2 };

/** Object context for observations; distance bodies by NAME (unknown → PolicyError naming them). */
export function createObsObjects(model: RobotModel, state: ObjectState, specs: ObjectSpec[], distBodies: string[] = []): ObsObjects {
  const missing = distBodies.filter((b) => !model.bodyIndex.has(b));
  if (missing.length)
    throw new MimicError('PolicyError', model.source.file, `bodies ${missing.join(', ')}`, 'distance bodies not in the robot');
  const shapes = new Float32Array(specs.length * 4);
  specs.forEach((s, k) => {
    const sh = s.shapes[0];
    const code = SHAPE_CODE[sh.type];
    if (code === undefined)
      throw new MimicError('PolicyError', '<scene>', `object ${s.name}`, `surface distance needs a sphere, box or capsule, not ${sh.type}`);
    shapes.set([code, sh.size[0] ?? 0, sh.size[1] ?? 0, sh.size[2] ?? 0], k * 4);
  });
  const refQuat = new Float32Array(state.n * state.nk * 4);
  for (let i = 0; i < state.n * state.nk; i++) refQuat[i * 4] = 1;
  return {
    state,
    refPos: new Float32Array(state.n * state.nk * 3),
    refQuat,
    shapes,
    distBodies: Int32Array.from(distBodies, (b) => model.bodyIndex.get(b)!),
  };
}

export const objectsOf = (c: ObsContext, term: string): ObsObjects =>
  c.objects ??
  (() => {
    throw new MimicError('PolicyError', '<layout>', term, 'this term needs objects in the scene (ctx.objects)');
  })();

/**
 * Signed distance from point p (object frame) to a shape at the origin: sphere |p| − r; box: the usual box
 * SDF; capsule along z: distance to the segment ± halfLength minus r.
 */
export function surfaceDistance(type: number, s0: number, s1: number, s2: number, px: number, py: number, pz: number): number {
  if (type === 0) return Math.hypot(px, py, pz) - s0;
  if (type === 1) {
    const qx = Math.abs(px) - s0,
      qy = Math.abs(py) - s1,
      qz = Math.abs(pz) - s2;
    const out = Math.hypot(Math.max(qx, 0), Math.max(qy, 0), Math.max(qz, 0));
    return out + Math.min(Math.max(qx, qy, qz), 0);
  }
  const cz = Math.min(Math.max(pz, -s1), s1);
  return Math.hypot(px, py, pz - cz) - s0;
}

/** A term over every object k: `f` writes `per` values of object k of env e. */
function perObject(
  id: number,
  name: string,
  per: number,
  f: (c: ObsContext, o: ObsObjects, e: number, k: number, out: Float32Array, at: number) => void,
): ObsTermDef {
  return {
    id,
    name,
    reads: ['i.objects'],
    dim: (c) => per * objectsOf(c, name).state.nk,
    cpu(c, e, out, at) {
      const o = objectsOf(c, name);
      for (let k = 0; k < o.state.nk; k++) f(c, o, e, k, out, at + k * per);
    },
  };
}

/** Anchor body slot of env e in the state arrays. */
const anchorAt = (c: ObsContext, e: number) => e * c.state.nb + c.anchorBody;

/** rotInv(q_anchor, v − p_anchor) for v = a[i*3..] */
function inAnchor(c: ObsContext, e: number, a: Float32Array, i: number, out: Float32Array, at: number, relative: boolean): void {
  const s = c.state,
    ai = anchorAt(c, e);
  const px = relative ? s.bodyPos[ai * 3] : 0,
    py = relative ? s.bodyPos[ai * 3 + 1] : 0,
    pz = relative ? s.bodyPos[ai * 3 + 2] : 0;
  rotInv(s.bodyQuat, ai * 4, a[i * 3] - px, a[i * 3 + 1] - py, a[i * 3 + 2] - pz, out, at);
}

const idx = (o: ObsObjects, e: number, k: number) => e * o.state.nk + k;

export const objectTerms: ObsTermDef[] = [
  perObject(20, 'object_pos_b', 3, (c, o, e, k, out, at) => inAnchor(c, e, o.state.pos, idx(o, e, k), out, at, true)),
  perObject(21, 'object_ori_b', 6, (c, o, e, k, out, at) =>
    relRot6(c.state.bodyQuat, anchorAt(c, e) * 4, o.state.quat, idx(o, e, k) * 4, out, at),
  ),
  perObject(22, 'object_lin_vel_b', 3, (c, o, e, k, out, at) => inAnchor(c, e, o.state.linVel, idx(o, e, k), out, at, false)),
  perObject(23, 'object_ang_vel_b', 3, (c, o, e, k, out, at) => inAnchor(c, e, o.state.angVel, idx(o, e, k), out, at, false)),
  perObject(24, 'ref_object_pos_b', 3, (c, o, e, k, out, at) => inAnchor(c, e, o.refPos, idx(o, e, k), out, at, true)),
  perObject(25, 'ref_object_ori_b', 6, (c, o, e, k, out, at) =>
    relRot6(c.state.bodyQuat, anchorAt(c, e) * 4, o.refQuat, idx(o, e, k) * 4, out, at),
  ),
];

// contact flags: nb per object; distance: one per (distance body, object), body-major
objectTerms.push({
  id: 26,
  name: 'object_contact',
  reads: ['i.objects'],
  dim: (c) => objectsOf(c, 'object_contact').state.nk * c.state.nb,
  cpu(c, e, out, at) {
    const s = objectsOf(c, 'object_contact').state,
      n = s.nk * s.nb;
    for (let i = 0; i < n; i++) out[at + i] = s.contact[e * n + i];
  },
});
objectTerms.push({
  id: 27,
  name: 'object_distance',
  reads: ['i.objects'],
  dim: (c) => {
    const o = objectsOf(c, 'object_distance');
    return o.distBodies.length * o.state.nk;
  },
  cpu(c, e, out, at) {
    const o = objectsOf(c, 'object_distance'),
      s = o.state,
      nk = s.nk,
      nb = c.state.nb;
    const p = new Float32Array(3);
    o.distBodies.forEach((b, d) => {
      const bi = (e * nb + b) * 3;
      for (let k = 0; k < nk; k++) {
        const i = e * nk + k;
        const bp = c.state.bodyPos;
        rotInv(s.quat, i * 4, bp[bi] - s.pos[i * 3], bp[bi + 1] - s.pos[i * 3 + 1], bp[bi + 2] - s.pos[i * 3 + 2], p, 0);
        const sh = o.shapes;
        out[at + d * nk + k] = surfaceDistance(sh[k * 4], sh[k * 4 + 1], sh[k * 4 + 2], sh[k * 4 + 3], p[0], p[1], p[2]);
      }
    });
  },
});

/** Words per env of the packed object block, after a 4-word header [nk, nb, nd, stride]. */
export const OBJECT_WORDS = 24;
export const objectStride = (o: ObsObjects, nb: number): number =>
  7 + o.state.nk * OBJECT_WORDS + o.state.nk * nb + o.distBodies.length * 3;

/**
 * The object block the WGSL terms read (GPU builder, at P.iObj): header [nk, nb, nd, stride], then per env
 * [anchor pos 3, anchor quat 4, per object (pos 3, quat 4, lin vel 3, ang vel 3, ref pos 3, ref quat 4,
 * shape 4), contact flags nk·nb, distance-body positions nd·3].
 */
export function packObjects(c: ObsContext, out?: Float32Array): Float32Array {
  const o = objectsOf(c, 'objects'),
    s = o.state,
    nk = s.nk,
    nb = c.state.nb,
    nd = o.distBodies.length;
  const stride = objectStride(o, nb);
  const buf = out ?? new Float32Array(4 + c.n * stride);
  buf.set([nk, nb, nd, stride], 0);
  for (let e = 0; e < c.n; e++) {
    const b = 4 + e * stride,
      ai = anchorAt(c, e);
    buf.set(c.state.bodyPos.subarray(ai * 3, ai * 3 + 3), b);
    buf.set(c.state.bodyQuat.subarray(ai * 4, ai * 4 + 4), b + 3);
    for (let k = 0; k < nk; k++) {
      const i = e * nk + k,
        w = b + 7 + k * OBJECT_WORDS;
      buf.set(s.pos.subarray(i * 3, i * 3 + 3), w);
      buf.set(s.quat.subarray(i * 4, i * 4 + 4), w + 3);
      buf.set(s.linVel.subarray(i * 3, i * 3 + 3), w + 7);
      buf.set(s.angVel.subarray(i * 3, i * 3 + 3), w + 10);
      buf.set(o.refPos.subarray(i * 3, i * 3 + 3), w + 13);
      buf.set(o.refQuat.subarray(i * 4, i * 4 + 4), w + 16);
      buf.set(o.shapes.subarray(k * 4, k * 4 + 4), w + 20);
    }
    buf.set(s.contact.subarray(e * nk * nb, (e + 1) * nk * nb), b + 7 + nk * OBJECT_WORDS);
    o.distBodies.forEach((body, d) =>
      buf.set(c.state.bodyPos.subarray((e * nb + body) * 3, (e * nb + body) * 3 + 3), b + 7 + nk * (OBJECT_WORDS + nb) + d * 3),
    );
  }
  return buf;
}

/** Object context with `nk` objects at rest and no distance bodies: sizes a layout before the scene exists (config checks). */
export function placeholderObjects(n: number, nb: number, nk = 1): ObsObjects {
  const names = Array.from({ length: nk }, (_, k) => `object${k}`);
  const state: ObjectState = {
    n,
    nk,
    nb,
    names,
    pos: new Float32Array(n * nk * 3),
    quat: new Float32Array(n * nk * 4),
    linVel: new Float32Array(n * nk * 3),
    angVel: new Float32Array(n * nk * 3),
    contact: new Float32Array(n * nk * nb),
  };
  return {
    state,
    refPos: new Float32Array(n * nk * 3),
    refQuat: new Float32Array(n * nk * 4),
    shapes: new Float32Array(nk * 4),
    distBodies: new Int32Array(0),
  };
}

/**
 * The reference object poses of env e at time t (s) from a clip's object tracks (matched to the scene's objects
 * BY NAME; a lone track goes to a lone object), nearest frame, then the reference's planar alignment (rotate by
 * `yaw` about z, translate by x, y, z) so they sit in the same frame as the aligned reference robot.
 */
export function writeRefObjects(
  o: ObsObjects,
  tracks: readonly ObjectTrack[],
  fps: number,
  t: number,
  e: number,
  al: { yaw: number; x: number; y: number; z: number },
): void {
  const s = o.state;
  const c = Math.cos(al.yaw),
    sn = Math.sin(al.yaw),
    hw = Math.cos(al.yaw / 2),
    hz = Math.sin(al.yaw / 2);
  for (let k = 0; k < s.nk; k++) {
    const tr = tracks.find((x) => x.name === s.names[k]) ?? (tracks.length === 1 && s.nk === 1 ? tracks[0] : undefined);
    if (!tr) continue;
    const nf = tr.pos.length / 3;
    const f = Math.min(Math.max(Math.round(t * fps), 0), nf - 1);
    const i = e * s.nk + k;
    const x = tr.pos[f * 3],
      y = tr.pos[f * 3 + 1];
    o.refPos.set([c * x - sn * y + al.x, sn * x + c * y + al.y, tr.pos[f * 3 + 2] + al.z], i * 3);
    const [w, qx, qy, qz] = tr.quat.subarray(f * 4, f * 4 + 4);
    o.refQuat.set([hw * w - hz * qz, hw * qx - hz * qy, hw * qy + hz * qx, hw * qz + hz * w], i * 4);
  }
}
