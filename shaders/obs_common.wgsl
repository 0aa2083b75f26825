// Observation builder: bindings, parameters and quaternion helpers shared by obs_terms.wgsl and
// obs_build.wgsl (the three files are concatenated in that order; see src/core/observation/shaders.ts).
// Layouts mirror src/core/observation/gpu.ts (keep the two in step).

struct Params {
  n: u32, nj: u32, nb: u32, na: u32,
  anchor: u32, nSkills: u32, rawSize: u32, size: u32,
  step: u32, nEntries: u32, tEntries: u32,
  // offset inside I of the per-env block [phase, command vx, vy, wz, sin g0, sin g1, cos g0, cos g1] (8 per env)
  iExtra: u32,
  // offsets (in f32 elements) of the state arrays inside S
  sRootQuat: u32, sRootLinVel: u32, sRootAngVel: u32, sJointPos: u32,
  sJointVel: u32, sBodyPos: u32, sBodyQuat: u32, pad0: u32,
  // offsets of the reference arrays inside R
  rJointPos: u32, rJointVel: u32, rBodyPos: u32, rBodyQuat: u32,
  // offsets inside I: default joint positions (na), per-element scale (rawSize), last action (n*na), skill (n*nSkills)
  iDefault: u32, iScale: u32, iLastAction: u32, iSkill: u32,
  // offset inside I of the packed object block (obs_objects.wgsl)
  iObj: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> S: array<f32>;        // simulated state (BatchState arrays, packed)
@group(0) @binding(2) var<storage, read> R: array<f32>;        // reference (BatchState arrays, packed)
@group(0) @binding(3) var<storage, read> I: array<f32>;        // inputs: default pos, scales, last action, skill
@group(0) @binding(4) var<storage, read> T: array<u32>;        // policy joints (na), then the entry table
@group(0) @binding(5) var<storage, read> F: array<u32>;        // per env: 1 = history must be refilled
@group(0) @binding(6) var<storage, read_write> H: array<f32>;  // history rings [n × size]
@group(0) @binding(7) var<storage, read_write> O: array<f32>;  // observations [n × size]

// model joint index of policy joint i
fn pj(i: u32) -> u32 { return T[i]; }

fn quat_at(buf: u32, o: u32) -> vec4f {
  if (buf == 0u) { return vec4f(S[o], S[o + 1u], S[o + 2u], S[o + 3u]); }
  return vec4f(R[o], R[o + 1u], R[o + 2u], R[o + 3u]);
}

fn vec3_at(buf: u32, o: u32) -> vec3f {
  if (buf == 0u) { return vec3f(S[o], S[o + 1u], S[o + 2u]); }
  return vec3f(R[o], R[o + 1u], R[o + 2u]);
}

// rotate v by the inverse of the unit quaternion q = [w, x, y, z] (world → local)
fn rotate_inv(q: vec4f, v: vec3f) -> vec3f {
  let w = q.x;
  let u = -q.yzw;
  let t = 2.0 * cross(u, v);
  return v + w * t + cross(u, t);
}

fn quat_mul(a: vec4f, b: vec4f) -> vec4f {
  return vec4f(
    a.x * b.x - a.y * b.y - a.z * b.z - a.w * b.w,
    a.x * b.y + a.y * b.x + a.z * b.w - a.w * b.z,
    a.x * b.z - a.y * b.w + a.z * b.x + a.w * b.y,
    a.x * b.w + a.y * b.z - a.z * b.y + a.w * b.x);
}

fn quat_conj(q: vec4f) -> vec4f { return vec4f(q.x, -q.yzw); }

// element d of the first two rotation-matrix columns of conj(qa)·qb, row-major [m00 m01 m10 m11 m20 m21]
fn rel_rot6(qa: vec4f, qb: vec4f, d: u32) -> f32 {
  let q = quat_mul(quat_conj(qa), qb);
  let w = q.x; let x = q.y; let y = q.z; let z = q.w;
  let s = 2.0 / dot(q, q);
  switch d {
    case 0u: { return 1.0 - s * (y * y + z * z); }
    case 1u: { return s * (x * y - z * w); }
    case 2u: { return s * (x * y + z * w); }
    case 3u: { return 1.0 - s * (x * x + z * z); }
    case 4u: { return s * (x * z - y * w); }
    default: { return s * (y * z + x * w); }
  }
}
