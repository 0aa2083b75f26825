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

/** Control characters from the input (NUL, \r, ESC...) shown escaped, never raw, in messages. */
export const escapeControl = (s: string, keepNewline = false): string =>
  // eslint-disable-next-line no-control-regex
  s.replace(keepNewline ? /[\x00-\x09\x0b-\x1f\x7f]/g : /[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export class MimicError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly file: string,
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${kind} in ${escapeControl(file)}${where ? ` at ${escapeControl(where)}` : ''}: ${escapeControl(detail, true)}`);
    this.name = kind;
  }
}

export const fail = (kind: ErrorKind, file: string, where: string, detail: string): never => {
  throw new MimicError(kind, file, where, detail);
};
