/**
 * A small PNG reader for heightfields (issue 16): grey levels in [0, 1], row 0 = the image's top row.
 * Accepted: colour type 0 (grey), 2 (RGB: the three channels averaged), 4 and 6 (grey / RGB with alpha: alpha
 * ignored), bit depth 8 or 16 (16-bit values keep their 16 bits), not interlaced. Refused with a named ParseError
 * (file + chunk + byte offset): a wrong signature, a chunk CRC that does not match, a truncated chunk, a palette
 * image, bit depths 1/2/4, interlacing, a missing IHDR / IDAT, data that does not inflate or has the wrong size.
 * Inflate: fflate (zlib stream of the concatenated IDAT chunks); filters 0–4 per scanline as the PNG spec says.
 */
import { unzlibSync } from 'fflate';
import { concatBytes } from '../bytes';
import { fail } from '../errors';

export interface GreyImage {
  width: number;
  height: number;
  /** row-major, height × width, 0 (black) .. 1 (white); row 0 = top */
  values: Float64Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

let crcTable: Uint32Array | null = null;
function crc32(b: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Header {
  width: number;
  height: number;
  depth: number;
  colour: number;
}

const u32 = (b: Uint8Array, i: number): number => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

function readHeader(b: Uint8Array, at: number, file: string): Header {
  const h = { width: u32(b, at), height: u32(b, at + 4), depth: b[at + 8], colour: b[at + 9] };
  const where = `chunk IHDR (byte ${at - 8})`;
  if (!h.width || !h.height || h.width > 4096 || h.height > 4096)
    fail('ParseError', file, where, `image ${h.width} × ${h.height}: expected 1..4096 pixels a side`);
  if (!(h.colour in CHANNELS))
    fail('ParseError', file, where, `colour type ${h.colour} is not supported (0 grey, 2 RGB, 4 grey+alpha, 6 RGBA; not 3 palette)`);
  if (h.depth !== 8 && h.depth !== 16) fail('ParseError', file, where, `bit depth ${h.depth} is not supported (8 or 16)`);
  if (b[at + 10] !== 0 || b[at + 11] !== 0) fail('ParseError', file, where, 'unknown compression or filter method');
  if (b[at + 12] !== 0) fail('ParseError', file, where, 'interlaced (Adam7) images are not supported');
  return h;
}

/** The chunks: IHDR and the IDAT data (CRCs checked). */
function readChunks(b: Uint8Array, file: string): { header: Header; data: Uint8Array; idatAt: number } {
  if (b.length < 8 || SIGNATURE.some((v, i) => b[i] !== v))
    fail('ParseError', file, 'signature (byte 0)', 'not a PNG file (wrong signature)');
  let header: Header | null = null,
    idatAt = -1;
  const parts: Uint8Array[] = [];
  for (let at = 8; at < b.length;) {
    if (at + 12 > b.length) fail('ParseError', file, `chunk at byte ${at}`, 'truncated chunk header');
    const len = u32(b, at),
      type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    const where = `chunk ${type} (byte ${at})`;
    if (at + 12 + len > b.length) fail('ParseError', file, where, `truncated: ${len} bytes declared, ${b.length - at - 12} left`);
    if (crc32(b, at + 4, at + 8 + len) !== u32(b, at + 8 + len)) fail('ParseError', file, where, 'CRC does not match the chunk');
    if (type === 'IHDR') header = readHeader(b, at + 8, file);
    else if (type === 'IDAT') {
      if (idatAt < 0) idatAt = at;
      parts.push(b.subarray(at + 8, at + 8 + len));
    } else if (type === 'IEND') break;
    at += 12 + len;
  }
  if (!header) return fail('ParseError', file, 'chunk IHDR', 'no IHDR chunk');
  if (!parts.length) return fail('ParseError', file, 'chunk IDAT', 'no image data (IDAT)');
  return { header, data: concatBytes(parts), idatAt };
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c,
    pa = Math.abs(p - a),
    pb = Math.abs(p - b),
    pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** Undo the per-scanline filters in place; returns the raw rows (height × stride). */
function unfilter(raw: Uint8Array, h: Header, file: string, where: string): Uint8Array {
  const bpp = (CHANNELS[h.colour] * h.depth) / 8,
    stride = h.width * bpp;
  if (raw.length !== h.height * (stride + 1))
    fail('ParseError', file, where, `inflated ${raw.length} bytes, expected ${h.height * (stride + 1)} for ${h.width} × ${h.height}`);
  const out = new Uint8Array(h.height * stride);
  for (let r = 0; r < h.height; r++) {
    const f = raw[r * (stride + 1)],
      src = r * (stride + 1) + 1,
      o = r * stride;
    if (f > 4) fail('ParseError', file, where, `row ${r}: unknown filter type ${f}`);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[o + i - bpp] : 0,
        b = r > 0 ? out[o - stride + i] : 0,
        c = r > 0 && i >= bpp ? out[o - stride + i - bpp] : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[o + i] = (raw[src + i] + pred) & 0xff;
    }
  }
  return out;
}

/** Decode a PNG into grey levels in [0, 1] (see the file comment for what is accepted). */
export function decodePngGrey(bytes: Uint8Array, file: string): GreyImage {
  const { header: h, data, idatAt } = readChunks(bytes, file);
  const where = `chunk IDAT (byte ${idatAt})`;
  let raw: Uint8Array;
  try {
    raw = unzlibSync(data);
  } catch (e) {
    return fail('ParseError', file, where, `image data does not inflate: ${(e as Error).message}`);
  }
  const px = unfilter(raw, h, file, where);
  const ch = CHANNELS[h.colour],
    colours = ch >= 3 ? 3 : 1,
    wide = h.depth === 16,
    max = wide ? 65535 : 255;
  const values = new Float64Array(h.width * h.height);
  for (let i = 0; i < values.length; i++) {
    let s = 0;
    for (let k = 0; k < colours; k++) {
      const j = (i * ch + k) * (wide ? 2 : 1);
      s += wide ? (px[j] << 8) | px[j + 1] : px[j];
    }
    values[i] = s / colours / max;
  }
  return { width: h.width, height: h.height, values };
}
