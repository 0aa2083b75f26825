// The observation kernel: one invocation per (env, element of the concatenated current term values).
// Entry table (8 u32 per layout entry, at P.tEntries): term id, history, dim, offset in the observation,
// offset in the current values, clip flag, clip low (f32 bits), clip high (f32 bits).
// Element map (at P.tElem): current-value element → entry index. Per entry and element: value → clip →
// scale → history ring (slot step % history is the newest) → observation block, oldest first.

@compute @workgroup_size(64)
fn build_obs(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= P.n * P.rawSize) { return; }
  let e = i / P.rawSize;
  let j = i % P.rawSize;
  let t = P.tEntries + T[P.tElem + j] * 8u;
  let h = T[t + 1u];
  let dim = T[t + 2u];
  let d = j - T[t + 4u];
  var v = obs_term(T[t], e, d);
  if (T[t + 5u] != 0u) { v = min(max(v, bitcast<f32>(T[t + 6u])), bitcast<f32>(T[t + 7u])); }
  v = v * I[P.iScale + j];
  let b = e * P.size + T[t + 3u];
  let head = P.step % h;
  if (F[e] != 0u) {
    for (var k = 0u; k < h; k++) { H[b + k * dim + d] = v; }
  } else {
    H[b + head * dim + d] = v;
  }
  for (var k = 0u; k < h; k++) { O[b + k * dim + d] = H[b + ((head + 1u + k) % h) * dim + d]; }
}
