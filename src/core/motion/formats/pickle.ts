/**
 * Python pickles (protocol 2–5) with numpy arrays inside, as written by `pickle.dump`, `joblib.dump`
 * (uncompressed, zlib or gzip) and `torch`-free motion tools. The opcode machine is the `pickleparser`
 * package; the numpy part is ours: `ndarray` rebuilt from `_reconstruct` + its BUILD state (protocol 2–4),
 * `_frombuffer` (protocol 5), `scalar`, and joblib's `NumpyArrayWrapper`, whose raw bytes follow the pickle
 * opcode in the stream. Supported dtypes: little/big-endian float16/32/64, int8–64, uint8–64, bool.
 */
import { gunzipSync, unzlibSync } from 'fflate';
import { BufferReader, NameRegistry, Parser } from 'pickleparser';
import { fail } from '../../errors';
import { toCOrder } from '../npy';

/** A numpy array rebuilt from a pickle: numbers in C (row-major) order. */
export class NdArray {
  constructor(
    readonly shape: number[],
    readonly data: Float64Array,
    readonly dtype: string,
  ) {}
}

/** A Python object we do not rebuild (torch tensor, custom class): kept so a reader can name it. */
export class PyObject {
  constructor(
    readonly type: string,
    readonly args: unknown[] = [],
  ) {}
}

class DType {
  byteorder = '<';
  constructor(readonly code: string) {}
  __setstate__(state: unknown[]): void {
    if (Array.isArray(state) && typeof state[1] === 'string') this.byteorder = state[1];
  }
  get kind(): string {
    return this.code.replace(/^[<>|=]/, '')[0];
  }
  get size(): number {
    return Number(this.code.replace(/^[<>|=]/, '').slice(1)) || 1;
  }
  get name(): string {
    return `${this.byteorder === '>' ? '>' : '<'}${this.kind}${this.size}`;
  }
}

const NUMPY_MODULES = ['numpy.core.multiarray', 'numpy._core.multiarray', 'numpy.core.numeric', 'numpy._core.numeric'];

/** Decode an array: numbers (C order) for numeric dtypes, strings for unicode/bytes, else an opaque object. */
function decode(raw: Uint8Array, dt: DType, shape: number[], fortran: boolean, file: string): NdArray | string[] | PyObject {
  const count = shape.reduce((a, b) => a * b, 1);
  const kind = dt.kind,
    size = dt.size,
    little = dt.byteorder !== '>';
  if (kind === 'U' || kind === 'S') return strings(raw, kind, size, count, little);
  if (!'fiub'.includes(kind)) return new PyObject(`numpy array of dtype ${dt.code}`);
  if (raw.length < count * size) {
    fail('ParseError', file, 'numpy array', `array data is ${raw.length} bytes, shape (${shape}) of ${dt.code} needs ${count * size}`);
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  const get = reader(kind, size, dv, little, dt.code, file);
  for (let i = 0; i < count; i++) out[i] = get(i * size);
  return new NdArray([...shape], fortran ? toCOrder(out, shape) : out, dt.name);
}

/** Bytes per element of a dtype (unicode: 4 per character). */
const itemSize = (dt: DType): number => (dt.kind === 'U' ? 4 * dt.size : dt.size);

function strings(raw: Uint8Array, kind: string, size: number, count: number, little: boolean): string[] {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength),
    out: string[] = [];
  const item = kind === 'U' ? 4 * size : size;
  for (let i = 0; i < count && (i + 1) * item <= raw.length; i++) {
    let s = '';
    for (let c = 0; c < size; c++) {
      const cp = kind === 'U' ? dv.getUint32(i * item + c * 4, little) : raw[i * item + c];
      if (cp === 0) break;
      s += String.fromCodePoint(cp);
    }
    out.push(s);
  }
  return out;
}

function reader(kind: string, size: number, dv: DataView, le: boolean, code: string, file: string): (o: number) => number {
  if (kind === 'f' && size === 8) return (o) => dv.getFloat64(o, le);
  if (kind === 'f' && size === 4) return (o) => dv.getFloat32(o, le);
  if (kind === 'f' && size === 2) return (o) => half(dv.getUint16(o, le));
  if (kind === 'i' && size === 8) return (o) => Number(dv.getBigInt64(o, le));
  if (kind === 'i' && size === 4) return (o) => dv.getInt32(o, le);
  if (kind === 'i' && size === 2) return (o) => dv.getInt16(o, le);
  if ((kind === 'i' || kind === 'b') && size === 1) return (o) => (kind === 'b' ? dv.getUint8(o) : dv.getInt8(o));
  if (kind === 'u' && size === 8) return (o) => Number(dv.getBigUint64(o, le));
  if (kind === 'u' && size === 4) return (o) => dv.getUint32(o, le);
  if (kind === 'u' && size === 2) return (o) => dv.getUint16(o, le);
  if (kind === 'u' && size === 1) return (o) => dv.getUint8(o);
  return fail('ParseError', file, 'numpy array', `unsupported dtype "${code}"`);
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1,
    e = (h >> 10) & 0x1f,
    m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const toBytes = (v: unknown, file: string): Uint8Array => {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Uint8Array.from(v, (ch) => ch.charCodeAt(0) & 0xff); // latin-1
  return fail('ParseError', file, 'numpy array', 'array data is not a byte string');
};

const dims = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : [Number(v)]);

/** The pending array of `_reconstruct`, filled by BUILD. */
class PendingArray {
  array?: NdArray | string[] | PyObject;
  constructor(private readonly file: string) {}
  __setstate__(state: unknown[]): void {
    const [, shape, dt, fortran, raw] = state as [number, unknown, DType, boolean, unknown];
    if (Array.isArray(raw)) {
      this.array = new PyObject('numpy object array', raw);
      return;
    }
    this.array = decode(toBytes(raw, this.file), dt, dims(shape), !!fortran, this.file);
  }
}

function registry(file: string, stream: BufferReader): NameRegistry {
  const reg = new NameRegistry();
  for (const m of NUMPY_MODULES) {
    reg.register(m, '_reconstruct', () => new PendingArray(file));
    reg.register(m, 'scalar', (dt: DType, raw: unknown) => {
      const v = decode(toBytes(raw, file), dt, [], false, file);
      return v instanceof NdArray ? v.data[0] : Array.isArray(v) ? v[0] : v;
    });
    reg.register(m, '_frombuffer', (buf: unknown, dt: DType, shape: unknown, order: string) =>
      decode(toBytes(buf, file), dt, dims(shape), order === 'F', file),
    );
  }
  reg.register('numpy', 'dtype', (code: string) => new DType(String(code)));
  reg.register('numpy', 'ndarray', class NdArrayType {});
  reg.register('_codecs', 'encode', (s: string) => toBytes(s, file));
  reg.register('builtins', 'bytearray', (v?: unknown) => (v === undefined ? new Uint8Array(0) : toBytes(v, file)));
  reg.register('collections', 'OrderedDict', () => ({}));
  const joblib = class NumpyArrayWrapper {
    array?: NdArray | string[] | PyObject;
    __setstate__(s: Record<string, unknown>): void {
      this.array = readJoblibArray(s, stream, file, reg);
    }
  };
  reg.register('joblib.numpy_pickle', 'NumpyArrayWrapper', joblib);
  reg.register('sklearn.externals.joblib.numpy_pickle', 'NumpyArrayWrapper', joblib);
  const opaque = reg.onMissingName.bind(reg);
  reg.onMissingName = (module: string, name: string) => {
    if (/^torch\b/.test(module)) return (...args: unknown[]) => new PyObject(`${module}.${name}`, args);
    return opaque(module, name);
  };
  return reg;
}

/**
 * joblib: the array's bytes follow in the stream, after an optional padding-length byte and padding; an
 * object-dtype array follows as a nested protocol-2 pickle instead.
 */
function readJoblibArray(s: Record<string, unknown>, stream: BufferReader, file: string, reg: NameRegistry): NdArray | string[] | PyObject {
  const dt = s.dtype as DType;
  if (!(dt instanceof DType)) return fail('ParseError', file, `byte ${stream.position}`, 'joblib NumpyArrayWrapper without a dtype');
  if (dt.kind === 'O') {
    const inner = new Parser({ nameResolver: reg }).read(stream);
    return new PyObject('numpy object array', [settle(inner)]);
  }
  const shape = dims(s.shape);
  if (s.numpy_array_alignment_bytes != null) {
    const pad = stream.byte();
    if (pad) stream.skip(pad);
  }
  const count = shape.reduce((a, b) => a * b, 1),
    bytes = count * itemSize(dt);
  const at = stream.position;
  if (at + bytes > stream.length) {
    fail('ParseError', file, `byte ${at}`, `joblib array of shape (${shape}) runs past the end of the file`);
  }
  return decode(stream.bytes(bytes) as Uint8Array, dt, shape, s.order === 'F', file);
}

const isWrapper = (v: object): boolean => (v as { constructor?: { name?: string } }).constructor?.name === 'NumpyArrayWrapper';

/** Replace rebuilt arrays (pending, joblib wrappers) by NdArray, recursively. */
function settle(v: unknown, depth = 0): unknown {
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (v instanceof PendingArray || isWrapper(v)) return (v as PendingArray).array;
  if (v instanceof NdArray || v instanceof Uint8Array || v instanceof PyObject) return v;
  if (Array.isArray(v)) return v.map((x) => settle(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = settle(x, depth + 1);
  return out;
}

/**
 * Python 2 byte strings (STRING / BINSTRING opcodes) hold raw bytes (array data, keys): decode them as latin-1,
 * one char per byte, so `toBytes` gets the exact bytes back (the package decodes them as ASCII).
 */
class Latin1Reader extends BufferReader {
  override string(size: number, encoding: 'ascii' | 'utf-8'): string {
    if (encoding === 'utf-8') return super.string(size, encoding);
    const data = this.bytes(size);
    let s = '';
    for (let i = 0; i < data.length; i += 4096) s += String.fromCharCode(...data.subarray(i, i + 4096));
    return s;
  }
}

/** Unpickle `bytes` (zlib- or gzip-compressed joblib files are inflated first). ParseError on anything broken. */
export function unpickle(bytes: Uint8Array, file: string): unknown {
  let data = bytes;
  if (data[0] === 0x1f && data[1] === 0x8b) data = inflate(() => gunzipSync(bytes), file, 'gzip');
  else if (data[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(data[1])) data = inflate(() => unzlibSync(bytes), file, 'zlib');
  else if (data[0] === 0x5a && data[1] === 0x46)
    fail('ParseError', file, 'byte 0', 'joblib < 0.10 "ZF" compressed file: re-save it with a current joblib');
  else checkOtherCompression(data, file);
  if (data[0] !== 0x80 || data[1] < 2 || data[1] > 5) {
    fail('ParseError', file, 'byte 0', `not a Python pickle of protocol 2–5 (starts with 0x${hex(data[0])} 0x${hex(data[1])})`);
  }
  const stream = new Latin1Reader(data);
  const parser = new Parser({ nameResolver: registry(file, stream) });
  let value: unknown;
  try {
    value = parser.read(stream);
  } catch (e) {
    if ((e as { kind?: string }).kind) throw e;
    return fail('ParseError', file, `byte ${stream.position}`, `broken pickle: ${(e as Error).message}`);
  }
  return settle(value);
}

const hex = (b: number | undefined) => (b ?? 0).toString(16).padStart(2, '0');

function inflate(f: () => Uint8Array, file: string, kind: string): Uint8Array {
  try {
    return f();
  } catch (e) {
    return fail('ParseError', file, 'byte 0', `${kind}-compressed data is corrupt (${(e as Error).message})`);
  }
}

function checkOtherCompression(d: Uint8Array, file: string): void {
  if (d[0] === 0xfd && d[1] === 0x37)
    fail('ParseError', file, 'byte 0', 'xz/lzma-compressed joblib file: re-save with compress=("zlib", 3) or none');
  if (d[0] === 0x42 && d[1] === 0x5a)
    fail('ParseError', file, 'byte 0', 'bz2-compressed joblib file: re-save with compress=("zlib", 3) or none');
  if (d[0] === 0x04 && d[1] === 0x22)
    fail('ParseError', file, 'byte 0', 'lz4-compressed joblib file: re-save with compress=("zlib", 3) or none');
}
