/**
 * Composing policies in time: a sequence of segments (a tracking policy + clip, a locomotion policy + command
 * track, or a clip played by PD: skills.ts), each for some seconds. The switch into a segment is a
 * transition of `transition` seconds in which BOTH skills run on the real state and the PD targets and gains
 * crossfade linearly from the outgoing skill to the incoming one; the incoming skill joins where the robot
 * stands (reference aligned, observation history refilled from the real state, last action warmed).
 * Terminates only on a fall (locomotion.ts fallCheck). Measures the largest per-step joint-target jump,
 * inside transitions and outside, and the gap an instant switch would have made.
 */
import { controlStep } from '../physics/control';
import type { PhysicsEngine } from '../physics/types';
import { fallCheck, type Fall } from './locomotion';
import { checkTermination } from './termination';
import { checkRates, mix, type Skill } from './skills';

export interface Segment {
  skill: Skill;
  seconds: number;
  /** crossfade length into this segment, s (0 = instant switch; ignored for the first) */
  transition?: number;
}

export interface SegmentReport {
  name: string;
  start_s: number;
  seconds: number;
  transition_s: number;
  gap_at_switch_rad: number;
  /** tracking policies: mean |q − q_ref| over the policy's joints after the transition, rad (null otherwise) */
  joint_err_rad: number | null;
  /** tracking policies (a clip reference): BeyondMimic termination checks that fired after the transition (counted, not stopping) */
  tracking_terminations: number;
}

export interface CompositionResult {
  survived_s: number;
  seconds: number;
  fall: Fall | null;
  segments: SegmentReport[];
  /** largest |Δ target| of one joint between consecutive control steps, rad: inside transitions / elsewhere */
  max_jump_transition_rad: number;
  max_jump_steady_rad: number;
  /** per transition: the bound the crossfade allows, max over its steps of (1−w)|Δa| + w|Δb| + Δw|b − a| */
  max_jump_bound_rad: number;
  control_steps: number;
}

export interface CompositionOptions {
  engine: PhysicsEngine;
  segments: Segment[];
  /** body index whose height and tilt define a fall (default: the first policy's anchor) */
  anchor?: number;
  onStep?: (t: number, targets: Float32Array) => void;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
  return m;
};

const endEffectorsOf = (c: NonNullable<Skill['controller']>): number[] =>
  c.config.endEffectors.map((n) => c.model.bodyIndex.get(n)).filter((b): b is number => b !== undefined);

export async function runComposition(o: CompositionOptions): Promise<CompositionResult> {
  const segs = o.segments,
    skills = segs.map((s) => s.skill),
    engine = o.engine;
  checkRates(skills, 'compose');
  const dt = skills[0].stepDt,
    dec = skills[0].decimation,
    nj = skills[0].targets.length;
  const anchor = o.anchor ?? skills.find((s) => s.controller)?.controller!.ctx.anchorBody ?? 0;
  const out = { targets: new Float32Array(nj), kp: [] as number[], kd: [] as number[], effort: [] as number[] };
  const prev = new Float32Array(nj),
    prevA = new Float32Array(nj),
    prevB = new Float32Array(nj);
  const ones = new Float32Array(nj).fill(1);
  const s = engine.state;
  // the first skill starts the episode: a policy stands the robot in its default pose
  if (skills[0].controller) await skills[0].controller.reset();
  else await skills[0].join();
  const startZ = s.bodyPos[anchor * 3 + 2];
  const reports: SegmentReport[] = [];
  let k = 0,
    fall: Fall | null = null,
    jumpT = 0,
    jumpS = 0,
    bound = 0,
    first = true;
  for (let i = 0; i < segs.length && !fall; i++) {
    const cur = segs[i].skill,
      old = i > 0 ? segs[i - 1].skill : null;
    const T = old ? Math.max(0, segs[i].transition ?? 0) : 0;
    const nT = Math.round(T / dt),
      n = Math.round(segs[i].seconds / dt);
    const rep: SegmentReport = {
      name: cur.name,
      start_s: k * dt,
      seconds: segs[i].seconds,
      transition_s: T,
      gap_at_switch_rad: 0,
      joint_err_rad: null,
      tracking_terminations: 0,
    };
    let errSum = 0,
      errN = 0;
    reports.push(rep);
    if (old) await cur.join();
    for (let m = 0; m < n && !fall; m++, k++) {
      const inT = old !== null && m < nT;
      if (inT) {
        await old.act();
        await cur.act();
        const w = (m + 1) / (nT + 1),
          dw = 1 / (nT + 1);
        if (m === 0) rep.gap_at_switch_rad = maxAbsDiff(old.targets, cur.targets);
        mix([old, cur], [ones.map(() => 1 - w), ones.map(() => w)], out);
        if (m > 0) {
          for (let j = 0; j < nj; j++) {
            const b =
              (1 - w) * Math.abs(old.targets[j] - prevA[j]) +
              w * Math.abs(cur.targets[j] - prevB[j]) +
              dw * Math.abs(cur.targets[j] - old.targets[j]);
            bound = Math.max(bound, b + 1e-6);
          }
        }
        prevA.set(old.targets);
        prevB.set(cur.targets);
      } else {
        await cur.act();
        mix([cur], [ones], out);
      }
      engine.setGains(out.kp, out.kd, out.effort);
      engine.setTargets(out.targets);
      if (!first) {
        const jmp = maxAbsDiff(out.targets, prev);
        if (inT || (old !== null && m === nT)) jumpT = Math.max(jumpT, jmp);
        else jumpS = Math.max(jumpS, jmp);
      }
      first = false;
      prev.set(out.targets);
      o.onStep?.(k * dt, out.targets);
      controlStep(engine, dec);
      if (inT) old.advance();
      cur.advance();
      fall = fallCheck(s, 0, anchor, startZ, (k + 1) * dt);
      const c = cur.controller;
      if (c && !c.commands && !inT) {
        const pj = c.ctx.policyJoints,
          ref = c.ctx.ref;
        for (const j of pj) errSum += Math.abs(s.jointPos[j] - ref.jointPos[j]);
        errN += pj.length;
        if (checkTermination(s, ref, 0, c.ctx.anchorBody, endEffectorsOf(c))) rep.tracking_terminations++;
      }
    }
    rep.joint_err_rad = errN ? errSum / errN : null;
  }
  const total = segs.reduce((a, x) => a + x.seconds, 0);
  return {
    survived_s: k * dt,
    seconds: total,
    fall,
    segments: reports,
    max_jump_transition_rad: jumpT,
    max_jump_steady_rad: jumpS,
    max_jump_bound_rad: bound,
    control_steps: k,
  };
}
