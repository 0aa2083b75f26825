/**
 * Recurrent state of a policy session (GRU / LSTM exports), per env: gathered into the model's layout (the
 * batch axis where the graph has it: a symbolic dim, else axis 1 of a [layers, batch, hidden] RNN state, else
 * axis 0) before a run and scattered back from the state output after it.
 */
import { fail } from '../errors';
import type { RecurrentState } from './config';

const prod = (a: number[]): number => a.reduce((s, x) => s * x, 1);

/** Per-env recurrent state of one state input/output pair; the batch axis is where n goes in the tensor. */
export class RecurrentSlot {
  readonly per: number;
  readonly outer: number;
  readonly inner: number;
  data = new Float32Array(0);

  constructor(
    readonly spec: RecurrentState,
    readonly dims: readonly (number | string)[],
    readonly batchAxis: number,
  ) {
    this.per = prod(spec.shape);
    this.outer = prod(spec.shape.slice(0, batchAxis));
    this.inner = this.per / Math.max(1, this.outer);
  }

  ensure(n: number): void {
    if (this.data.length !== n * this.per) this.data = new Float32Array(n * this.per);
  }

  /** state of envs [env, env + rows) as a tensor of the model's layout */
  gather(env: number, rows: number): Float32Array {
    const out = new Float32Array(rows * this.per);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < this.outer; o++) {
        const src = (env + r) * this.per + o * this.inner;
        out.set(this.data.subarray(src, src + this.inner), o * rows * this.inner + r * this.inner);
      }
    }
    return out;
  }

  scatter(values: Float32Array, env: number, rows: number, file: string): void {
    if (values.length !== rows * this.per) {
      fail(
        'PolicyError',
        file,
        `output ${this.spec.output}`,
        `returned ${values.length} values for ${rows} env(s) × ${this.per} state values`,
      );
    }
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < this.outer; o++) {
        const dst = (env + r) * this.per + o * this.inner;
        this.data.set(values.subarray(o * rows * this.inner + r * this.inner, (o * rows + r + 1) * this.inner), dst);
      }
    }
  }

  tensorDims(rows: number): number[] {
    const d = this.spec.shape.slice();
    d.splice(this.batchAxis, 0, rows);
    return d;
  }
}
