// Object observation terms, the WGSL twins of src/core/observation/objects.ts. They read the block that
// packObjects() writes into I at P.iObj: header [nk, nb, nd, stride], then per env [anchor pos 3, anchor quat 4,
// per object (pos 3, quat 4, lin vel 3, ang vel 3, ref pos 3, ref quat 4, shape 4), contact nk·nb,
// distance-body positions nd·3]. Counts are small integers stored as f32.

fn ob_hdr(i: u32) -> u32 { return u32(I[P.iObj + i]); }
fn ob_base(e: u32) -> u32 { return P.iObj + 4u + e * ob_hdr(3u); }
fn ob_obj(e: u32, k: u32) -> u32 { return ob_base(e) + 7u + k * 24u; }
fn ob_v3(o: u32) -> vec3f { return vec3f(I[o], I[o + 1u], I[o + 2u]); }
fn ob_q(o: u32) -> vec4f { return vec4f(I[o], I[o + 1u], I[o + 2u], I[o + 3u]); }

// a world vector at word w of object k, in the anchor frame (minus the anchor position when rel)
fn ob_in_anchor(e: u32, d: u32, w: u32, rel: bool) -> f32 {
  let b = ob_base(e);
  var v = ob_v3(ob_obj(e, d / 3u) + w);
  if (rel) { v = v - ob_v3(b); }
  return rotate_inv(ob_q(b + 3u), v)[d % 3u];
}

fn obs_object_pos_b(e: u32, d: u32) -> f32 { return ob_in_anchor(e, d, 0u, true); }
fn obs_object_ori_b(e: u32, d: u32) -> f32 { return rel_rot6(ob_q(ob_base(e) + 3u), ob_q(ob_obj(e, d / 6u) + 3u), d % 6u); }
fn obs_object_lin_vel_b(e: u32, d: u32) -> f32 { return ob_in_anchor(e, d, 7u, false); }
fn obs_object_ang_vel_b(e: u32, d: u32) -> f32 { return ob_in_anchor(e, d, 10u, false); }
fn obs_ref_object_pos_b(e: u32, d: u32) -> f32 { return ob_in_anchor(e, d, 13u, true); }
fn obs_ref_object_ori_b(e: u32, d: u32) -> f32 { return rel_rot6(ob_q(ob_base(e) + 3u), ob_q(ob_obj(e, d / 6u) + 16u), d % 6u); }
fn obs_object_contact(e: u32, d: u32) -> f32 { return I[ob_base(e) + 7u + ob_hdr(0u) * 24u + d]; }

// signed distance from a point (object frame) to the object's shape: 0 sphere, 1 box, 2 capsule along z
fn ob_sdf(s: vec4f, p: vec3f) -> f32 {
  if (s.x < 0.5) { return length(p) - s.y; }
  if (s.x < 1.5) {
    let q = abs(p) - s.yzw;
    return length(max(q, vec3f(0.0))) + min(max(q.x, max(q.y, q.z)), 0.0);
  }
  let cz = clamp(p.z, -s.z, s.z);
  return length(vec3f(p.x, p.y, p.z - cz)) - s.y;
}

// value d = (distance body d / nk, object d % nk)
fn obs_object_distance(e: u32, d: u32) -> f32 {
  let nk = ob_hdr(0u);
  let nb = ob_hdr(1u);
  let k = d % nk;
  let o = ob_obj(e, k);
  let p = ob_v3(ob_base(e) + 7u + nk * (24u + nb) + (d / nk) * 3u);
  return ob_sdf(ob_q(o + 20u), rotate_inv(ob_q(o + 3u), p - ob_v3(o)));
}
