// Test helpers for the model tests (Node only).
import { readdirSync, readFileSync } from 'node:fs';
import { loadRobot, type AssetResolver, type RobotModel } from '../../src/core/model/index';
import { loadMjcf } from '../../src/core/model/mjcf';

export const G1_DIR = '../shared/assets/g1/';
export const G1_XML = 'g1_29dof_rev_1_0.xml';
export const G1_URDF = 'g1_29dof_rev_1_0.urdf';

/** Resolver reading files relative to a directory. */
export const dirResolver =
  (dir: string): AssetResolver =>
  (p) => {
    try {
      return new Uint8Array(readFileSync(dir + p));
    } catch {
      return undefined;
    }
  };

export const loadG1 = (which: 'xml' | 'urdf'): RobotModel => {
  const f = which === 'xml' ? G1_XML : G1_URDF;
  return loadRobot(f, readFileSync(G1_DIR + f, 'utf8'), dirResolver(G1_DIR));
};

export const g1MeshFiles = (): string[] => readdirSync(G1_DIR + 'meshes');

/** Half the edge of the probe box, m. */
export const PROBE_HALF = 0.05;

/** A free 10 cm box of 1 kg ("probe"), 1 m up: what the terrain tests drop on a surface. */
export const probeBox = (): RobotModel =>
  loadMjcf(
    `<mujoco model="probe"><worldbody><body name="probe" pos="0 0 1"><freejoint/>
   <inertial pos="0 0 0" mass="1" diaginertia="0.002 0.002 0.002"/><geom type="box" size="${PROBE_HALF} ${PROBE_HALF} ${PROBE_HALF}"/></body></worldbody></mujoco>`,
    'probe.xml',
  );
