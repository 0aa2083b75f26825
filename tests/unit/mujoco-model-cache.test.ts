// MuJoCo engines made again and again from one MJCF reuse one compiled model (a copy each): the WASM heap stays
// flat and a copy-made engine moves exactly like the first one.
import { describe, expect, it } from 'vitest';
import { g1Gains, loadG1 } from './physics-fixture';
import { captureWasmMemories } from './wasm-memory';

// MuJoCo's WebAssembly memory (instantiated when the first engine loads the module, in this process)
const memories = captureWasmMemories();

describe('MuJoCo compiled-model cache', () => {
  it('200 create/step/free cycles keep the heap flat; every engine steps the same', async () => {
    const { createMujocoEngine } = await import('../../src/core/physics/mujoco');
    const { keptModelCount } = await import('../../src/core/physics/mujoco-fs');
    const model = loadG1();
    const g = g1Gains(model);
    const make = async (gain: number) => {
      const e = await createMujocoEngine(model, { n: 2, armature: g.armature });
      e.setGains(
        g.kp.map((v) => v * gain),
        g.kd,
      );
      e.setTargets([...g.defaultPos, ...g.defaultPos]);
      return e;
    };
    const motion = (e: Awaited<ReturnType<typeof make>>) => {
      for (let k = 0; k < 5; k++) e.step();
      return Array.from(e.state.jointPos);
    };
    const cycle = async (gain = 1) => {
      const e = await make(gain);
      const q = motion(e);
      e.free();
      return q;
    };
    const first = await cycle();
    for (let i = 0; i < 20; i++) await cycle(); // warm-up
    expect(memories.length).toBeGreaterThan(0);
    const heap = () => memories.reduce((s, m) => s + m.buffer.byteLength, 0);
    const before = heap();
    let last: number[] = [];
    for (let i = 0; i < 200; i++) last = await cycle();
    const growth = heap() - before;
    console.log(`MuJoCo WASM heap ${(before / 2 ** 20).toFixed(1)} MiB, growth after 200 cycles: ${growth} bytes`);
    expect(growth).toBeLessThanOrEqual(2 * 2 ** 20);
    expect(last).toEqual(first); // the copy carries nothing over from earlier engines (they write into their model)
    expect(first.some((v) => v !== 0)).toBe(true);
    expect(keptModelCount()).toBe(1);
    // two engines alive at once, with different gains written into their models, each move as when alone
    const soft = await cycle(0.2);
    expect(soft).not.toEqual(first);
    const [a, b] = [await make(1), await make(0.2)];
    expect([motion(a), motion(b)]).toEqual([first, soft]);
    a.free();
    b.free();
  });
});
