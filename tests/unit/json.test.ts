import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseJson } from '../../src/core/json';
import { MimicError } from '../../src/core/errors';

describe('parseJson: named errors with line and column', () => {
  it('finds the first syntax error where JSON.parse does not say', () => {
    expect(jsonErrorOffset('{"a": [1, 2, {"b": null}], "c": "x\\"y", "d": -1.5e3, "e": true}')).toBe(-1);
    const bad = '{\n  "obs": [1, 2,\n}\n';
    expect(jsonErrorOffset(bad)).toBe(bad.indexOf('}'));
    expect(jsonErrorOffset('[1 2]')).toBe(3);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('"open')).toBe(5);
    expect(jsonErrorOffset('')).toBe(0);
    for (const s of ['[1 2]', '{"a":}', '{,}', '[01]', '{"a" 1}', 'nul']) expect(() => JSON.parse(s)).toThrow();
  });

  it('throws a ParseError naming the file, line and column', () => {
    expect(parseJson('{"x": [1]}', 'p.json')).toEqual({ x: [1] });
    try {
      parseJson('{\n  "obs": [1, 2,\n}\n', 'profile.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MimicError);
      expect((e as MimicError).kind).toBe('ParseError');
      expect((e as MimicError).message).toMatch(/^ParseError in profile\.json at line 3 column 1: not valid JSON/);
    }
  });
});
