/** Our WebM reader (src/app/record/webm.ts) on files built here byte by byte in the EBML layout MediaRecorder writes. */
import { describe, expect, it } from 'vitest';
import { webmTiming } from '../../src/app/record/webm';
import { caught } from './policy-fixture';

/** An element: id bytes, size as a vint (8-byte "unknown" when `unknown`), data. */
function el(id: number[], data: number[], unknown = false): number[] {
  const size = unknown ? [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] : [0x80 | data.length];
  return [...id, ...size, ...data];
}
const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const block = (rel: number) => el([0xa3], [0x81, ...u16(rel & 0xffff), 0x80, 1, 2, 3]);
const f64 = (v: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v);
  return [...b];
};

function webm(duration?: number): Uint8Array {
  const header = el([0x1a, 0x45, 0xdf, 0xa3], el([0x42, 0x82], [0x77, 0x65, 0x62, 0x6d]));
  const info = el(
    [0x15, 0x49, 0xa9, 0x66],
    [...el([0x2a, 0xd7, 0xb1], [0x0f, 0x42, 0x40]), ...(duration ? el([0x44, 0x89], f64(duration)) : [])],
  );
  const tracks = el([0x16, 0x54, 0xae, 0x6b], el([0xae], el([0xd7], [1])));
  const c1 = el([0x1f, 0x43, 0xb6, 0x75], [...el([0xe7], [0]), ...block(0), ...block(33)], true);
  const c2 = [...el([0x1f, 0x43, 0xb6, 0x75], [], true), ...el([0xe7], u16(1000)), ...block(500), ...block(-20)];
  return Uint8Array.from([...header, ...el([0x18, 0x53, 0x80, 0x67], [...info, ...tracks, ...c1, ...c2], true)]);
}

describe('WebM timing', () => {
  it('unknown-size segment and clusters: first / last block from cluster + relative timecodes (TimecodeScale 1 ms)', () => {
    const t = webmTiming(webm());
    expect(t).toEqual({ duration: null, firstBlock: 0, lastBlock: 1.5, blocks: 4 });
  });
  it('the Info Duration when written (float64, in TimecodeScale units)', () => {
    expect(webmTiming(webm(2345)).duration).toBeCloseTo(2.345, 9);
  });
  it('named errors: not EBML, cut inside a header, no blocks', () => {
    expect(caught(() => webmTiming(Uint8Array.of(1, 2, 3, 4, 5), 'x.webm')).where).toBe('byte 0');
    const cut = webm().subarray(0, webm().length - 9);
    expect(caught(() => webmTiming(cut.subarray(0, 60), 'cut.webm')).kind).toBe('ParseError');
    const noBlocks = Uint8Array.from([...el([0x1a, 0x45, 0xdf, 0xa3], []), ...el([0x18, 0x53, 0x80, 0x67], [], true)]);
    expect(caught(() => webmTiming(noBlocks, 'empty.webm')).detail).toMatch(/no video blocks/);
  });
});
