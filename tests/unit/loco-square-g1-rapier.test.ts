// The G1 walks a 2 m × 2 m square from a scripted command track (loco-helpers.ts square) with the real
// holosoma FastSAC and PPO exports on rapier, without a fall; prints its rows of the cmd_vel_err_m_s table.
import { afterAll, describe, it } from 'vitest';
import { squareSuite } from './loco-helpers';

describe('holosoma locomotion: G1 on rapier', () => squareSuite('g1', 'rapier', it, afterAll));
