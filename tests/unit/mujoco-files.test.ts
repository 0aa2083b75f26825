// An MJCF's files keyed where MuJoCo opens them (src/core/physics/mujoco-files.ts): the app hands its engines the
// files as they were dropped — bare names from "Load files…", a folder prefix from "Load folder…" — and MuJoCo opens
// meshdir + file exactly. Each layout compiles and steps the G1 the same as the CLI's keys (relative to the MJCF).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRobotSource } from '../../src/core/evaluation/setup';
import { createEngine } from '../../src/core/physics/index';
import { filesForMujoco } from '../../src/core/physics/mujoco-files';
import { A } from './eval-cli-spawn';

const DIR = `${A}/g1`;
const XML = readFileSync(`${DIR}/g1_29dof_rev_1_0.xml`, 'utf8');
const meshes = readdirSync(`${DIR}/meshes`);
const keyed = (key: (f: string) => string) =>
  Object.fromEntries(meshes.map((f) => [key(f), new Uint8Array(readFileSync(`${DIR}/meshes/${f}`))]));

/** qpos after 40 physics steps of the G1 standing under its default PD (MuJoCo), compiled from `files`. */
async function qposAfter(file: string, files: Record<string, Uint8Array>): Promise<number[]> {
  const model = loadRobotSource({ file, text: XML, files });
  const e = await createEngine('mujoco', model, { n: 1 }, { xml: XML, files });
  for (let k = 0; k < 40; k++) e.step();
  const out = [...e.state.rootPos, ...e.state.rootQuat, ...e.state.jointPos];
  e.free();
  return out;
}

describe('MuJoCo files', () => {
  it('meshes dropped as bare names or under a folder compile and step as from the MJCF’s own folder', async () => {
    const cli = keyed((f) => `meshes/${f}`);
    const bare = keyed((f) => f),
      folder = keyed((f) => `g1/meshes/${f}`);
    expect(filesForMujoco(XML, cli, 'g1.xml')).toBe(cli); // already where MuJoCo looks: the object itself
    const remapped = filesForMujoco(XML, bare, 'g1.xml');
    expect(Object.keys(remapped).every((k) => k.startsWith('meshes/'))).toBe(true);
    expect(remapped['meshes/pelvis.STL']).toBe(bare['pelvis.STL']); // the same bytes, not a copy
    expect(filesForMujoco(XML, bare, 'g1.xml')).toBe(remapped); // one object per files and text
    // strippath: the name alone, in meshdir (its case kept); a texture in texturedir
    const strip =
      '<mujoco><compiler strippath="true" meshdir="m" texturedir="t"/><asset><mesh file="a/b/Knee.STL"/><texture file="x/Sky.png"/></asset></mujoco>';
    const bytes = { 'Knee.STL': new Uint8Array(1), 'Sky.png': new Uint8Array(2) };
    expect(Object.keys(filesForMujoco(strip, bytes, 's.xml')).sort()).toEqual(['m/Knee.STL', 't/Sky.png']);
    const want = await qposAfter('g1.xml', cli);
    expect(await qposAfter('g1.xml', bare)).toEqual(want);
    expect(await qposAfter('g1/g1.xml', folder)).toEqual(want);
    expect(want.every(Number.isFinite)).toBe(true);
  }, 120_000);
});
