/**
 * A minimal protobuf reader for ONNX ModelProto: graph inputs/outputs with their shapes, metadata_props and
 * the default-domain opset. onnxruntime-web does not expose metadata_props, so we decode them ourselves.
 * Initializers (the weights, almost all of the bytes) are skipped by length; only their names are read so
 * that old exports (IR < 4) that list initializers among the graph inputs are filtered.
 */
import { fail } from '../errors';

export interface OnnxValueInfo {
  name: string;
  /** numbers for fixed dims, strings for symbolic ones ("batch"), '?' when unknown */
  dims: (number | string)[];
  /** ONNX TensorProto.DataType (1 = float32), 0 when not a tensor */
  elemType: number;
}

export interface OnnxInfo {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  metadata: Record<string, string>;
  /** default-domain ("" / ai.onnx) opset version, 0 when absent */
  opset: number;
  irVersion: number;
  producer: string;
  /** files the initializers keep their data in (TensorProto external_data "location"), in first-use order */
  externalFiles: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A cursor over one protobuf message (a slice of the file); positions are absolute file offsets. */
class Reader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly file: string,
    readonly what: string,
  ) {}

  bad(detail: string, at = this.pos): never {
    return fail('ParseError', this.file, `byte ${at}`, `${detail} (in ${this.what}; not a valid ONNX model?)`);
  }

  more(): boolean {
    return this.pos < this.end;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.bad('truncated varint', start);
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    return this.bad('varint longer than 10 bytes', start);
  }

  /** returns [fieldNumber, wireType] */
  tag(): [number, number] {
    const at = this.pos;
    const t = this.varint();
    const field = Math.floor(t / 8);
    const wire = t & 7;
    if (field === 0) this.bad('field number 0', at);
    if (wire !== 0 && wire !== 1 && wire !== 2 && wire !== 5) this.bad(`unsupported wire type ${wire}`, at);
    return [field, wire];
  }

  /** length-delimited field → sub-reader over its bytes */
  sub(what: string): Reader {
    const at = this.pos;
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) this.bad(`length ${len} runs past the end (${this.end - start} bytes left)`, at);
    this.pos = start + len;
    return new Reader(this.buf, start, start + len, this.file, what);
  }

  string(what: string): string {
    const r = this.sub(what);
    return utf8.decode(this.buf.subarray(r.pos, r.end));
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.jump(8);
    else if (wire === 5) this.jump(4);
    else this.sub('skipped field');
  }

  private jump(n: number): void {
    if (this.pos + n > this.end) this.bad(`fixed field runs past the end`);
    this.pos += n;
  }

  expect(wire: number, want: number, field: string): void {
    if (wire !== want) this.bad(`field ${field} has wire type ${wire}, expected ${want}`);
  }
}

function readShape(r: Reader): (number | string)[] {
  const dims: (number | string)[] = [];
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1 && w === 2) {
      const d = r.sub('TensorShapeProto.Dimension');
      let dim: number | string = '?';
      while (d.more()) {
        const [g, v] = d.tag();
        if (g === 1 && v === 0) dim = d.varint();
        else if (g === 2 && v === 2) dim = d.string('dim_param') || '?';
        else d.skip(v);
      }
      dims.push(dim);
    } else r.skip(w);
  }
  return dims;
}

function readValueInfo(r: Reader): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', dims: [], elemType: 0 };
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(w, 2, 'ValueInfoProto.name');
      info.name = r.string('ValueInfoProto.name');
    } else if (f === 2 && w === 2) {
      const t = r.sub('TypeProto');
      while (t.more()) {
        const [g, v] = t.tag();
        if (g === 1 && v === 2) {
          const tt = t.sub('TypeProto.Tensor');
          while (tt.more()) {
            const [h, x] = tt.tag();
            if (h === 1 && x === 0) info.elemType = tt.varint();
            else if (h === 2 && x === 2) info.dims = readShape(tt.sub('TensorShapeProto'));
            else tt.skip(x);
          }
        } else t.skip(v);
      }
    } else r.skip(w);
  }
  return info;
}

/** StringStringEntryProto (a tensor's external_data entry, a model's metadata_props entry): [key, value]. */
function readEntry(e: Reader, what: string): [string, string] {
  let key = '',
    value = '';
  while (e.more()) {
    const [g, v] = e.tag();
    if (g === 1 && v === 2) key = e.string(`${what} key`);
    else if (g === 2 && v === 2) value = e.string(`${what} value`);
    else e.skip(v);
  }
  return [key, value];
}

/** TensorProto: the name (field 8) and an external-data location (field 13); raw_data is skipped by length. */
function readTensor(r: Reader): { name: string; location: string | null } {
  let name = '';
  let location: string | null = null;
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 8 && w === 2) name = r.string('TensorProto.name');
    else if (f === 13 && w === 2) {
      const [key, value] = readEntry(r.sub('TensorProto.external_data'), 'external_data');
      if (key === 'location') location = value;
    } else r.skip(w);
  }
  return { name, location };
}

function readGraph(r: Reader, out: OnnxInfo): void {
  const inits = new Set<string>();
  const inputs: OnnxValueInfo[] = [];
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 5 && w === 2) {
      const t = readTensor(r.sub('GraphProto.initializer'));
      inits.add(t.name);
      if (t.location !== null && !out.externalFiles.includes(t.location)) out.externalFiles.push(t.location);
    } else if (f === 11 && w === 2) inputs.push(readValueInfo(r.sub('GraphProto.input')));
    else if (f === 12 && w === 2) out.outputs.push(readValueInfo(r.sub('GraphProto.output')));
    else r.skip(w);
  }
  out.inputs = inputs.filter((i) => !inits.has(i.name));
}

/** Decode the parts of an ONNX ModelProto we need. Corrupt or truncated bytes → ParseError naming the byte. */
export function readOnnxInfo(bytes: Uint8Array, file: string): OnnxInfo {
  const out: OnnxInfo = { inputs: [], outputs: [], metadata: {}, opset: 0, irVersion: 0, producer: '', externalFiles: [] };
  if (bytes.length === 0) fail('ParseError', file, 'byte 0', 'empty file (not an ONNX model)');
  const r = new Reader(bytes, 0, bytes.length, file, 'ModelProto');
  let sawGraph = false;
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1 && w === 0) out.irVersion = r.varint();
    else if (f === 2 && w === 2) out.producer = r.string('producer_name');
    else if (f === 7) {
      r.expect(w, 2, 'ModelProto.graph');
      readGraph(r.sub('GraphProto'), out);
      sawGraph = true;
    } else if (f === 8 && w === 2) {
      const o = r.sub('OperatorSetIdProto');
      let domain = '';
      let version = 0;
      while (o.more()) {
        const [g, v] = o.tag();
        if (g === 1 && v === 2) domain = o.string('domain');
        else if (g === 2 && v === 0) version = o.varint();
        else o.skip(v);
      }
      if (domain === '' || domain === 'ai.onnx') out.opset = version;
    } else if (f === 14 && w === 2) {
      const [key, value] = readEntry(r.sub('StringStringEntryProto'), 'metadata');
      out.metadata[key] = value;
    } else r.skip(w);
  }
  if (!sawGraph) fail('ParseError', file, `byte ${bytes.length}`, 'no graph in the model (not an ONNX model?)');
  if (out.inputs.length === 0) fail('ParseError', file, 'graph', 'the graph has no inputs');
  if (out.outputs.length === 0) fail('ParseError', file, 'graph', 'the graph has no outputs');
  return out;
}

/** Product of the fixed dims after the first (the batch); symbolic dims count as unknown (-1). */
export function featureSize(v: OnnxValueInfo): number {
  let s = 1;
  for (const d of v.dims.slice(1)) {
    if (typeof d !== 'number') return -1;
    s *= d;
  }
  return v.dims.length <= 1 ? (typeof v.dims[0] === 'number' ? v.dims[0] : -1) : s;
}
