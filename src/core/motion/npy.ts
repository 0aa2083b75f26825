/** Minimal .npy reader/writer: little-endian float32/float64/int32/int64 (C or Fortran order) and unicode strings. */
import { fail } from '../errors';
import { checkCount, LIMITS } from '../validate';

const printableShape = (s: string): string => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

export interface NpyArray {
  shape: number[];
  /** numbers in C (row-major) order */
  data: Float64Array;
  /** for '<U' string arrays */
  strings?: string[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, file: string, key: string): NpyArray {
  const where = `key ${key}`;
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('ParseError', file, where, 'not a .npy array');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + hlen > bytes.length) fail('ParseError', file, where, 'truncated .npy header');
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) fail('ParseError', file, where, `bad .npy header: ${header.trim()}`);
  const dims = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (dims.length > 8) fail('ParseError', file, where, `shape (${printableShape(shapeText!)}) has more than 8 dimensions`);
  const bad = dims.find((d) => !/^\d{1,10}$/.test(d));
  if (bad !== undefined)
    fail('ParseError', file, where, `shape (${printableShape(shapeText!)}): "${bad}" is not a non-negative integer size`);
  const shape = dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  checkCount(count, LIMITS.maxArrayElements, { file, where }, `element count of shape (${shape.join(', ')})`);
  const body = start + hlen;
  const m = /^([<>|=])([fiuU])(\d{1,3})$/.exec(descr!);
  if (!m || m[1] === '>') fail('ParseError', file, where, `unsupported dtype ${descr} (need little-endian float/int)`);
  const [, , kind, sizeText] = m!;
  const size = Number(sizeText);
  const itemBytes = kind === 'U' ? size * 4 : size;
  if (body + count * itemBytes > bytes.length)
    fail('ParseError', file, where, `truncated .npy data (${count} values of ${itemBytes} bytes, ${bytes.length - body} bytes present)`);
  if (kind === 'U') {
    const strings: string[] = [];
    for (let i = 0; i < count; i++) {
      let s = '';
      for (let c = 0; c < size; c++) {
        const o = body + (i * size + c) * 4;
        if (o + 4 > bytes.length) fail('ParseError', file, where, 'truncated .npy data');
        const cp = dv.getUint32(o, true);
        if (cp === 0) break;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
          fail('ParseError', file, `${where}, string ${i}`, `invalid code point 0x${cp.toString(16)} in a unicode string`);
        s += String.fromCodePoint(cp);
      }
      strings.push(s);
    }
    return { shape, data: new Float64Array(0), strings };
  }
  if (body + count * size > bytes.length) fail('ParseError', file, where, `truncated .npy data (${count} values of ${size} bytes)`);
  const raw = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = body + i * size;
    if (kind === 'f' && size === 4) raw[i] = dv.getFloat32(o, true);
    else if (kind === 'f' && size === 8) raw[i] = dv.getFloat64(o, true);
    else if (kind === 'i' && size === 4) raw[i] = dv.getInt32(o, true);
    else if (kind === 'i' && size === 8) raw[i] = Number(dv.getBigInt64(o, true));
    else if (kind === 'u' && size === 1) raw[i] = bytes[o];
    else fail('ParseError', file, where, `unsupported dtype ${descr}`);
  }
  return { shape, data: fortran ? toCOrder(raw, shape) : raw };
}

/** Fortran (column-major) → C (row-major) order. */
export function toCOrder(src: Float64Array, shape: number[]): Float64Array {
  const n = shape.length;
  if (n < 2) return src;
  const out = new Float64Array(src.length);
  const idx = new Array<number>(n).fill(0);
  for (let c = 0; c < src.length; c++) {
    // c-order linear index c → multi-index; fortran linear index
    let rem = c;
    for (let d = n - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    let f = 0;
    for (let d = n - 1; d >= 0; d--) f = f * shape[d] + idx[d];
    out[c] = src[f];
  }
  return out;
}

function header(descr: string, shape: number[]): Uint8Array {
  const sh = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${sh}, }`;
  const total = 10 + h.length + 1;
  h += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + h.length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(new TextEncoder().encode(h), 10);
  return out;
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** Write a C-order array: '<f4' (Float32Array), '<f8' (Float64Array) or '<i8' (Int32Array values widened). */
export function writeNpy(data: Float32Array | Float64Array | Int32Array, shape: number[]): Uint8Array {
  if (data instanceof Int32Array) {
    const body = new Uint8Array(data.length * 8);
    const dv = new DataView(body.buffer);
    data.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
    return concat(header('<i8', shape), body);
  }
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const copy = data.slice();
  return concat(header(descr, shape), new Uint8Array(copy.buffer));
}

/** Write a 1-D unicode string array ('<U{n}'). */
export function writeNpyStrings(strings: string[]): Uint8Array {
  const size = Math.max(1, ...strings.map((s) => [...s].length));
  const body = new Uint8Array(strings.length * size * 4);
  const dv = new DataView(body.buffer);
  strings.forEach((s, i) => [...s].forEach((ch, c) => dv.setUint32((i * size + c) * 4, ch.codePointAt(0)!, true)));
  return concat(header(`<U${size}`, [strings.length]), body);
}
