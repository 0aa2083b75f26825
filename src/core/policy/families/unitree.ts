/**
 * unitree_rl_lab and unitree_rl_mjlab: the policy comes with its deploy.yaml (joint_ids_map, stiffness and
 * damping in DESCRIPTION order, default_joint_pos and action scale/offset in policy order, observations,
 * step_dt). unitree_rl_mjlab trains on the MuJoCo description order, so its joint_ids_map is the identity
 * and its gains are rounded; both read the same way.
 */
import { parseYamlText, configFromDeployYaml } from '../sources';
import { chooseProfile, mergeFileOverProfile, profileConfig } from './merge';
import type { Family } from './types';

export const unitree: Family = {
  name: 'unitree-rl-lab',
  detect(x) {
    return x.yaml === undefined ? null : [`deploy.yaml given (${x.yamlFile ?? 'deploy.yaml'})`];
  },
  configure(x, evidence) {
    const yamlFile = x.yamlFile ?? 'deploy.yaml';
    const full = configFromDeployYaml(
      x.yaml!,
      yamlFile,
      x.robot.joints.map((j) => j.name),
    );
    const map = parseYamlText(x.yaml!, yamlFile).joint_ids_map as unknown[];
    const identity = map.every((d, i) => d === i);
    evidence.push(
      identity
        ? 'joint_ids_map is the identity (description order): unitree_rl_mjlab'
        : 'joint_ids_map reorders the description: unitree_rl_lab',
    );
    const { anchorBody: _a, bodyNames: _b, endEffectors: _e, physicsDt: _p, ...file } = full;
    const warnings: string[] = [];
    const src = chooseProfile(x);
    const base = src ? profileConfig(src, x, full.jointNames, warnings) : undefined;
    return mergeFileOverProfile(
      {
        file,
        fileName: yamlFile,
        base,
        rest: {
          source: 'deploy.yaml',
          family: identity ? 'unitree-rl-mjlab' : 'unitree-rl-lab',
          embeddedReference: false,
          armatureFromGains: true,
          nSkills: 0,
        },
      },
      warnings,
    );
  },
};
