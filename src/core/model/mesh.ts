/**
 * Mesh files: STL (binary and ASCII) and Wavefront OBJ (v / f only; polygons fan-triangulated).
 * Corrupt input → MimicError('MeshError', file, where, what).
 */
import { fail } from '../errors';
import { checkCount, LIMITS } from '../validate';
import type { MeshData } from './types';

const baseName = (file: string): string => {
  const b = file.split(/[\\/]/).pop() ?? file;
  const dot = b.lastIndexOf('.');
  return dot > 0 ? b.slice(0, dot) : b;
};

function checkFinite(v: Float32Array, file: string): void {
  for (let k = 0; k < v.length; k++)
    if (!Number.isFinite(v[k])) fail('MeshError', file, `vertex ${Math.floor(k / 3)}`, 'coordinate is not a finite number');
}

const sequential = (n: number): Uint32Array => {
  const idx = new Uint32Array(n);
  for (let k = 0; k < n; k++) idx[k] = k;
  return idx;
};

/** The 9 vertex floats of each binary STL triangle (50 bytes each after the 84-byte header; the normal skipped). */
function readStlVertices(dv: DataView, count: number): Float32Array {
  const vertices = new Float32Array(count * 9);
  for (let t = 0, o = 96, k = 0; t < count; t++, o += 50) for (let j = 0; j < 36; j += 4) vertices[k++] = dv.getFloat32(o + j, true);
  return vertices;
}

/** Parse an STL file (binary or ASCII). */
export function parseStl(bytes: Uint8Array, file: string): MeshData {
  if (bytes.length >= 84) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = dv.getUint32(80, true);
    if (84 + count * 50 === bytes.length) {
      if (count === 0) fail('MeshError', file, 'header', 'binary STL has no triangles');
      checkCount(count, LIMITS.maxTriangles, { file, where: 'header', kind: 'MeshError' }, 'triangle count');
      const vertices = readStlVertices(dv, count);
      checkFinite(vertices, file);
      return { name: baseName(file), vertices, indices: sequential(count * 3) };
    }
  }
  const head = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 512)));
  if (!/^\s*solid/.test(head)) {
    if (bytes.length < 84) fail('MeshError', file, 'header', `file too short for a binary STL (${bytes.length} bytes)`);
    const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
    fail('MeshError', file, 'header', `binary STL declares ${count} triangles (${84 + count * 50} bytes) but has ${bytes.length} bytes`);
  }
  return parseAsciiStl(new TextDecoder().decode(bytes), file);
}

function parseAsciiStl(text: string, file: string): MeshData {
  const out: number[] = [];
  const lines = text.split('\n');
  let inFacet = 0;
  for (let ln = 0; ln < lines.length; ln++) {
    const t = lines[ln].trim();
    if (t.startsWith('vertex')) {
      const p = t.split(/\s+/).slice(1).map(Number);
      if (p.length !== 3 || p.some((x) => !Number.isFinite(x))) fail('MeshError', file, `line ${ln + 1}`, `bad vertex "${t}"`);
      out.push(p[0], p[1], p[2]);
      inFacet++;
    } else if (t.startsWith('endfacet')) {
      if (inFacet !== 3) fail('MeshError', file, `line ${ln + 1}`, `facet has ${inFacet} vertices, expected 3`);
      inFacet = 0;
    } else if (t && !/^(solid|endsolid|facet|outer|endloop)/.test(t)) {
      fail('MeshError', file, `line ${ln + 1}`, `unexpected "${t.slice(0, 40)}" in ASCII STL`);
    }
  }
  if (out.length === 0) fail('MeshError', file, 'line 1', 'ASCII STL has no triangles');
  if (out.length % 9 !== 0) fail('MeshError', file, 'end of file', 'truncated ASCII STL');
  const vertices = new Float32Array(out);
  return { name: baseName(file), vertices, indices: sequential(out.length / 3) };
}

/** The integer text[from, to) starts with, as parseInt reads it (sign, digits; the rest, like "/2/3", ignored); NaN if none. */
function leadingInt(text: string, from: number, to: number): number {
  let i = from,
    sign = 1,
    v = 0;
  const c = text.charCodeAt(i);
  if (c === 45 /* - */ || c === 43 /* + */) {
    sign = c === 45 ? -1 : 1;
    i++;
  }
  const first = i;
  for (let d: number; i < to && (d = text.charCodeAt(i) - 48) >= 0 && d <= 9; i++) v = v * 10 + d;
  return i === first ? NaN : sign * v;
}

/** Indices where the whitespace-separated tokens of text[from, to) start and end (whitespace: code ≤ 32, as trim). */
function tokens(text: string, from: number, to: number, out: number[]): number[] {
  out.length = 0;
  let i = from;
  while (i < to) {
    while (i < to && text.charCodeAt(i) <= 32) i++;
    if (i >= to) break;
    const a = i;
    while (i < to && text.charCodeAt(i) > 32) i++;
    out.push(a, i);
  }
  return out;
}

/**
 * Parse an OBJ file: `v x y z` and `f a b c ...` (a may be a/b/c or negative); other lines ignored. One pass over the
 * text with token offsets (no line or token strings but the numbers'): robot meshes run to tens of megabytes.
 */
export function parseObj(text: string, file: string): MeshData {
  const verts: number[] = [];
  const idx: number[] = [];
  const tok: number[] = [];
  const face: number[] = [];
  for (let start = 0, ln = 0; start < text.length; ln++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const t = tokens(text, start, end, tok);
    start = end + 1;
    if (t.length < 2 || t[1] - t[0] !== 1) continue;
    const key = text.charCodeAt(t[0]);
    if (key === 118 /* v */) {
      const x = t.length >= 8 ? Number(text.slice(t[2], t[3])) : NaN,
        y = t.length >= 8 ? Number(text.slice(t[4], t[5])) : NaN,
        z = t.length >= 8 ? Number(text.slice(t[6], t[7])) : NaN;
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z))
        fail('MeshError', file, `line ${ln + 1}`, `bad vertex "${text.slice(t[0], t[t.length - 1])}"`);
      verts.push(x, y, z);
    } else if (key === 102 /* f */) {
      const nv = verts.length / 3;
      face.length = 0;
      for (let k = 2; k < t.length; k += 2) {
        const i = leadingInt(text, t[k], t[k + 1]);
        const v = i < 0 ? nv + i : i - 1;
        if (!Number.isInteger(i) || i === 0 || v < 0 || v >= nv)
          fail('MeshError', file, `line ${ln + 1}`, `face index "${text.slice(t[k], t[k + 1])}" out of range (${nv} vertices so far)`);
        face.push(v);
      }
      if (face.length < 3) fail('MeshError', file, `line ${ln + 1}`, 'face with fewer than 3 vertices');
      for (let k = 1; k + 1 < face.length; k++) idx.push(face[0], face[k], face[k + 1]);
    }
  }
  if (idx.length === 0) fail('MeshError', file, 'end of file', 'OBJ has no faces');
  return { name: baseName(file), vertices: new Float32Array(verts), indices: new Uint32Array(idx) };
}

/** Parse by extension (.stl / .obj, case-insensitive); the result is checked by checkMesh. */
/** Mesh file formats read here (lower-case extensions). */
export const MESH_FORMATS: ReadonlySet<string> = new Set(['stl', 'obj']);

export function parseMesh(bytes: Uint8Array, file: string): MeshData {
  const ext = file.toLowerCase().split('.').pop();
  if (ext === 'stl') return checkMesh(parseStl(bytes, file), file);
  if (ext === 'obj') return checkMesh(parseObj(new TextDecoder().decode(bytes), file), file);
  return fail('MeshError', file, 'file name', `unsupported mesh format ".${ext}" (STL and OBJ are supported)`);
}

/** Scale a mesh's vertices (returns a new MeshData). */
export function scaleMesh(m: MeshData, s: ArrayLike<number>): MeshData {
  if (s[0] === 1 && s[1] === 1 && s[2] === 1) return m;
  const v = new Float32Array(m.vertices.length);
  for (let k = 0; k < v.length; k += 3) {
    v[k] = m.vertices[k] * s[0];
    v[k + 1] = m.vertices[k + 1] * s[1];
    v[k + 2] = m.vertices[k + 2] * s[2];
  }
  // a mirroring scale flips the winding
  if (s[0] * s[1] * s[2] < 0) {
    const idx = m.indices.slice();
    for (let k = 0; k < idx.length; k += 3) [idx[k + 1], idx[k + 2]] = [idx[k + 2], idx[k + 1]];
    return { name: m.name, vertices: v, indices: idx };
  }
  return { name: m.name, vertices: v, indices: m.indices };
}

/** Meshes already checked (parseMesh checks, and loaders check again after scaling, which may return the same mesh). */
const checked = new WeakSet<MeshData>();

/**
 * A mesh the physics can use: finite vertices within ±1e6, valid indices, at most LIMITS.maxTriangles triangles,
 * and a non-zero surface (not every triangle degenerate: all points equal or collinear). Returns the mesh.
 */
export function checkMesh(m: MeshData, file: string): MeshData {
  if (checked.has(m)) return m;
  const v = m.vertices,
    idx = m.indices,
    nv = v.length / 3;
  checkCount(idx.length / 3, LIMITS.maxTriangles, { file, where: 'faces', kind: 'MeshError' }, 'triangle count');
  let extent = 0;
  for (let k = 0; k < v.length; k++) {
    if (!(Math.abs(v[k]) <= 1e6)) fail('MeshError', file, `vertex ${Math.floor(k / 3)}`, `coordinate ${v[k]} is not finite or beyond ±1e6`);
    extent = Math.max(extent, Math.abs(v[k] - v[k % 3]));
  }
  for (let t = 0; t + 2 < idx.length; t += 3)
    if (idx[t] >= nv || idx[t + 1] >= nv || idx[t + 2] >= nv) fail('MeshError', file, `face ${t / 3}`, 'vertex index out of range');
  const area = surfaceAbove(v, idx, 1e-9 * extent * extent);
  if (!(area > 1e-9 * extent * extent) || extent === 0)
    fail(
      'MeshError',
      file,
      'faces',
      `degenerate mesh: total surface ${area.toPrecision(3)} (every triangle has zero area: points coincide or are collinear)`,
    );
  checked.add(m);
  return m;
}

/** The triangles' total area, summed until it exceeds `enough` (then that partial sum). */
function surfaceAbove(v: Float32Array, idx: Uint32Array, enough: number): number {
  let area = 0;
  for (let t = 0; t + 2 < idx.length && !(area > enough); t += 3) {
    const a = idx[t] * 3,
      b = idx[t + 1] * 3,
      c = idx[t + 2] * 3;
    const ux = v[b] - v[a],
      uy = v[b + 1] - v[a + 1],
      uz = v[b + 2] - v[a + 2];
    const wx = v[c] - v[a],
      wy = v[c + 1] - v[a + 1],
      wz = v[c + 2] - v[a + 2];
    const nx = uy * wz - uz * wy,
      ny = uz * wx - ux * wz,
      nz = ux * wy - uy * wx;
    area += 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
  }
  return area;
}
