// PNG heightfields (issue 16): our PNG reader (core/model/png.ts) on PNGs built here (zlib + CRC from node:zlib),
// 8/16-bit grey, RGB averaged, every filter type; bad files are named errors with the chunk. An MJCF
// <hfield file="hf.png"> gives the terrain MuJoCo gives: a box dropped on the plateau of the image's top rows rests at
// the same height in Rapier (our decode) and in MuJoCo reading the PNG itself (the file loaded as is).
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePngGrey } from '../../src/core/model/png';
import { loadMjcf } from '../../src/core/model/mjcf';
import { createEngine } from '../../src/core/physics/index';
import { terrainHeight } from '../../src/core/physics/terrain';
import { terrainOf } from '../../src/core/physics/terrain-engines';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG of `rows` (samples per row, channels interleaved); row r filtered with filters[r % filters.length]. */
function png(w: number, rows: number[][], o: { colour?: number; depth?: number; interlace?: number; filters?: number[] } = {}): Buffer {
  const { colour = 0, depth = 8, interlace = 0, filters = [0] } = o;
  const bps = depth / 8,
    ch = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colour] ?? 1,
    bpp = Math.max(1, ch * bps);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(rows.length, 4);
  ihdr.set([depth, colour, 0, 0, interlace], 8);
  let prev = Buffer.alloc(w * bpp);
  const raw: Buffer[] = [];
  rows.forEach((samples, r) => {
    const line = Buffer.alloc(w * bpp);
    samples.forEach((v, i) => (bps === 2 ? line.writeUInt16BE(v, i * 2) : (line[i] = v)));
    const f = filters[r % filters.length],
      out = Buffer.alloc(line.length + 1);
    out[0] = f;
    for (let i = 0; i < line.length; i++) {
      const a = i >= bpp ? line[i - bpp] : 0,
        b = prev[i],
        c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a),
        pb = Math.abs(p - b),
        pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out[i + 1] = (line[i] - pred) & 0xff;
    }
    raw.push(out);
    prev = line;
  });
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(raw))), chunk('IEND', new Uint8Array(0))]);
}

const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('PNG reader', () => {
  it('8-bit grey through every filter type, 16-bit grey, RGB averaged, alpha ignored', () => {
    const rows = [
      [0, 51, 102, 255],
      [10, 20, 30, 40],
      [200, 100, 50, 25],
      [7, 7, 9, 9],
      [255, 0, 255, 0],
    ];
    const a = decodePngGrey(png(4, rows, { filters: [0, 1, 2, 3, 4] }), 'a.png');
    expect([a.width, a.height]).toEqual([4, 5]);
    expect(Array.from(a.values, (v) => Math.round(v * 255))).toEqual(rows.flat());
    const b = decodePngGrey(
      png(
        2,
        [
          [0, 65535],
          [1000, 40000],
        ],
        { depth: 16, filters: [4, 3] },
      ),
      'b.png',
    );
    expect(Array.from(b.values, (v) => Math.round(v * 65535))).toEqual([0, 65535, 1000, 40000]);
    const c = decodePngGrey(png(2, [[30, 60, 90, 255, 255, 0]], { colour: 2, filters: [1] }), 'c.png');
    expect(Array.from(c.values, (v) => +(v * 255).toFixed(6))).toEqual([60, 170]);
    const d = decodePngGrey(png(2, [[100, 7, 200, 250]], { colour: 4 }), 'd.png');
    expect(Array.from(d.values, (v) => Math.round(v * 255))).toEqual([100, 200]);
  });

  it('bad PNGs are named errors with the file and the chunk', () => {
    const good = png(2, [
      [1, 2],
      [3, 4],
    ]);
    expect(err(() => decodePngGrey(Buffer.from('GIF89a-not-a-png'), 'x.png'))).toMatch(/x\.png.*signature.*not a PNG/s);
    const badCrc = Buffer.from(good);
    badCrc[8 + 8 + 3] ^= 1; // a byte of IHDR's width
    expect(err(() => decodePngGrey(badCrc, 'x.png'))).toMatch(/chunk IHDR \(byte 8\).*CRC/s);
    const badIdat = Buffer.from(good);
    badIdat[8 + 25 + 9] ^= 0xff; // inside IDAT's data
    expect(err(() => decodePngGrey(badIdat, 'x.png'))).toMatch(/chunk IDAT \(byte 33\).*CRC/s);
    expect(err(() => decodePngGrey(png(2, [[1, 2]], { colour: 3 }), 'p.png'))).toMatch(/chunk IHDR.*colour type 3.*palette/s);
    expect(err(() => decodePngGrey(png(2, [[1, 2]], { depth: 4 }), 'p.png'))).toMatch(/chunk IHDR.*bit depth 4/s);
    expect(err(() => decodePngGrey(png(2, [[1, 2]], { interlace: 1 }), 'p.png'))).toMatch(/chunk IHDR.*interlaced/s);
    expect(err(() => decodePngGrey(good.subarray(0, 50), 'p.png'))).toMatch(/chunk IDAT \(byte 33\).*truncated/s);
    expect(err(() => decodePngGrey(good.subarray(0, 40), 'p.png'))).toMatch(/chunk at byte 33.*truncated chunk header/s);
  });
});

describe('MJCF heightfield from a PNG', () => {
  const HALF = 0.05;
  // 3 × 3 image: top two rows white (the plateau, at +y as MuJoCo reads images), bottom row black
  const image = png(3, [
    [255, 255, 255],
    [255, 255, 255],
    [0, 0, 0],
  ]);
  const xml = `<mujoco model="hf"><asset><hfield name="ground" file="hf.png" size="1 1 0.2 0.1"/></asset>
   <worldbody><geom type="hfield" hfield="ground"/>
   <body name="box" pos="0 0.5 1"><freejoint/><inertial pos="0 0 0" mass="1" diaginertia="0.002 0.002 0.002"/>
   <geom type="box" size="${HALF} ${HALF} ${HALF}"/></body></worldbody></mujoco>`;
  const files = { 'hf.png': new Uint8Array(image) };
  const resolve = (p: string) => files[p as keyof typeof files];

  it('reads the image as MuJoCo does and a box rests on it at the same height in both engines', async () => {
    const model = loadMjcf(xml, 'hf.xml', resolve);
    const g = terrainOf(model.heightfields![0])!;
    expect(terrainHeight(g, 0, 0.5)).toBeCloseTo(0.2, 6);
    expect(terrainHeight(g, 0, -1)).toBeCloseTo(0, 6);
    const rest = async (kind: 'rapier' | 'mujoco') => {
      const eng = await createEngine(kind, model, { groundContact: 'all' }, kind === 'mujoco' ? { xml, files } : undefined);
      eng.reset(0, { rootPos: [0, 0.5, 0.45], rootQuat: [1, 0, 0, 0], jointPos: [] });
      for (let i = 0; i < 300; i++) eng.step();
      const z = eng.state.rootPos[2];
      eng.free();
      return z;
    };
    const r = await rest('rapier'),
      m = await rest('mujoco');
    console.log('box on a PNG hfield, centre z (m): rapier', r, 'mujoco (reads the PNG itself)', m);
    for (const z of [r, m]) expect(Math.abs(z - (0.2 + HALF))).toBeLessThan(0.006);
  }, 60_000);

  it('a missing image, a non-PNG file, a file with nrow are named errors', () => {
    expect(err(() => loadMjcf(xml, 'hf.xml', () => undefined))).toMatch(/hfield "ground"\.file.*hf\.png.*not found/s);
    expect(err(() => loadMjcf(xml.replace('hf.png', 'hf.bin'), 'hf.xml', resolve))).toMatch(/only PNG/);
    expect(err(() => loadMjcf(xml.replace('file=', 'nrow="3" file='), 'hf.xml', resolve))).toMatch(/cannot also give nrow/);
    expect(err(() => loadMjcf(xml, 'hf.xml', () => new Uint8Array(png(2, [[1, 2]], { colour: 3 }))))).toMatch(
      /hf\.png.*chunk IHDR.*colour type 3/s,
    );
  });
});
