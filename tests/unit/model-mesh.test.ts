// XML parser and mesh parsers (STL binary/ASCII, OBJ) on real and hand-made data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MimicError } from '../../src/core/errors';
import { loadMjcf, loadUrdf, parseObj, parseStl, parseXml } from '../../src/core/model/index';
import { G1_DIR } from './model-helpers';

const ASCII_STL = `solid tri
facet normal 0 0 1
  outer loop
    vertex 0 0 0
    vertex 1 0 0
    vertex 0 1 0
  endloop
endfacet
endsolid tri
`;

const kindOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof MimicError ? `${e.kind}@${e.where}` : 'other';
  }
  return 'none';
};

describe('XML parser', () => {
  it('reads elements, attributes, entities, comments and line numbers', () => {
    const x = parseXml(
      `<?xml version="1.0"?>\n<!-- c <x> -->\n<a k='1 &amp; 2'>\n  <b/>\n  <![CDATA[ <raw> ]]>\n  <c q="&lt;&#65;&#x42;"><d>text</d></c>\n</a>`,
      'x.xml',
    );
    expect(x.name).toBe('a');
    expect(x.attrs.k).toBe('1 & 2');
    expect(x.line).toBe(3);
    expect(x.children.map((c) => [c.name, c.line])).toEqual([
      ['b', 4],
      ['c', 6],
    ]);
    expect(x.children[1].attrs.q).toBe('<AB');
    expect(x.children[1].children[0].text).toBe('text');
  });
  it('rejects malformed documents with a line', () => {
    expect(kindOf(() => parseXml('<a>\n<b>\n</a>', 'f'))).toBe('ParseError@line 3');
    expect(kindOf(() => parseXml('<a x=1/>', 'f'))).toBe('ParseError@line 1');
    expect(kindOf(() => parseXml('<a/><b/>', 'f'))).toBe('ParseError@line 1');
    expect(kindOf(() => parseXml('<a>\n<!-- open', 'f'))).toBe('ParseError@line 2');
    expect(kindOf(() => parseXml('<a b="1" b="2"/>', 'f'))).toBe('ParseError@line 1');
    expect(kindOf(() => parseXml('<a q="&bogus;"/>', 'f'))).toBe('ParseError@line 1');
    expect(kindOf(() => parseXml('', 'f'))).toBe('ParseError@line 1');
  });
});

describe('mesh parsers', () => {
  it('parses the G1 binary STLs', () => {
    const bytes = new Uint8Array(readFileSync(`${G1_DIR}meshes/pelvis.STL`));
    const m = parseStl(bytes, 'pelvis.STL');
    const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(80, true);
    expect(m.name).toBe('pelvis');
    expect(m.vertices.length).toBe(n * 9);
    expect(m.indices.length).toBe(n * 3);
    let maxAbs = 0;
    for (const v of m.vertices) maxAbs = Math.max(maxAbs, Math.abs(v));
    expect(maxAbs).toBeGreaterThan(0.02); // metres, pelvis-sized
    expect(maxAbs).toBeLessThan(0.5);
  });
  it('parses ASCII STL and OBJ (quads, v/vt/vn, negative indices)', () => {
    const s = parseStl(new TextEncoder().encode(ASCII_STL), 'tri.stl');
    expect(Array.from(s.vertices)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    const o = parseObj('# quad\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvn 0 0 1\nf 1//1 2//1 3//1 -1//1\n', 'q.obj');
    expect(Array.from(o.indices)).toEqual([0, 1, 2, 0, 2, 3]);
    expect(o.vertices.length).toBe(12);
  });
  it('rejects corrupt meshes with MeshError', () => {
    expect(kindOf(() => parseStl(new Uint8Array(20), 'short.stl'))).toMatch(/^MeshError/);
    expect(kindOf(() => parseStl(new TextEncoder().encode(ASCII_STL.replace('vertex 1 0 0', 'vertex 1 x 0')), 'a.stl'))).toBe(
      'MeshError@line 5',
    );
    expect(kindOf(() => parseObj('v 0 0 0\nf 1 2 3\n', 'b.obj'))).toBe('MeshError@line 2');
    expect(kindOf(() => parseObj('v 0 0 0\n', 'c.obj'))).toMatch(/^MeshError/);
  });
  it('loads OBJ and ASCII STL meshes through MJCF meshdir and URDF package:// paths, with scale', () => {
    const files: Record<string, Uint8Array> = {
      'robots/assets/tri.stl': new TextEncoder().encode(ASCII_STL),
      'robots/meshes/quad.obj': new TextEncoder().encode('v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3 4\n'),
    };
    const resolve = (p: string): Uint8Array | undefined => files[p];
    const m = loadMjcf(
      `<mujoco><compiler meshdir="assets"/><asset><mesh file="tri.stl" scale="2 2 2"/></asset>
       <worldbody><body name="a"><inertial mass="1" diaginertia="1 1 1"/><joint/><geom type="mesh" mesh="tri"/></body></worldbody></mujoco>`,
      'robots/r.xml',
      resolve,
    );
    expect(Array.from(m.bodies[0].collision[0].mesh!.vertices.slice(3, 6))).toEqual([2, 0, 0]);
    const u = loadUrdf(
      `<robot name="r"><link name="a"><inertial><mass value="1"/><inertia ixx="1" iyy="1" izz="1"/></inertial>
       <visual><geometry><mesh filename="package://my_robot/some/dir/quad.obj" scale="0.5 0.5 0.5"/></geometry></visual></link></robot>`,
      'robots/r.urdf',
      resolve,
    );
    expect(u.bodies[0].visual[0].mesh!.vertices[6]).toBe(0.5);
    expect(u.floating).toBe(true);
  });
  it('without a resolver, meshes are not loaded and a warning says so', () => {
    const m = loadMjcf(
      '<mujoco><asset><mesh file="x.stl"/></asset><worldbody><body><inertial mass="1" diaginertia="1 1 1"/><geom type="mesh" mesh="x"/></body></worldbody></mujoco>',
      'nomesh.xml',
    );
    expect(m.bodies[0].collision[0].mesh).toBeUndefined();
    expect(m.warnings).toContain('meshes not loaded (no asset resolver given)');
  });
});
