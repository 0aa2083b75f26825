/**
 * Every bad input becomes a named error that says what is wrong and where.
 * `file` is the file name (or "<memory>"), `where` the element / line / key / joint.
 */
export type ErrorKind =
  | 'ParseError' // malformed XML / CSV / BVH / NPZ / ONNX / YAML
  | 'ModelError' // robot model semantics: masses, tree, axis, unknown joint type
  | 'MeshError' // missing or corrupt mesh
  | 'MotionError' // clip semantics: NaN, quaternion, frame rate, columns
  | 'PolicyError' // policy / config semantics: sizes, joints, terms
  | 'SimulationError' // exploding simulation, NaN state
  | 'GpuError';

export class MimicError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly file: string,
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${kind} in ${file}${where ? ` at ${where}` : ''}: ${detail}`);
    this.name = kind;
  }
}

export const fail = (kind: ErrorKind, file: string, where: string, detail: string): never => {
  throw new MimicError(kind, file, where, detail);
};

/** An error as plain data, to cross a worker boundary (structured clone drops the MimicError class). */
export interface ErrorData { message: string; kind?: ErrorKind; file?: string; where?: string; detail?: string }

/** `e` as plain data: a MimicError keeps its kind, file, place and detail; anything else its message (or stack). */
export function errorToData(e: unknown, stack = false): ErrorData {
  if (e instanceof MimicError) return { message: e.message, kind: e.kind, file: e.file, where: e.where, detail: e.detail };
  const err = e as Error | undefined;
  return { message: (stack ? err?.stack : undefined) ?? err?.message ?? String(e) };
}

/** The error again: a MimicError when the data carries one, else a plain Error. */
export function errorFromData(d: ErrorData): Error {
  if (d.kind && d.file !== undefined && d.detail !== undefined) return new MimicError(d.kind, d.file, d.where ?? '', d.detail);
  return new Error(d.message);
}
