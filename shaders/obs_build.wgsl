// The observation kernel. One pipeline per layout entry: the override constants ENTRY (its row in the
// entry table) and TERM (its term id) are fixed when the pipeline is created, so the term switch folds to a
// single call — no divergence, and software rasterisers (SwiftShader) do not evaluate every term.
// All entries' dispatches go into one compute pass; one invocation per (env, element of the entry).
// Entry table (8 u32 per layout entry, at P.tEntries): term id, history, dim, offset in the observation,
// offset in the concatenated current values (scales), clip flag, clip low (f32 bits), clip high (f32 bits).
// Per element: value → clip → scale → history ring (slot step % history is the newest; after a reset every
// slot gets the value) → the entry's block of the observation, oldest first.

override ENTRY: u32 = 0u;
override TERM: u32 = 0u;

@compute @workgroup_size(64)
fn build_obs(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let t = P.tEntries + ENTRY * 8u;
  let dim = T[t + 2u];
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= P.n * dim) { return; }
  let e = i / dim;
  let d = i % dim;
  let h = T[t + 1u];
  var v = obs_term(TERM, e, d);
  if (T[t + 5u] != 0u) { v = min(max(v, bitcast<f32>(T[t + 6u])), bitcast<f32>(T[t + 7u])); }
  v = v * I[P.iScale + T[t + 4u] + d];
  let b = e * P.size + T[t + 3u];
  let head = P.step % h;
  if (F[e] != 0u) {
    for (var k = 0u; k < h; k++) { H[b + k * dim + d] = v; }
  } else {
    H[b + head * dim + d] = v;
  }
  for (var k = 0u; k < h; k++) { O[b + k * dim + d] = H[b + ((head + 1u + k) % h) * dim + d]; }
}
