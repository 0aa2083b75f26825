/**
 * A small WebM (EBML) reader for what a recording's length is: the Segment Info Duration when written (browsers'
 * MediaRecorder usually leaves it out), and the first and last block timecodes (cluster timecode + the block's
 * relative one) scaled by TimecodeScale. No DOM: the browser tests run it in Node on the downloaded file.
 */
import { fail } from '../../core/errors';

export interface WebmTiming {
  /** Segment Info Duration, s (null: not written) */
  duration: number | null;
  /** first and last block timecodes, s */
  firstBlock: number;
  lastBlock: number;
  blocks: number;
}

/** elements whose children are read (the rest are skipped by their size) */
const MASTERS = new Set([0x18538067, 0x1f43b675, 0xa0, 0x1549a966]);
const CLUSTER_TIMECODE = 0xe7,
  SIMPLE_BLOCK = 0xa3,
  BLOCK = 0xa1,
  TIMECODE_SCALE = 0x2ad7b1,
  DURATION = 0x4489;

/** A variable-length integer at `at`: its value (marker bit removed unless `keepMarker`), its length, unknown size. */
function vint(b: Uint8Array, at: number, keepMarker: boolean, file: string): { value: number; len: number; unknown: boolean } {
  const first = b[at];
  if (first === undefined) return fail('ParseError', file, `byte ${at}`, 'the file ends inside an element header');
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8) return fail('ParseError', file, `byte ${at}`, 'not an EBML variable-length integer');
  let value = keepMarker ? first : first & (0xff >> len);
  let ones = value === 0xff >> len;
  for (let k = 1; k < len; k++) {
    const x = b[at + k];
    if (x === undefined) return fail('ParseError', file, `byte ${at + k}`, 'the file ends inside an element header');
    value = value * 256 + x;
    ones &&= x === 0xff;
  }
  return { value, len, unknown: !keepMarker && ones };
}

const uint = (b: Uint8Array, at: number, n: number): number => {
  let v = 0;
  for (let k = 0; k < n; k++) v = v * 256 + b[at + k];
  return v;
};

function float(b: Uint8Array, at: number, n: number): number {
  const v = new DataView(b.buffer, b.byteOffset + at, n);
  return n === 4 ? v.getFloat32(0) : v.getFloat64(0);
}

/** Timing of a WebM file (ParseError when it is not one). */
export function webmTiming(b: Uint8Array, file = 'video.webm'): WebmTiming {
  if (uint(b, 0, 4) !== 0x1a45dfa3) fail('ParseError', file, 'byte 0', 'not a WebM/EBML file (no EBML header)');
  let scale = 1e6,
    duration: number | null = null,
    cluster = 0,
    first = Infinity,
    last = -Infinity,
    blocks = 0;
  for (let at = 0; at < b.length;) {
    const id = vint(b, at, true, file);
    const size = vint(b, at + id.len, false, file);
    const data = at + id.len + size.len;
    const end = size.unknown ? b.length : Math.min(b.length, data + size.value);
    if (MASTERS.has(id.value)) {
      at = data;
      continue;
    }
    if (id.value === TIMECODE_SCALE) scale = uint(b, data, end - data);
    else if (id.value === DURATION) duration = float(b, data, end - data);
    else if (id.value === CLUSTER_TIMECODE) cluster = uint(b, data, end - data);
    else if ((id.value === SIMPLE_BLOCK || id.value === BLOCK) && end - data >= 4) {
      const track = vint(b, data, false, file);
      const raw = uint(b, data + track.len, 2);
      const t = cluster + (raw >= 0x8000 ? raw - 0x10000 : raw);
      first = Math.min(first, t);
      last = Math.max(last, t);
      blocks++;
    }
    at = end;
  }
  if (!blocks) fail('ParseError', file, 'clusters', 'no video blocks in the file');
  const s = scale / 1e9;
  return { duration: duration === null ? null : duration * s, firstBlock: first * s, lastBlock: last * s, blocks };
}
