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
