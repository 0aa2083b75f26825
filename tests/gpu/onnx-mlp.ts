/**
 * A tiny ONNX model written byte by byte (protobuf): actions = Tanh(obs·W1 + b1)·W2 + b2, seeded weights.
 * Input `obs` [batch, nIn] (batch symbolic, or fixed 1), output `actions` [batch, nOut]. Opset 13, IR 7.
 */
import { rng } from '../../src/core/math';
import { encVarint } from '../../src/core/policy/protobuf';

const enc = new TextEncoder();

const key = (field: number, wire: number) => encVarint(field * 8 + wire);
const vint = (field: number, v: number) => [...key(field, 0), ...encVarint(v)];
const bytes = (field: number, b: ArrayLike<number>) => [...key(field, 2), ...encVarint(b.length), ...Array.from(b)];
const str = (field: number, s: string) => bytes(field, enc.encode(s));

function tensor(name: string, dims: number[], data: Float32Array): number[] {
  return [...dims.flatMap((d) => vint(1, d)), ...vint(2, 1), ...str(8, name), ...bytes(9, new Uint8Array(data.buffer))];
}

function valueInfo(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? vint(1, d) : str(2, d)));
  const tensorType = [...vint(1, 1), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(op: string, inputs: string[], output: string): number[] {
  return [...inputs.flatMap((i) => str(1, i)), ...str(2, output), ...str(3, `${op}_${output}`), ...str(4, op)];
}

export interface Mlp {
  bytes: Uint8Array;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  nIn: number;
  nHidden: number;
  nOut: number;
}

export function makeMlp(nIn: number, nHidden: number, nOut: number, seed: number, batch: number | string = 'batch'): Mlp {
  const r = rng(seed);
  const rand = (k: number, s: number) => Float32Array.from({ length: k }, () => (r() * 2 - 1) * s);
  const w1 = rand(nIn * nHidden, 1 / Math.sqrt(nIn)),
    b1 = rand(nHidden, 0.1);
  const w2 = rand(nHidden * nOut, 1 / Math.sqrt(nHidden)),
    b2 = rand(nOut, 0.1);
  const graph = [
    ...bytes(1, node('MatMul', ['obs', 'W1'], 'h0')),
    ...bytes(1, node('Add', ['h0', 'B1'], 'h1')),
    ...bytes(1, node('Tanh', ['h1'], 'h2')),
    ...bytes(1, node('MatMul', ['h2', 'W2'], 'a0')),
    ...bytes(1, node('Add', ['a0', 'B2'], 'actions')),
    ...str(2, 'mlp'),
    ...bytes(5, tensor('W1', [nIn, nHidden], w1)),
    ...bytes(5, tensor('B1', [nHidden], b1)),
    ...bytes(5, tensor('W2', [nHidden, nOut], w2)),
    ...bytes(5, tensor('B2', [nOut], b2)),
    ...bytes(11, valueInfo('obs', [batch, nIn])),
    ...bytes(12, valueInfo('actions', [batch, nOut])),
  ];
  const model = [...vint(1, 7), ...str(2, 'mimic-bench tests'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...vint(2, 13)])];
  return { bytes: Uint8Array.from(model), w1, b1, w2, b2, nIn, nHidden, nOut };
}

/** The same network in plain JS (float64), one row. */
export function mlpForward(m: Mlp, x: ArrayLike<number>, xo = 0): Float64Array {
  const h = new Float64Array(m.nHidden),
    y = new Float64Array(m.nOut);
  for (let j = 0; j < m.nHidden; j++) {
    let s = m.b1[j];
    for (let i = 0; i < m.nIn; i++) s += x[xo + i] * m.w1[i * m.nHidden + j];
    h[j] = Math.tanh(s);
  }
  for (let k = 0; k < m.nOut; k++) {
    let s = m.b2[k];
    for (let j = 0; j < m.nHidden; j++) s += h[j] * m.w2[j * m.nOut + k];
    y[k] = s;
  }
  return y;
}
