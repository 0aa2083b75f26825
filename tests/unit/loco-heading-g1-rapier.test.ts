// The G1 walks the 2 m square (turns integrating to π/2) with heading hold on rapier, FastSAC and PPO: no fall,
// the square closes within the measured bound (loco-heading-helpers.ts BOUND).
import { afterAll, describe, it } from 'vitest';
import { headingSuite } from './loco-heading-helpers';

describe('heading hold: G1 on rapier', () => headingSuite('g1', 'rapier', it, afterAll));
