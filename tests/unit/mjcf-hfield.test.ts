// An MJCF <hfield> (asset + worldbody geom) becomes terrain in both engines: a box dropped on it rests at the same height.
import { describe, expect, it } from 'vitest';
import { loadMjcf } from '../../src/core/model/mjcf';
import { createEngine } from '../../src/core/physics/index';
import { terrainHeight } from '../../src/core/physics/terrain';
import { terrainOf } from '../../src/core/physics/terrain-engines';

const HALF = 0.05;
// MuJoCo's first elevation row is at +y: rows y = +1 and y = 0 are raised (a plateau over y ≥ 0), y = -1 is low.
const scene = (elevation: string, extra = '', geomZ = 0) =>
  `<mujoco model="hf"><asset><hfield name="ground" nrow="3" ncol="3" size="1 1 0.2 0.1" elevation="${elevation}" ${extra}/></asset>
   <worldbody><geom type="hfield" hfield="ground" pos="0 0 ${geomZ}"/>
   <body name="box" pos="0 0.5 1"><freejoint/><inertial pos="0 0 0" mass="1" diaginertia="0.002 0.002 0.002"/>
   <geom type="box" size="${HALF} ${HALF} ${HALF}"/></body></worldbody></mujoco>`;
const PLATEAU = '5 5 5  5 5 5  1 1 1';

async function rest(xml: string, kind: 'rapier' | 'mujoco', asIs: boolean): Promise<{ z: number; notes: string[] }> {
  const model = loadMjcf(xml, 'hf.xml');
  const eng = await createEngine(kind, model, { groundContact: 'all' }, asIs ? { xml } : undefined);
  eng.reset(0, { rootPos: [0, 0.5, 0.45], rootQuat: [1, 0, 0, 0], jointPos: [] });
  for (let i = 0; i < 300; i++) eng.step();
  const z = eng.state.rootPos[2];
  const notes = [...eng.adjustments];
  eng.free();
  return { z, notes };
}

describe('MJCF heightfield', () => {
  it('reads the data as MuJoCo scales it: normalised × size[2], geom z added, first row at +y', () => {
    const model = loadMjcf(scene(PLATEAU, '', 0.1), 'hf.xml');
    const g = terrainOf(model.heightfields![0])!;
    expect(terrainHeight(g, 0, 0.5)).toBeCloseTo(0.3, 6);
    expect(terrainHeight(g, 0, -1)).toBeCloseTo(0.1, 6);
  });

  it('a box dropped on a 3×3 hfield rests at the same height in both engines (as-is and generated MuJoCo)', async () => {
    const xml = scene(PLATEAU);
    const r = await rest(xml, 'rapier', false);
    const mAsIs = await rest(xml, 'mujoco', true);
    const mGen = await rest(xml, 'mujoco', false);
    console.log('box centre z (m): rapier', r.z, 'mujoco as-is', mAsIs.z, 'mujoco generated', mGen.z);
    for (const v of [r.z, mAsIs.z, mGen.z]) expect(Math.abs(v - (0.2 + HALF))).toBeLessThan(0.006);
    // MuJoCo as-is: the file's hfield is used as written, not added a second time
    expect(mAsIs.notes.some((n) => n.startsWith('terrain hfield'))).toBe(false);
    expect(mAsIs.notes.some((n) => n.includes('heightfield(s) of the MJCF used as written'))).toBe(true);
    expect(mGen.notes.some((n) => n.startsWith('terrain hfield ground'))).toBe(true);
  }, 60000);

  it('bad data is a named error', () => {
    expect(() => loadMjcf(scene('5 5 5 5 5 5 1 1'), 'hf.xml')).toThrow(/hf\.xml.*hfield "ground"\.elevation.*8 values for a 3 × 3 grid/s);
    expect(() => loadMjcf(scene('5 5 5 5 NaN 5 1 1 1'), 'hf.xml')).toThrow(/hfield "ground"\.elevation\[4\].*not a finite number/s);
    expect(() => loadMjcf(scene(PLATEAU, 'file="terrain.png"'), 'hf.xml')).toThrow(/hfield "ground"\.file.*cannot also give nrow/s);
    expect(() => loadMjcf(scene(PLATEAU).replace('hfield="ground"', 'hfield="nope"'), 'hf.xml')).toThrow(/no <hfield> asset/);
  });
});
