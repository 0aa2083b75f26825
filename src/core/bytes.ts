/** Byte-array helpers shared by the binary readers and writers (PNG, protobuf / ONNX) and the content hashes. */

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

/**
 * Feed `mix` the bytes of `data` (a string: its UTF-16 code units), 4 at a time as int32 where the view is
 * 4-aligned, the odd bytes at either end one at a time: content hashes of ~19 MB of meshes take milliseconds.
 */
export function mixWords(data: Uint8Array | string, mix: (v: number) => void): void {
  if (typeof data === 'string') {
    for (let i = 0; i < data.length; i++) mix(data.charCodeAt(i));
    return;
  }
  const head = Math.min(data.length, (4 - (data.byteOffset % 4)) % 4);
  const n = (data.length - head) >> 2;
  const words = new Int32Array(data.buffer, data.byteOffset + head, n);
  for (let i = 0; i < head; i++) mix(data[i]);
  for (let k = 0; k < n; k++) mix(words[k]);
  for (let i = head + n * 4; i < data.length; i++) mix(data[i]);
}

/** An FNV-1a style content fingerprint, "length:hash" (stable within a process: cache keys, not a file format). */
export function fnvKey(data: Uint8Array | string): string {
  let h = 0x811c9dc5;
  mixWords(data, (v) => (h = Math.imul(h ^ v, 0x01000193)));
  return `${data.length}:${(h >>> 0).toString(36)}`;
}
