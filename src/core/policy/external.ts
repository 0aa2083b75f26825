/**
 * ONNX models with external data (PyTorch's newer exporter: `policy.onnx` + `policy.onnx.data`, opset 18):
 * the initializers name a file (TensorProto external_data "location", "offset", "length"). inlineExternalData
 * copies those bytes into the initializers (raw_data) and returns one self-contained model, so every later
 * step (config, sessions in workers and the app) takes plain model bytes. A file the model needs but was not
 * given is a PolicyError naming it.
 */
import { concatBytes } from '../bytes';
import { fail } from '../errors';
import { readOnnxInfo } from './onnx';
import { fieldsOf, lenField, varintValue } from './protobuf';

/** element sizes of TensorProto.DataType (bytes) */
const ELEM_SIZE: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

const utf8 = new TextDecoder();
const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

/** One initializer TensorProto with its external bytes moved into raw_data (unchanged when not external). */
function inlineTensor(buf: Uint8Array, from: number, to: number, file: string, files: Map<string, Uint8Array>): Uint8Array {
  const fs = fieldsOf(buf, from, to, file);
  const ext: Record<string, string> = {};
  let dtype = 0,
    count = 1,
    external = false;
  for (const f of fs) {
    if (f.field === 13 && f.body) {
      let k = '',
        v = '';
      for (const g of fieldsOf(buf, f.body[0], f.body[1], file)) {
        if (g.body && g.field === 1) k = utf8.decode(buf.subarray(g.body[0], g.body[1]));
        if (g.body && g.field === 2) v = utf8.decode(buf.subarray(g.body[0], g.body[1]));
      }
      ext[k] = v;
    } else if (f.field === 14 && f.wire === 0) external = varintValue(buf, f, file) === 1;
    else if (f.field === 2 && f.wire === 0) dtype = varintValue(buf, f, file);
    else if (f.field === 1 && f.wire === 0) count *= varintValue(buf, f, file);
  }
  if (!external && ext.location === undefined) return buf.subarray(from, to);
  const loc = ext.location ?? fail('PolicyError', file, 'initializer external_data', 'external data without a "location"');
  const data =
    files.get(baseName(loc)) ??
    fail(
      'PolicyError',
      file,
      `external data "${loc}"`,
      `the model keeps its weights in "${baseName(loc)}": give that file too (beside the .onnx, or dropped / picked together with it)`,
    );
  const offset = Number(ext.offset ?? 0);
  const length = ext.length !== undefined ? Number(ext.length) : count * (ELEM_SIZE[dtype] ?? 4);
  if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= data.length)) {
    fail(
      'PolicyError',
      baseName(loc),
      `bytes ${offset}..${offset + length}`,
      `the model reads past the end of "${baseName(loc)}" (${data.length} bytes)`,
    );
  }
  const kept = fs.filter((f) => f.field !== 13 && f.field !== 14 && f.field !== 9).map((f) => buf.subarray(f.start, f.end));
  return concatBytes([...kept, ...lenField(9, data.subarray(offset, offset + length))]);
}

/** Rewrite a message: fields `field` (length-delimited) replaced by `edit(body)`. */
function rewrite(
  buf: Uint8Array,
  from: number,
  to: number,
  file: string,
  field: number,
  edit: (a: number, b: number) => Uint8Array,
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fieldsOf(buf, from, to, file)) {
    if (f.field === field && f.body) parts.push(...lenField(field, edit(f.body[0], f.body[1])));
    else parts.push(buf.subarray(f.start, f.end));
  }
  return concatBytes(parts);
}

/**
 * The external-data files the model names (empty: none); a PolicyError naming those missing from `given`
 * (matched by base name).
 */
export function requireExternalFiles(bytes: Uint8Array, file: string, given: { path: string }[]): string[] {
  const need = readOnnxInfo(bytes, file).externalFiles;
  const have = new Set(given.map((g) => baseName(g.path)));
  const missing = need.filter((n) => !have.has(baseName(n)));
  if (missing.length) {
    fail(
      'PolicyError',
      file,
      'external data',
      `the model keeps its weights in ${missing.map((m) => `"${baseName(m)}"`).join(', ')}: give that file too (beside the .onnx, or dropped / picked together with it)`,
    );
  }
  return need;
}

/**
 * The model with every external initializer's bytes inlined. `files`: the external files by name (their
 * base names are matched). Returns `bytes` itself when the model has no external data.
 */
export function inlineExternalData(bytes: Uint8Array, file: string, files: { path: string; data: Uint8Array }[]): Uint8Array {
  if (!requireExternalFiles(bytes, file, files).length) return bytes;
  const byName = new Map(files.map((f) => [baseName(f.path), f.data] as const));
  return rewrite(bytes, 0, bytes.length, file, 7, (a, b) =>
    rewrite(bytes, a, b, file, 5, (c, d) => inlineTensor(bytes, c, d, file, byName)),
  );
}

/** The external files a model needs (base names), [] when none. */
export const externalFilesOf = (bytes: Uint8Array, file: string): string[] => readOnnxInfo(bytes, file).externalFiles.map(baseName);
