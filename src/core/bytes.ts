/** Byte-array helpers shared by the binary readers and writers (PNG, protobuf / ONNX). */

/** The byte arrays `parts` one after the other, in a new array. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
