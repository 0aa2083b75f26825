/**
 * Unzip an archive (NPZ) with the checks fflate leaves out: declared sizes bounded BEFORE inflating (total,
 * and per entry against what its compressed bytes can hold), and each entry's CRC-32 compared with the one
 * in the central directory, so a truncated or bit-flipped archive is refused rather than read as wrong numbers.
 */
import { unzipSync } from 'fflate';
import { fail } from '../errors';
import { LIMITS } from '../validate';

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** name → CRC-32 from the central directory (zip64 aware). */
function centralCrcs(bytes: Uint8Array, file: string): Map<string, number> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (d: string): never => fail('ParseError', file, 'zip', d);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-central-directory record (truncated or not a zip archive)');
  let count = dv.getUint16(eocd + 10, true);
  let offset = dv.getUint32(eocd + 16, true);
  if ((offset === 0xffffffff || count === 0xffff) && eocd >= 20 && dv.getUint32(eocd - 20, true) === 0x07064b50) {
    const z = Number(dv.getBigUint64(eocd - 12, true));
    if (z + 56 > bytes.length || dv.getUint32(z, true) !== 0x06064b50) bad('bad zip64 end-of-central-directory record');
    count = Number(dv.getBigUint64(z + 32, true));
    offset = Number(dv.getBigUint64(z + 48, true));
  }
  const out = new Map<string, number>();
  let p = offset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50) bad(`central directory entry ${k} is damaged`);
    const nlen = dv.getUint16(p + 28, true),
      elen = dv.getUint16(p + 30, true),
      clen = dv.getUint16(p + 32, true);
    if (p + 46 + nlen > bytes.length) bad(`central directory entry ${k} is truncated`);
    const raw = bytes.subarray(p + 46, p + 46 + nlen);
    const crc = dv.getUint32(p + 16, true);
    // fflate decodes a name as UTF-8 when the entry says so (flag bit 11), else as Latin-1: keep both spellings
    out.set(new TextDecoder().decode(raw), crc);
    out.set(String.fromCharCode(...raw), crc);
    p += 46 + nlen + elen + clen;
  }
  return out;
}

export function unzipChecked(bytes: Uint8Array, file: string): Record<string, Uint8Array> {
  const crcs = centralCrcs(bytes, file);
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        const most = f.compression === 0 ? f.size : f.size * 1032 + 1024; // deflate expands at most ~1032:1
        if (f.originalSize > most) throw new Error(`entry "${f.name}" claims ${f.originalSize} bytes from ${f.size} compressed`);
        total += f.originalSize;
        if (total > LIMITS.maxUnzippedBytes) throw new Error(`more than ${LIMITS.maxUnzippedBytes} bytes once unzipped`);
        return true;
      },
    });
  } catch (e) {
    return fail('ParseError', file, 'zip', `not a readable .npz archive (${(e as Error).message})`);
  }
  for (const [name, data] of Object.entries(entries)) {
    const want = crcs.get(name);
    if (want === undefined) fail('ParseError', file, `zip entry ${name}`, 'entry has no central directory record');
    const got = crc32(data);
    if (got !== want)
      fail(
        'ParseError',
        file,
        `zip entry ${name}`,
        `CRC-32 mismatch (stored ${want!.toString(16)}, data ${got.toString(16)}): the file is damaged`,
      );
  }
  return entries;
}
