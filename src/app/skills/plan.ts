/**
 * What a timeline segment or blend layer runs when it names a policy: the segment's clip (a tracking policy's clip
 * trimmed to in/out, a policy's own embedded motion, or the commanded motion of a locomotion policy) and the skill
 * (core skills.ts) built for it on the app's engine. Commands: a track typed as "vx,vy,wz" or "t:vx,vy,wz; ...",
 * or "live" (the provider of the app's LiveCommand, handed over with the policy's PolicyBytes).
 */
import { fail } from '../../core/errors';
import type { RobotModel } from '../../core/model/types';
import type { MotionClip } from '../../core/motion/types';
import type { SegmentSkill } from '../../core/motion/timeline';
import { CommandSource, CommandTrack, commandedClip, type Command, type CommandKey } from '../../core/policy/commands';
import type { PolicyConfig } from '../../core/policy/config';
import { embeddedSteps } from '../../core/policy/embedded-steps';
import { probeReferenceLength } from '../../core/policy/reference-length';
import { PolicySession } from '../../core/policy/session';
import { clipSkill, policySkill, type Skill } from '../../core/policy/skills';
import type { PhysicsEngine } from '../../core/physics/types';

/** A loaded policy, configured for the app's engine. */
export interface PolicyBytes {
  cfg: PolicyConfig;
  bytes: Uint8Array;
  name: string;
  /** what 'live' command segments and layers of this policy follow (none: zero) */
  live?: LiveCommand;
}
export type ConfigOf = (policyId: string) => PolicyBytes;

type Provider = () => Command;
/** The live steering command (body frame vx, vy m/s, wz rad/s) that 'live' command segments and layers follow; the App holds one. */
export class LiveCommand {
  provider: Provider | null = null;
}

/** A command track that asks the steering provider (zero without one). */
class LiveTrack extends CommandTrack {
  constructor(private readonly live: LiveCommand | undefined) {
    super([{ t: 0, vx: 0, vy: 0, wz: 0 }], 'linear', '<live steering>');
  }
  override at(): Command {
    const c = this.live?.provider?.() ?? [0, 0, 0];
    return [c[0], c[1], c[2]];
  }
}

/** "vx,vy,wz" (constant) or "t:vx,vy,wz; t:vx,vy,wz" (linear between keys) or "live"; bad text is a named error. */
export function parseCommands(text: string, where: string): CommandKey[] | 'live' {
  const s = text.trim();
  if (s === 'live') return 'live';
  return s.split(';').map((part, i) => {
    const [tPart, vPart] = part.includes(':') ? part.split(':') : ['0', part];
    const v = vPart.split(',').map((x) => Number(x.trim()));
    const t = Number(tPart.trim());
    if (v.length !== 3 || !v.every(Number.isFinite) || !Number.isFinite(t))
      fail('PolicyError', where, `commands[${i}]`, `expected "vx,vy,wz" or "t:vx,vy,wz" (got "${part.trim()}")`);
    return { t, vx: v[0], vy: v[1], wz: v[2] };
  });
}

export const commandText = (c: SegmentSkill['commands']): string =>
  c === 'live' ? 'live' : !c?.length ? '0,0,0' : c.map((k) => (c.length === 1 ? '' : `${k.t}:`) + `${k.vx},${k.vy},${k.wz}`).join('; ');

export function commandTrack(c: SegmentSkill['commands'], live?: LiveCommand): CommandTrack {
  return c === 'live' ? new LiveTrack(live) : new CommandTrack(c?.length ? c : [{ t: 0, vx: 0, vy: 0, wz: 0 }]);
}

/** Frames of `clip` from `inS` to `outS` seconds (the policy tracks the segment, not the whole clip). */
export function trimClip(clip: MotionClip, inS: number, outS: number): MotionClip {
  const a = Math.max(0, Math.floor(inS * clip.fps)),
    b = Math.min(clip.nFrames - 1, Math.ceil(outS * clip.fps));
  if (a === 0 && b === clip.nFrames - 1) return clip;
  const nj = clip.jointNames.length;
  return {
    ...clip,
    nFrames: b - a + 1,
    rootPos: clip.rootPos.slice(a * 3, (b + 1) * 3),
    rootQuat: clip.rootQuat.slice(a * 4, (b + 1) * 4),
    jointPos: clip.jointPos.slice(a * nj, (b + 1) * nj),
  };
}

const embeddedCache = new WeakMap<Uint8Array, Map<RobotModel, Promise<MotionClip>>>();
/** A policy's embedded motion as a clip (its probed length, every step run once; cached per file and robot). */
export function embeddedClip(model: RobotModel, p: PolicyBytes): Promise<MotionClip> {
  let m = embeddedCache.get(p.bytes);
  if (!m) embeddedCache.set(p.bytes, (m = new Map<RobotModel, Promise<MotionClip>>()));
  let c = m.get(model);
  if (!c) {
    c = readEmbedded(model, p);
    m.set(model, c);
    c.catch(() => m.delete(model));
  }
  return c;
}

async function readEmbedded(model: RobotModel, p: PolicyBytes): Promise<MotionClip> {
  if (!p.cfg.embeddedReference) fail('PolicyError', p.name, 'outputs', 'this policy carries no motion of its own (no time_step input)');
  const session = await PolicySession.create(p.bytes, p.cfg, { file: p.name });
  try {
    const obsSize =
      session.obsSize > 0 ? session.obsSize : fail('PolicyError', p.name, 'inputs', 'the observation size is not fixed in the graph');
    const len = await probeReferenceLength(session, p.cfg, obsSize, p.name);
    const r = await embeddedSteps(session, p.cfg, model, obsSize, len.last, p.cfg.stepDt, p.name);
    return {
      name: `${p.name} (own motion)`,
      fps: 1 / r.dt,
      nFrames: r.nSteps,
      jointNames: model.joints.map((j) => j.name),
      rootPos: Float32Array.from(r.rootPos),
      rootQuat: Float32Array.from(r.rootQuat),
      jointPos: Float32Array.from(r.jointPos),
    };
  } finally {
    await session.release().catch(() => undefined);
  }
}

/** The clip a policy segment puts on the timeline (what the ghost shows and the transport times). */
export async function segmentClip(
  model: RobotModel,
  skill: SegmentSkill,
  p: PolicyBytes,
  clip: () => MotionClip | null,
  seconds: number,
): Promise<MotionClip | null> {
  if (skill.mode === 'embedded') return embeddedClip(model, p);
  if (skill.mode === 'command') return commandedClip(model, p.cfg, new CommandSource(commandTrack(skill.commands, p.live), null), seconds);
  return clip();
}

/** The skill of one policy segment or layer on the app's engine (its own session; release() frees it). */
export async function buildSkill(
  model: RobotModel,
  engine: PhysicsEngine,
  skill: SegmentSkill,
  p: PolicyBytes,
  clip: MotionClip | null,
  seconds: number,
  name: string,
): Promise<Skill> {
  const policy = { file: p.name, bytes: p.bytes };
  if (skill.mode === 'command')
    return policySkill({ model, engine, policy, config: p.cfg, commands: commandTrack(skill.commands, p.live), seconds, name });
  if (skill.mode === 'embedded' || p.cfg.embeddedReference) {
    const s = await policySkill({ model, engine, policy, config: p.cfg, name });
    const len = (await embeddedClip(model, p)).nFrames;
    s.controller!.setLastStep(len - 1);
    return s;
  }
  if (!clip) fail('PolicyError', p.name, 'clip', `segment "${name}": a tracking policy needs a clip`);
  return policySkill({ model, engine, policy, config: p.cfg, clip: clip!, name });
}

/** A clip played by PD at the policies' control rate (a blend layer without a policy). */
export const pdSkill = (model: RobotModel, clip: MotionClip, stepDt: number, decimation: number): Skill =>
  clipSkill(model, clip, stepDt, decimation);
