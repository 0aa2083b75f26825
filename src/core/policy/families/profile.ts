/**
 * Exports that carry no usable metadata, run with a profile alone: SkillMimic-style skill-conditioned
 * policies (nSkills > 0), and any export the user gives a profile for (the profile may name its family).
 */
import type { PolicyConfig } from '../config';
import { chooseProfile, CONFIG_KEYS, profileConfig } from './merge';
import type { Family } from './types';

export const profileFamily: Family = {
  name: 'profile',
  detect(x) {
    return x.profile === undefined ? null : [`profile given (${x.profileFile ?? 'profile.json'})`];
  },
  configure(x) {
    const src = chooseProfile(x)!;
    const warnings: string[] = [];
    const { cfg } = profileConfig(src, x, undefined, warnings);
    const out: PolicyConfig = { ...cfg, family: cfg.family ?? (cfg.nSkills > 0 ? 'skillmimic' : 'profile') };
    out.filledFromProfile = [...CONFIG_KEYS].filter((k) => out[k] !== undefined);
    out.warnings = warnings;
    return out;
  },
};
