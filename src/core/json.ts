/**
 * JSON with named errors: a text that is not JSON is a ParseError saying the file and where (line and column),
 * whatever the engine's own message says (V8's "Unexpected token" carries no position).
 */
import { MimicError } from './errors';

/** Offset of the first syntax error in `s`, or -1 when it is valid JSON. */
export function jsonErrorOffset(s: string): number {
  let i = 0;
  const stop = (): never => { throw i; };
  const ws = () => { while (i < s.length && ' \t\n\r'.includes(s[i])) i++; };
  const str = () => {
    i++;
    while (i < s.length && s[i] !== '"') { if (s.charCodeAt(i) < 0x20) stop(); i += s[i] === '\\' ? 2 : 1; }
    if (i >= s.length) stop();
    i++;
  };
  const list = (close: string, item: () => void) => {
    i++; ws();
    if (s[i] === close) { i++; return; }
    for (;;) {
      item(); ws();
      if (s[i] === ',') { i++; continue; }
      if (s[i] === close) { i++; return; }
      stop();
    }
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{') return list('}', () => { ws(); if (s[i] !== '"') stop(); str(); ws(); if (s[i] !== ':') stop(); i++; value(); });
    if (c === '[') return list(']', value);
    if (c === '"') return str();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i, i + 64));
    if (!m) stop();
    i += m![0].length;
  };
  try {
    value(); ws();
    return i < s.length ? i : -1;
  } catch (e) {
    if (typeof e === 'number') return e;
    throw e;
  }
}

/** JSON.parse, or a ParseError naming `file` and the line and column of the first error. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = Math.max(0, jsonErrorOffset(text));
    const before = text.slice(0, at).split('\n');
    throw new MimicError('ParseError', file, `line ${before.length} column ${before[before.length - 1].length + 1}`, `not valid JSON (${(e as Error).message.replace(/,\s*".*$/s, '')})`);
  }
}
