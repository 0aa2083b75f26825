/**
 * Protobuf wire-format primitives for rewriting ONNX ModelProto bytes (batch-dim.ts: symbolic batch; external.ts:
 * external weights inlined): a message's fields as byte spans, varints, and length-delimited fields re-encoded.
 * Reading the parts we need lives in onnx.ts; these helpers serve the writers.
 */
import { fail } from '../errors';

export const WIRE_VARINT = 0,
  WIRE_I64 = 1,
  WIRE_LEN = 2,
  WIRE_I32 = 5;

/** One field of a message: its whole span (tag included) and, when length-delimited, its payload. */
export interface Field {
  field: number;
  wire: number;
  start: number;
  end: number;
  body: [number, number] | null;
}

/** The varint at `pos` (before `end`) and the position after it. */
export function varintAt(buf: Uint8Array, pos: number, end: number, file: string): [number, number] {
  let v = 0,
    mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) fail('ParseError', file, `byte ${pos}`, 'truncated varint (not a valid ONNX model?)');
    const b = buf[pos++];
    v += (b & 0x7f) * mul;
    if (b < 0x80) return [v, pos];
    mul *= 128;
  }
  return fail('ParseError', file, `byte ${pos}`, 'varint longer than 10 bytes (not a valid ONNX model?)');
}

/** The fields of one message (bytes start..end), in order. */
export function fieldsOf(buf: Uint8Array, start: number, end: number, file: string): Field[] {
  const out: Field[] = [];
  let pos = start;
  while (pos < end) {
    const at = pos;
    const [tag, p] = varintAt(buf, pos, end, file);
    pos = p;
    const field = Math.floor(tag / 8),
      wire = tag & 7;
    let body: [number, number] | null = null;
    if (wire === WIRE_VARINT) pos = varintAt(buf, pos, end, file)[1];
    else if (wire === WIRE_I64) pos += 8;
    else if (wire === WIRE_I32) pos += 4;
    else if (wire === WIRE_LEN) {
      const [len, q] = varintAt(buf, pos, end, file);
      body = [q, q + len];
      pos = q + len;
    } else fail('ParseError', file, `byte ${at}`, `unsupported wire type ${wire} (not a valid ONNX model?)`);
    if (pos > end) fail('ParseError', file, `byte ${at}`, 'field runs past the end of its message (not a valid ONNX model?)');
    out.push({ field, wire, start: at, end: pos, body });
  }
  return out;
}

/** The value of a varint field (its tag skipped). */
export const varintValue = (buf: Uint8Array, f: Field, file: string): number =>
  varintAt(buf, varintAt(buf, f.start, f.end, file)[1], f.end, file)[0];

export function encVarint(v: number): number[] {
  const out: number[] = [];
  let x = v;
  while (x >= 0x80) {
    out.push((x % 128) | 0x80);
    x = Math.floor(x / 128);
  }
  out.push(x);
  return out;
}

/** A length-delimited field `field` holding `parts` (concatenated), as byte arrays. */
export function lenField(field: number, ...parts: Uint8Array[]): Uint8Array[] {
  const len = parts.reduce((s, p) => s + p.length, 0);
  return [Uint8Array.from([...encVarint(field * 8 + WIRE_LEN), ...encVarint(len)]), ...parts];
}
