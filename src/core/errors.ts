/**
 * Every bad input becomes a named error that says what is wrong and where.
 * `file` is the file name (or "<memory>"), `where` the element / line / key / joint.
 * Input bytes quoted in any of the three are escaped (no raw control characters, NUL, \r or lone
 * surrogates reach a terminal or a log) and huge strings are truncated (see `printable`).
 */
export type ErrorKind =
  | 'ParseError' // malformed XML / CSV / BVH / NPZ / ONNX / YAML
  | 'ModelError' // robot model semantics: masses, tree, axis, unknown joint type
  | 'MeshError' // missing or corrupt mesh
  | 'MotionError' // clip semantics: NaN, quaternion, frame rate, columns
  | 'PolicyError' // policy / config semantics: sizes, joints, terms
  | 'SimulationError' // exploding simulation, NaN state
  | 'GpuError';

// C0/C1 controls, DEL, line/paragraph separators, BOM, bidi overrides, lone surrogates
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- these control characters are what the pattern finds
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESC: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/** `s` with unsafe characters escaped (\r, \n, \t, \0, \xNN, \uNNNN) and cut to `max` characters. */
export function printable(s: string, max = 1500): string {
  // the result is at most `max` characters, so escaping twice (errors re-created from a worker) changes nothing
  const keep = max - 40;
  const cut = s.length > max ? `${s.slice(0, keep)}… (${s.length - keep} more characters)` : s;
  return cut.replace(
    UNSAFE,
    (c) =>
      ESC[c] ??
      (c.charCodeAt(0) < 0x100
        ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
        : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

export class MimicError extends Error {
  readonly file: string;
  readonly where: string;
  readonly detail: string;
  constructor(
    readonly kind: ErrorKind,
    file: string,
    where: string,
    detail: string,
  ) {
    const f = printable(String(file), 300),
      w = printable(String(where), 300),
      d = printable(String(detail));
    super(`${kind} in ${f}${w ? ` at ${w}` : ''}: ${d}`);
    this.file = f;
    this.where = w;
    this.detail = d;
    this.name = kind;
  }
}

export const fail = (kind: ErrorKind, file: string, where: string, detail: string): never => {
  throw new MimicError(kind, file, where, detail);
};

/** An error as plain data, to cross a worker boundary (structured clone drops the MimicError class). */
export interface ErrorData {
  message: string;
  kind?: ErrorKind;
  file?: string;
  where?: string;
  detail?: string;
}

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
