/**
 * Object metrics for human–object interaction references: object position error, orientation error and
 * contact agreement (SkillMimic's contact label vs the simulated robot–object contact), per env, averaged
 * over the scored steps. Inputs: the engine's ObjectState and the reference object pose (+ contact label).
 */
import type { ObjectState } from '../../physics/objects';
import { meanOrNull, type MetricSetDoc, type SetEpisode } from './types';

export const objectsDoc: MetricSetDoc = {
  id: 'objects',
  name: 'objects (human–object interaction)',
  source: 'this project; contact agreement after SkillMimic (contact label per frame, CVPR 2025)',
  success: '',
  everyStep: true,
  metrics: [
    { key: 'object_pos_err_m', label: 'Object position error', unit: 'm', formula: 'mean over steps and objects of |p_obj − p̂_obj|' },
    {
      key: 'object_ori_err_rad',
      label: 'Object orientation error',
      unit: 'rad',
      formula: 'mean over steps and objects of the angle of conj(q̂_obj)·q_obj',
    },
    {
      key: 'contact_agreement',
      label: 'Contact agreement',
      unit: 'fraction',
      formula: 'fraction of steps where "some robot body touches the object" equals the reference contact label (null: no labels)',
    },
  ],
};

/** |p − p̂| of object slot i (state) against slot j (reference). */
export const objectPosError = (p: ArrayLike<number>, i: number, r: ArrayLike<number>, j: number): number =>
  Math.hypot(p[i * 3] - r[j * 3], p[i * 3 + 1] - r[j * 3 + 1], p[i * 3 + 2] - r[j * 3 + 2]);

/** Rotation angle between quaternions q[i] and r[j] (sign-free), rad. */
export function objectOriError(q: ArrayLike<number>, i: number, r: ArrayLike<number>, j: number): number {
  let d = 0,
    nq = 0,
    nr = 0;
  for (let c = 0; c < 4; c++) {
    d += q[i * 4 + c] * r[j * 4 + c];
    nq += q[i * 4 + c] ** 2;
    nr += r[j * 4 + c] ** 2;
  }
  return 2 * Math.acos(Math.min(1, Math.abs(d) / Math.sqrt(nq * nr)));
}

/** 1 when any robot body touches object k in env e (ObjectState.contact), else 0. */
export function touching(s: ObjectState, e: number, k: number): number {
  const o = (e * s.nk + k) * s.nb;
  for (let b = 0; b < s.nb; b++) if (s.contact[o + b]) return 1;
  return 0;
}

/** Per-env sums of the object metrics over the scored steps. */
export class ObjectMetrics {
  readonly doc = objectsDoc;
  private readonly sums: Float64Array[];

  constructor(readonly n: number) {
    this.sums = Array.from({ length: n }, () => new Float64Array(5)); // pos, ori, count, agree, labelled
  }

  reset(e: number): void {
    this.sums[e].fill(0);
  }

  /** One step of env e: reference poses n*nk*3 / n*nk*4 (same slots as the state), labels n*nk or null. */
  add(s: ObjectState, refPos: ArrayLike<number>, refQuat: ArrayLike<number>, refContact: ArrayLike<number> | null, e: number): void {
    const m = this.sums[e];
    for (let k = 0; k < s.nk; k++) {
      const i = e * s.nk + k;
      m[0] += objectPosError(s.pos, i, refPos, i);
      m[1] += objectOriError(s.quat, i, refQuat, i);
      m[2] += 1;
      if (refContact) {
        m[3] += touching(s, e, k) === (refContact[i] > 0.5 ? 1 : 0) ? 1 : 0;
        m[4] += 1;
      }
    }
  }

  /** Object metrics (object_pos_err_m, object_ori_err_rad, contact_agreement) of env e. */
  result(e: number): SetEpisode {
    const m = this.sums[e],
      notes: Record<string, string> = {};
    const none = 'no scored step with an object';
    return {
      success: null,
      metrics: {
        object_pos_err_m: meanOrNull(m[0], m[2], 'object_pos_err_m', notes, none),
        object_ori_err_rad: meanOrNull(m[1], m[2], 'object_ori_err_rad', notes, none),
        contact_agreement: meanOrNull(m[3], m[4], 'contact_agreement', notes, 'the reference has no contact labels'),
      },
      notes,
    };
  }
}
