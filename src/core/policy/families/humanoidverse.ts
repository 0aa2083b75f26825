/**
 * HumanoidVerse (ASAP, PBHC / KungfuBot) phase-conditioned motion tracking: one input (`actor_obs`) of
 * 5 × (3·na + 7) values for a 4-frame history — actions, base angular velocity, joint positions and
 * velocities, projected gravity and the motion phase, now and in the 4 past frames — no reference input,
 * no metadata. These policies drive a subset of the robot (23 of the G1's 29 joints): the others are held at
 * their default pose by PD (heldJoints). The phase is t / motionSeconds (a setting). Joint names, gains,
 * default pose and action scale come from a profile (shipped: policies/humanoidverse-g1-23dof.json).
 */
import { fail } from '../../errors';
import { humanoidverse as hvLayout } from '../../observation/layouts';
import g1Hv from '../../../../policies/humanoidverse-g1-23dof.json';
import { chooseProfile, mergeFileOverProfile, profileConfig } from './merge';
import { inputNamed, type Family, type FamilyInput } from './types';

/** history length when obsSize fits (H + 1)·(3·na + 7), else null */
function historyOf(x: FamilyInput): number | null {
  if (x.obsSize <= 0 || x.nActions <= 0) return null;
  const per = 3 * x.nActions + 7;
  const k = x.obsSize / per;
  return Number.isInteger(k) && k >= 2 ? k - 1 : null;
}

export const humanoidverse: Family = {
  name: 'humanoidverse',
  detect(x) {
    if (Object.keys(x.info.metadata).some((k) => ['joint_names', 'dof_names', 'kp'].includes(k))) return null;
    if (inputNamed(x.info, 'time_step') || x.yaml !== undefined) return null;
    const h = historyOf(x);
    if (h === null) return null;
    return [
      `input ${x.obsIn.name} has ${x.obsSize} = ${h + 1} × (3·${x.nActions} + 7) values: proprioception + motion phase with a ${h}-frame history (HumanoidVerse layout)`,
    ];
  },
  configure(x, evidence) {
    const h = historyOf(x)!;
    const shipped =
      g1Hv.jointOrder.length === x.nActions
        ? { json: g1Hv as Record<string, unknown>, file: 'policies/humanoidverse-g1-23dof.json' }
        : undefined;
    const src = chooseProfile(x, shipped);
    if (!src) {
      fail(
        'PolicyError',
        x.file,
        `output ${x.actOut.name}`,
        `a HumanoidVerse-style export driving ${x.nActions} joints: give a profile with "jointOrder" (${x.nActions} joint names), "gains", "defaultJointPos", "actionScale", "heldJoints", "motionSeconds"`,
      );
    }
    evidence.push(`joints and gains from ${src!.file}`);
    const warnings: string[] = [];
    const base = profileConfig(src!, x, undefined, warnings);
    const userLayout = src!.json.observations !== undefined && src!.json.observations !== 'humanoidverse-history-4';
    const file = userLayout ? {} : { observations: hvLayout(h) };
    const cfg = mergeFileOverProfile(
      {
        file,
        fileName: x.file,
        base,
        rest: {
          source: base.cfg.source,
          family: 'humanoidverse',
          embeddedReference: false,
          armatureFromGains: base.cfg.armatureFromGains,
          nSkills: 0,
        },
      },
      warnings,
    );
    if (cfg.motionSeconds !== undefined && !cfg.filledFromProfile!.includes('motionSeconds')) cfg.filledFromProfile!.push('motionSeconds');
    if (cfg.heldJoints && !cfg.filledFromProfile!.includes('heldJoints')) cfg.filledFromProfile!.push('heldJoints');
    return cfg;
  },
};
