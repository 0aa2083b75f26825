/**
 * Recurrent exports (GRU / LSTM: Isaac Lab's rsl_rl exporter `h_in`/`h_out` (+ `c_in`/`c_out`),
 * humanoid-policy-viewer's `adapt_hx`, `hx`/`cx`...): a state input is paired with the output of the same
 * shape whose name is the input's with in/out, next, new or prev swapped; a single leftover input/output of
 * the same shape is paired too. The session feeds the state back each step (zeros at reset).
 */
import type { RecurrentState } from '../config';
import type { OnnxInfo, OnnxValueInfo } from '../onnx';

const stem = (name: string): string =>
  name
    .toLowerCase()
    .replace(/(^|[_.\-/])(in|out|input|output|next|new|prev|previous|old|t|t1|tp1)(?=$|[_.\-/])/g, '$1')
    .replace(/[_.\-/]+/g, '_')
    .replace(/^_|_$/g, '');

const sameShape = (a: OnnxValueInfo, b: OnnxValueInfo): boolean =>
  a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i] || typeof d !== 'number' || typeof b.dims[i] !== 'number');

/** per-env shape: the dims without the batch axis (a symbolic dim, else axis 1 of a rank-3 RNN state, else 0) */
function perEnvShape(v: OnnxValueInfo): number[] {
  const sym = v.dims.findIndex((d) => typeof d !== 'number');
  const axis = sym >= 0 ? sym : v.dims.length === 3 ? 1 : 0;
  return v.dims.filter((_, i) => i !== axis).map((d) => (typeof d === 'number' ? d : 1));
}

/** Recurrent state pairs among the graph's inputs other than `taken` (observation, time step). */
export function detectRecurrent(info: OnnxInfo, taken: string[], actionOutput: string): RecurrentState[] {
  const ins = info.inputs.filter((i) => !taken.includes(i.name));
  const outs = info.outputs.filter((o) => o.name !== actionOutput);
  const pairs: RecurrentState[] = [];
  const used = new Set<string>();
  for (const i of ins) {
    const o = outs.find((c) => !used.has(c.name) && c.name !== i.name && stem(c.name) === stem(i.name) && sameShape(i, c));
    if (o) {
      used.add(o.name);
      pairs.push({ input: i.name, output: o.name, shape: perEnvShape(i) });
    }
  }
  const leftIn = ins.filter((i) => !pairs.some((p) => p.input === i.name));
  const leftOut = outs.filter((o) => !used.has(o.name) && sameShape(o, leftIn[0] ?? o));
  if (leftIn.length === 1 && leftOut.length === 1 && sameShape(leftIn[0], leftOut[0])) {
    pairs.push({ input: leftIn[0].name, output: leftOut[0].name, shape: perEnvShape(leftIn[0]) });
  }
  return pairs;
}
