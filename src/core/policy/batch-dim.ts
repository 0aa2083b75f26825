/**
 * Batched inference for exports whose graph fixes the batch at 1 (the shared dance policy does): rewrite the
 * ModelProto so that the first dim of every graph input and output that is 1 becomes the symbolic dim "batch",
 * and drop the graph's intermediate value_info (shape hints that would still say 1; onnxruntime infers them
 * again). Everything else — nodes, initializers (the weights), metadata — is copied byte for byte.
 *
 * Whether the rewritten graph really computes per-env results (a Reshape to a constant [1, -1] would not) is
 * not knowable from the shapes alone: the session checks it by running a batch against per-env runs and keeps the
 * per-env path, with a note, when they differ.
 */
import { concatBytes } from '../bytes';
import { encVarint, fieldsOf, lenField, varintValue, WIRE_LEN, WIRE_VARINT, type Field } from './protobuf';

const enc = new TextEncoder();
/** Dimension { dim_param: "batch" } */
const BATCH_DIM = (() => {
  const name = enc.encode('batch');
  return Uint8Array.from([...encVarint(2 * 8 + WIRE_LEN), ...encVarint(name.length), ...name]);
})();

/** Rewrites one message: `edit(field)` returns replacement parts, or null to keep the field's bytes. */
function rewrite(buf: Uint8Array, start: number, end: number, file: string, edit: (f: Field) => Uint8Array[] | null): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const f of fieldsOf(buf, start, end, file)) parts.push(...(edit(f) ?? [buf.subarray(f.start, f.end)]));
  return parts;
}

const isLen = (f: Field, n: number) => f.field === n && f.wire === WIRE_LEN && f.body !== null;

/** Dimension message bytes → is it the fixed value 1? */
function isDimOne(buf: Uint8Array, f: Field, file: string): boolean {
  const fs = fieldsOf(buf, f.body![0], f.body![1], file);
  const v = fs.find((x) => x.field === 1 && x.wire === WIRE_VARINT);
  return v !== undefined && varintValue(buf, v, file) === 1;
}

/** ValueInfoProto → the same with its first dim 1 made symbolic; `hit` reports the change. */
function symbolicValueInfo(buf: Uint8Array, vi: Field, file: string, hit: () => void): Uint8Array[] {
  const shape = (sf: Field): Uint8Array[] | null => {
    let first = true;
    const dims = rewrite(buf, sf.body![0], sf.body![1], file, (d) => {
      if (!isLen(d, 1)) return null;
      const was = first;
      first = false;
      if (!was || !isDimOne(buf, d, file)) return null;
      hit();
      return lenField(1, BATCH_DIM);
    });
    return lenField(2, ...dims);
  };
  const tensor = (tf: Field) => lenField(1, ...rewrite(buf, tf.body![0], tf.body![1], file, (g) => (isLen(g, 2) ? shape(g) : null)));
  const type = (tf: Field) => lenField(2, ...rewrite(buf, tf.body![0], tf.body![1], file, (g) => (isLen(g, 1) ? tensor(g) : null)));
  return rewrite(buf, vi.body![0], vi.body![1], file, (g) => (isLen(g, 2) ? type(g) : null));
}

export interface BatchRewrite {
  bytes: Uint8Array;
  /** inputs and outputs whose batch dim was made symbolic */
  changed: string[];
}

const nameOf = (buf: Uint8Array, vi: Field, file: string): string => {
  const n = fieldsOf(buf, vi.body![0], vi.body![1], file).find((g) => isLen(g, 1));
  return n ? new TextDecoder().decode(buf.subarray(n.body![0], n.body![1])) : '?';
};

/**
 * The model with a symbolic batch dim on every graph input/output whose first dim is 1 (and the graph's
 * value_info dropped), or null when no input has a fixed batch of 1.
 */
export function withSymbolicBatch(bytes: Uint8Array, file: string): BatchRewrite | null {
  const changed: string[] = [];
  const initNames = (gf: Field): Set<string> =>
    new Set(
      fieldsOf(bytes, gf.body![0], gf.body![1], file)
        .filter((f) => isLen(f, 5))
        .map((f) => {
          const n = fieldsOf(bytes, f.body![0], f.body![1], file).find((g) => g.field === 8 && g.wire === WIRE_LEN);
          return n ? new TextDecoder().decode(bytes.subarray(n.body![0], n.body![1])) : '';
        }),
    );
  const graph = (gf: Field): Uint8Array[] => {
    const weights = initNames(gf);
    return lenField(7, ...rewrite(bytes, gf.body![0], gf.body![1], file, (f) => edit(f, weights)));
  };
  const edit = (f: Field, weights: Set<string>): Uint8Array[] | null => {
    if (f.field === 13 && f.wire === WIRE_LEN) return []; // value_info: re-inferred by the runtime
    if (!isLen(f, 11) && !isLen(f, 12)) return null;
    // old exports (IR < 4) list the weights among the inputs: those keep their shapes
    if (f.field === 11 && weights.has(nameOf(bytes, f, file))) return null;
    let hit = false;
    const parts = symbolicValueInfo(bytes, f, file, () => {
      hit = true;
    });
    if (!hit) return null;
    changed.push(nameOf(bytes, f, file));
    return lenField(f.field, ...parts);
  };
  const parts = rewrite(bytes, 0, bytes.length, file, (f) => (isLen(f, 7) ? graph(f) : null));
  if (changed.length === 0) return null;
  return { bytes: concatBytes(parts), changed };
}
