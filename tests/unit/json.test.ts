import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { parseJson } from '../../src/core/validate';

const where = (text: string): string => {
  try {
    parseJson(text, 'p.json');
  } catch (e) {
    expect(e).toBeInstanceOf(MimicError);
    expect((e as MimicError).kind).toBe('ParseError');
    return (e as MimicError).where;
  }
  throw new Error('expected a ParseError');
};

describe('parseJson: named errors with line and column', () => {
  it('finds the first syntax error where JSON.parse does not say', () => {
    expect(parseJson('{"a": [1, 2, {"b": null}], "c": "x\\"y", "d": -1.5e3, "e": true}', 'p.json')).toMatchObject({ d: -1500 });
    expect(where('{\n  "obs": [1, 2,\n}\n')).toBe('line 3, column 1');
    expect(where('[1 2]')).toBe('line 1, column 4');
    expect(where('{"a": 1} x')).toBe('line 1, column 10');
    expect(where('{"a": tru}')).toMatch(/^line 1, column (9|10)$/);
    expect(where('"open')).toBe('line 1, column 6');
    expect(where('{\n "_joint": nan,\n}')).toBe('line 2, column 13'); // 'n' may start null: the 'a' is wrong
  });

  it('throws a ParseError naming the file, line and column; deep nesting is no recursion', () => {
    expect(parseJson('{"x": [1]}', 'p.json')).toEqual({ x: [1] });
    try {
      parseJson('{\n  "obs": [1, 2,\n}\n', 'profile.json');
      expect.unreachable();
    } catch (e) {
      expect((e as MimicError).message).toMatch(/^ParseError in profile\.json at line 3, column 1: not valid JSON/);
    }
    expect(where('['.repeat(100_000))).toBe('line 1, column 100001');
  });
});
