// The app's simulation (src/app/sim.ts) on the built-in humanoid with real Rapier: a control step that fails in a
// driver replaced while the step was in flight is discarded and counted (the replacing driver had reset the robot
// under it), while a failure of the running driver is still reported. Drivers here are plain Driver objects whose
// step waits for a gate the test opens, so the interleaving is exact.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRobot } from '../../src/core/model/index';
import { createEngine } from '../../src/core/physics/index';
import type { PhysicsEngine } from '../../src/core/physics/types';
import { Sim } from '../../src/app/sim';
import { standClip } from '../../src/app/stand';
import type { Driver } from '../../src/app/drivers';

const XML = readFileSync('public/robots/humanoid29.xml', 'utf8');
const model = loadRobot('humanoid29.xml', XML);
const stand = standClip(model, XML);

/** A physical driver: one control step = 4 physics steps, after `gate` opens; fails when `fail` is set. */
class GatedDriver implements Driver {
  readonly kind = 'builtin' as const;
  latencyMs = 0;
  gate: Promise<void> = Promise.resolve();
  open: () => void = () => {};
  fail: Error | null = null;
  steps = 0;
  constructor(private readonly engine: PhysicsEngine) {}
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  async step(): Promise<void> {
    await this.gate;
    if (this.fail) throw this.fail;
    for (let k = 0; k < 4; k++) this.engine.step();
    this.steps++;
  }
  reset(): void {}
  dispose(): void {}
}

describe('app simulation: failures of replaced drivers', () => {
  const engines: PhysicsEngine[] = [];
  afterAll(() => engines.forEach((e) => e.free()));

  async function sim(): Promise<{ sim: Sim; engine: PhysicsEngine; errors: unknown[] }> {
    const engine = await createEngine('rapier', model, { dt: 0.005 });
    engines.push(engine);
    const s = new Sim();
    s.setRobot(model, engine);
    s.setSource(
      (_t, out) => {
        const put = (to: ArrayLike<number> & { [i: number]: number }, from: Float32Array) => {
          for (let i = 0; i < to.length; i++) to[i] = from[i];
        };
        put(out.rootPos, stand.rootPos);
        put(out.rootQuat, stand.rootQuat);
        put(out.jointPos, stand.jointPos);
      },
      500,
      'stand',
    );
    const errors: unknown[] = [];
    s.onError = (e) => errors.push(e);
    return { sim: s, engine, errors };
  }

  it('discards the failed step of a driver replaced while it was in flight; the new driver runs on', async () => {
    const { sim: s, engine, errors } = await sim();
    const old = new GatedDriver(engine),
      next = new GatedDriver(engine);
    s.setDriver(old);
    await s.controlStep(true); // the old driver runs (its first step keeps it)
    old.hold();
    old.fail = new TypeError("Cannot read properties of null (reading '3')");
    const inFlight = s.controlStep(true);
    s.setDriver(next); // replaced while its step waits
    old.open();
    await inFlight;
    expect(errors).toEqual([]);
    expect(s.replacedFailures).toBe(1);
    await s.controlStep(true);
    expect(next.steps).toBe(1);
    expect(s.driver).toBe(next);
  });

  it('reports a failure of the running driver', async () => {
    const { sim: s, engine, errors } = await sim();
    const d = new GatedDriver(engine);
    s.setDriver(d);
    await s.controlStep(true);
    d.fail = new Error('the running driver broke');
    await s.controlStep(true);
    expect(errors.map((e) => (e as Error).message)).toEqual(['the running driver broke']);
    expect(s.replacedFailures).toBe(0);
  });
});
