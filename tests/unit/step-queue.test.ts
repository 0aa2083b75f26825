import { describe, expect, it } from 'vitest';
import { StepQueue } from '../../src/app/step-queue';

describe('StepQueue (the app drivers’ step / reset ordering)', () => {
  it('runs a reset after the step in flight and a step after the reset', async () => {
    const q = new StepQueue();
    const log: string[] = [];
    let finish!: () => void;
    void q.track(new Promise<void>((r) => (finish = r)).then(() => void log.push('step1')));
    q.reset(() => void log.push('reset'));
    const step2 = q.ready().then(() => void log.push('step2'));
    finish();
    await step2;
    expect(log).toEqual(['step1', 'reset', 'step2']);
  });

  it('throws a failed reset once, on the next step, then steps again', async () => {
    const q = new StepQueue();
    q.reset(() => {
      throw new Error('no reference');
    });
    await expect(q.ready()).rejects.toThrow('no reference');
    await expect(q.ready()).resolves.toBeUndefined();
  });

  it('a failed step does not block the next reset; idle() settles', async () => {
    const q = new StepQueue();
    await expect(q.track(Promise.reject(new Error('inference failed')))).rejects.toThrow('inference failed');
    let ran = false;
    q.reset(() => (ran = true));
    await q.idle();
    expect(ran).toBe(true);
  });

  it('a reset issued while another runs waits for it (two resets never overlap)', async () => {
    const q = new StepQueue();
    const log: string[] = [];
    let finish!: () => void;
    q.reset(async () => {
      log.push('reset1 start');
      await new Promise<void>((r) => (finish = r));
      log.push('reset1 end');
    });
    q.reset(() => void log.push('reset2'));
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['reset1 start']);
    finish();
    await q.ready();
    expect(log).toEqual(['reset1 start', 'reset1 end', 'reset2']);
  });
});
