// Test helpers for the model tests (Node only).
import { readdirSync, readFileSync } from 'node:fs';
import { loadRobot, type AssetResolver, type RobotModel } from '../../src/core/model/index';

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
