// The T1 walks the 2 m square (turns integrating to π/2) with heading hold on mujoco, FastSAC and PPO: no fall,
// the square closes within the measured bound (loco-heading-helpers.ts BOUND).
import { afterAll, describe, it } from 'vitest';
import { headingSuite } from './loco-heading-helpers';

describe('heading hold: T1 on mujoco', () => headingSuite('t1', 'mujoco', it, afterAll));
