// 1,000 create-and-free cycles of a Rapier G1 world must leave the WASM heap flat.
import { describe, expect, it } from 'vitest';
import { g1Gains, loadG1 } from './physics-fixture';
import { captureWasmMemories } from './wasm-memory';

// Rapier's WebAssembly memory (instantiated once its init runs in this process)
const memories = captureWasmMemories();

describe('Rapier world lifetime', () => {
  it('1,000 create/step/free cycles keep the WASM heap flat after warm-up', async () => {
    const { createRapierEngine } = await import('../../src/core/physics/rapier');
    const model = loadG1();
    const g = g1Gains(model);
    const cycle = async () => {
      const e = await createRapierEngine(model, { n: 2, armature: g.armature });
      e.setGains(g.kp, g.kd);
      e.setTargets([...g.defaultPos, ...g.defaultPos]);
      e.step();
      e.free();
    };
    for (let i = 0; i < 50; i++) await cycle(); // warm-up
    expect(memories.length).toBeGreaterThan(0);
    const heap = () => memories.reduce((s, m) => s + m.buffer.byteLength, 0);
    const before = heap();
    for (let i = 0; i < 1000; i++) await cycle();
    const growth = heap() - before;
    console.log(`WASM heap ${(before / 2 ** 20).toFixed(1)} MiB before, growth after 1,000 cycles: ${growth} bytes`);
    expect(growth).toBeLessThanOrEqual(2 * 2 ** 20); // one world with 2 G1s is ~1 MiB: a leak would add ~1 GiB

    // the probe can see a leak: 200 worlds kept alive grow the heap
    const { createRapierEngine: create } = await import('../../src/core/physics/rapier');
    const kept = [];
    for (let i = 0; i < 200; i++) kept.push(await create(model, { n: 2 }));
    expect(heap()).toBeGreaterThan(before + growth);
    for (const e of kept) e.free();
  });
});
