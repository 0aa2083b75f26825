// One function per observation term: obs_<name>(env, element) → value, the WGSL twin of
// src/core/observation/terms.ts. obs_term() dispatches on the term id (the `id` of each ObsTermDef).

fn obs_command(e: u32, d: u32) -> f32 {
  if (d < P.na) { return R[P.rJointPos + e * P.nj + pj(d)]; }
  return R[P.rJointVel + e * P.nj + pj(d - P.na)];
}

fn obs_motion_anchor_pos_b(e: u32, d: u32) -> f32 {
  let k = e * P.nb + P.anchor;
  let delta = vec3_at(1u, P.rBodyPos + k * 3u) - vec3_at(0u, P.sBodyPos + k * 3u);
  return rotate_inv(quat_at(0u, P.sBodyQuat + k * 4u), delta)[d];
}

// first two columns of the rotation matrix of conj(q_robot)·q_ref (rel_rot6 in obs_common.wgsl)
fn obs_motion_anchor_ori_b(e: u32, d: u32) -> f32 {
  let k = e * P.nb + P.anchor;
  return rel_rot6(quat_at(0u, P.sBodyQuat + k * 4u), quat_at(1u, P.rBodyQuat + k * 4u), d);
}

fn obs_base_lin_vel(e: u32, d: u32) -> f32 {
  return rotate_inv(quat_at(0u, P.sRootQuat + e * 4u), vec3_at(0u, P.sRootLinVel + e * 3u))[d];
}

fn obs_base_ang_vel(e: u32, d: u32) -> f32 {
  return rotate_inv(quat_at(0u, P.sRootQuat + e * 4u), vec3_at(0u, P.sRootAngVel + e * 3u))[d];
}

fn obs_projected_gravity(e: u32, d: u32) -> f32 {
  return rotate_inv(quat_at(0u, P.sRootQuat + e * 4u), vec3f(0.0, 0.0, -1.0))[d];
}

fn obs_joint_pos(e: u32, d: u32) -> f32 { return S[P.sJointPos + e * P.nj + pj(d)]; }
fn obs_joint_pos_rel(e: u32, d: u32) -> f32 { return S[P.sJointPos + e * P.nj + pj(d)] - I[P.iDefault + d]; }
fn obs_joint_vel(e: u32, d: u32) -> f32 { return S[P.sJointVel + e * P.nj + pj(d)]; }
// default joint velocity is 0
fn obs_joint_vel_rel(e: u32, d: u32) -> f32 { return S[P.sJointVel + e * P.nj + pj(d)]; }
fn obs_actions(e: u32, d: u32) -> f32 { return I[P.iLastAction + e * P.na + d]; }
fn obs_last_action(e: u32, d: u32) -> f32 { return I[P.iLastAction + e * P.na + d]; }
fn obs_skill(e: u32, d: u32) -> f32 { return I[P.iSkill + e * P.nSkills + d]; }

// per-env block at P.iExtra: [phase, vx, vy, wz, sin g0, sin g1, cos g0, cos g1] (sin/cos taken on the CPU)
fn extra(e: u32, k: u32) -> f32 { return I[P.iExtra + e * 8u + k]; }
fn obs_motion_phase(e: u32, d: u32) -> f32 { return extra(e, 0u); }
fn obs_velocity_commands(e: u32, d: u32) -> f32 { return extra(e, 1u + d); }
fn obs_command_lin_vel(e: u32, d: u32) -> f32 { return extra(e, 1u + d); }
fn obs_command_ang_vel(e: u32, d: u32) -> f32 { return extra(e, 3u); }
fn obs_sin_phase(e: u32, d: u32) -> f32 { return extra(e, 4u + d); }
fn obs_cos_phase(e: u32, d: u32) -> f32 { return extra(e, 6u + d); }
// [sin, cos] of the first foot's phase
fn obs_gait_phase(e: u32, d: u32) -> f32 {
  if (d == 0u) { return extra(e, 4u); }
  return extra(e, 6u);
}

fn obs_term(id: u32, e: u32, d: u32) -> f32 {
  switch id {
    case 0u: { return obs_command(e, d); }
    case 1u: { return obs_motion_anchor_pos_b(e, d); }
    case 2u: { return obs_motion_anchor_ori_b(e, d); }
    case 3u: { return obs_base_lin_vel(e, d); }
    case 4u: { return obs_base_ang_vel(e, d); }
    case 5u: { return obs_projected_gravity(e, d); }
    case 6u: { return obs_joint_pos(e, d); }
    case 7u: { return obs_joint_pos_rel(e, d); }
    case 8u: { return obs_joint_vel(e, d); }
    case 9u: { return obs_joint_vel_rel(e, d); }
    case 10u: { return obs_actions(e, d); }
    case 11u: { return obs_last_action(e, d); }
    case 12u: { return obs_skill(e, d); }
    case 13u: { return obs_motion_phase(e, d); }
    case 14u: { return obs_velocity_commands(e, d); }
    case 15u: { return obs_command_lin_vel(e, d); }
    case 16u: { return obs_command_ang_vel(e, d); }
    case 17u: { return obs_sin_phase(e, d); }
    case 18u: { return obs_cos_phase(e, d); }
    case 19u: { return obs_gait_phase(e, d); }
    // objects (shaders/obs_objects.wgsl)
    case 20u: { return obs_object_pos_b(e, d); }
    case 21u: { return obs_object_ori_b(e, d); }
    case 22u: { return obs_object_lin_vel_b(e, d); }
    case 23u: { return obs_object_ang_vel_b(e, d); }
    case 24u: { return obs_ref_object_pos_b(e, d); }
    case 25u: { return obs_ref_object_ori_b(e, d); }
    case 26u: { return obs_object_contact(e, d); }
    case 27u: { return obs_object_distance(e, d); }
    default: { return 0.0; }
  }
}
