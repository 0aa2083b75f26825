// Steering a locomotion policy in the app (issue 11): the G1 + the real holosoma FastSAC walker are loaded
// through the file input; real keyboard events (Q / E, Shift+W) turn the robot in the commanded direction and
// a request beyond the policy's range is clamped and shown; the on-screen joystick dragged up walks forward; a synthetic Gamepad (navigator.getGamepads
// overridden before the page loads, + gamepadconnected) turns it with the right stick; unplugged mid-run the
// command goes to zero, a notice is shown and the app keeps stepping. Bounded by control steps, not wall time.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { G1, SHOTS, expectNoErrors, openApp, state, useApp } from './app-server';

const app = useApp();
const LOCO = '../shared/assets/policies/holosoma-loco-g1/fastsac_g1_29dof.onnx';
const STEPS = 100; // control steps per check: 2 s at 50 Hz
const files = () => [`${G1}/g1_29dof_rev_1_0.xml`, ...readdirSync(`${G1}/meshes`).map((f) => `${G1}/meshes/${f}`), LOCO];

interface Steering {
  active: boolean;
  command: number[];
  clamps: { axis: string; asked: number; used: number }[];
  gamepad: { id: string } | null;
  notice: string | null;
  skillSwitches: number;
}
type Hook = {
  __mimic: { getState(): { step: number; robotYaw: number | null; steer: Steering; driver: string; busy: boolean; robotName: string } };
};

const log: string[] = [];
const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));

/** Load the G1 and the walker; wait until the walker drives and steering is on. */
async function loadWalker(page: Page): Promise<void> {
  await page.setInputFiles('#file-input', files());
  await page.waitForFunction(
    () => {
      const s = (window as unknown as Hook).__mimic.getState();
      return s.driver === 'policy' && !s.busy && s.robotName !== 'humanoid29' && s.steer.active;
    },
    undefined,
    { timeout: 120_000 },
  );
}

/** Wait until the app has run `n` more control steps; the yaw turned meanwhile (summed per sample, wrapped). */
async function turnedOver(page: Page, n: number): Promise<number> {
  const s0 = await state(page);
  let yaw = s0.robotYaw as number,
    turned = 0;
  for (;;) {
    await page.waitForFunction(
      (k) => (window as unknown as Hook).__mimic.getState().step >= k,
      Math.min(s0.step + n, (await state(page)).step + 20),
      { timeout: 120_000 },
    );
    const s = await state(page);
    turned += wrap(s.robotYaw - yaw);
    yaw = s.robotYaw;
    log.push(
      `step ${s.step} yaw ${yaw.toFixed(2)} z ${s.robot.rootPos[2]?.toFixed(2)} cmd ${s.steer.command.map((c: number) => c.toFixed(2))} base ${s.steer.measured?.map((c: number) => c.toFixed(2))}`,
    );
    if (s.step >= s0.step + n) return turned;
  }
}

const steering = async (page: Page): Promise<Steering> => (await state(page)).steer as Steering;

/** A synthetic standard gamepad: window.__pad (axes, buttons, connected), window.__plug(on) fires the events. */
function syntheticPad(): void {
  const w = window as unknown as { __pad: { axes: number[]; pressed: boolean[]; connected: boolean }; __plug(on: boolean): void };
  w.__pad = { axes: [0, 0, 0, 0], pressed: new Array(17).fill(false), connected: false };
  const snapshot = () => ({
    id: 'synthetic pad (STANDARD GAMEPAD)',
    index: 0,
    connected: w.__pad.connected,
    mapping: 'standard',
    timestamp: performance.now(),
    axes: w.__pad.axes.slice(),
    buttons: w.__pad.pressed.map((p) => ({ pressed: p, touched: p, value: p ? 1 : 0 })),
  });
  Object.defineProperty(Navigator.prototype, 'getGamepads', {
    configurable: true,
    value: () => [w.__pad.connected ? snapshot() : null, null, null, null],
  });
  w.__plug = (on: boolean) => {
    w.__pad.connected = on;
    const e = new Event(on ? 'gamepadconnected' : 'gamepaddisconnected');
    Object.defineProperty(e, 'gamepad', { value: snapshot() });
    window.dispatchEvent(e);
  };
}

describe('steering a locomotion policy', { timeout: 400_000 }, () => {
  it('keyboard: Q turns left, E turns right, the keys are shown, Shift+W beyond the range is clamped and shown', async () => {
    const { page, ctx, problems } = await openApp(app);
    try {
      await loadWalker(page);
      expect((await state(page)).simHost).toBe('worker'); // steered in the simulation worker (app/steer/target.ts)
      const box = page.locator('#steer');
      expect(await box.isVisible()).toBe(true);
      const text = await box.innerText();
      for (const k of ['W / S', 'A / D', 'Q / E']) expect(text).toContain(k);

      await page.keyboard.down('KeyQ');
      const left = await turnedOver(page, STEPS);
      expect((await steering(page)).command[2]).toBeCloseTo(0.75, 5); // half deflection × 1.5 rad/s
      await page.keyboard.up('KeyQ');
      expect(left, `Q turns left (yaw grows):\n${log.splice(0).join('\n')}`).toBeGreaterThan(0.6); // 1.20 measured

      await page.keyboard.down('KeyE');
      const right = await turnedOver(page, STEPS);
      await page.keyboard.up('KeyE');
      expect(right, `E turns right (yaw falls):\n${log.splice(0).join('\n')}`).toBeLessThan(-0.6); // −1.56 measured
      console.log(`keyboard (0.75 rad/s asked): Q turned ${left.toFixed(2)} rad, E ${right.toFixed(2)} rad in ${STEPS} control steps`);

      // the on-screen joystick (pointer events): dragged up = forward, released = zero
      const joy = (await page.locator('#steer-joystick').boundingBox())!;
      const cx = joy.x + joy.width / 2,
        cy = joy.y + joy.height / 2;
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      await page.mouse.move(cx, cy - 40, { steps: 4 });
      await page.waitForFunction(() => (window as unknown as Hook).__mimic.getState().steer.command[0] > 0.5, undefined, {
        timeout: 60_000,
      });
      expect((await steering(page)).command[2]).toBeCloseTo(0, 5);
      await page.screenshot({ path: `${SHOTS}/app-steer-joystick.png` });
      await page.mouse.up();
      await page.waitForFunction(() => (window as unknown as Hook).__mimic.getState().steer.command[0] === 0, undefined, {
        timeout: 60_000,
      });

      await page.keyboard.down('Shift');
      await page.keyboard.down('KeyW');
      await page.waitForFunction(() => (window as unknown as Hook).__mimic.getState().steer.clamps.length > 0, undefined, {
        timeout: 60_000,
      });
      const s = await steering(page);
      expect(s.clamps[0]).toMatchObject({ axis: 'vx', used: 1 });
      expect(s.clamps[0].asked).toBeCloseTo(1.2, 5);
      expect(await page.locator('#steer-clamp').innerText()).toMatch(/vx 1\.20 → 1\.00 \(range -1\.00\.\.1\.00\)/);
      await page.keyboard.up('KeyW');
      await page.keyboard.up('Shift');
      await page.waitForFunction(() => (window as unknown as Hook).__mimic.getState().steer.command.every((c) => c === 0), undefined, {
        timeout: 60_000,
      });
      expectNoErrors(await state(page), problems);
      expect(problems.list).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('gamepad: the right stick turns the robot; unplugged mid-run the command goes to zero, a notice shows, the app runs on', async () => {
    const ctx = await app.browser.newContext({ viewport: { width: 1200, height: 760 } });
    await ctx.addInitScript(syntheticPad);
    const { page, problems } = await openApp(app, {}, ctx);
    try {
      await loadWalker(page);
      await page.evaluate(() => {
        const w = window as unknown as { __pad: { axes: number[] }; __plug(on: boolean): void };
        w.__pad.axes[2] = -1; // right stick full left: turn left (1.5 asked, clamped to 1)
        w.__plug(true);
      });
      await page.waitForFunction(() => (window as unknown as Hook).__mimic.getState().steer.gamepad !== null, undefined, {
        timeout: 60_000,
      });
      const left = await turnedOver(page, STEPS);
      const s = await steering(page);
      expect(s.command[2]).toBe(1);
      expect(s.clamps.map((c) => c.axis)).toEqual(['wz']);
      console.log(`gamepad (1 rad/s after the clamp): turned ${left.toFixed(2)} rad in ${STEPS} control steps`);
      expect(left, `right stick left turns left:\n${log.splice(0).join('\n')}`).toBeGreaterThan(0.8); // 1.63 measured

      // button A: a skill switch is asked for (one policy loaded: nothing to switch to, nothing breaks)
      await page.evaluate(() => ((window as unknown as { __pad: { pressed: boolean[] } }).__pad.pressed[0] = true));
      await page.waitForFunction(() => (window as unknown as Hook).__mimic.getState().steer.skillSwitches === 1, undefined, {
        timeout: 60_000,
      });

      await page.evaluate(() => (window as unknown as { __plug(on: boolean): void }).__plug(false));
      await page.waitForFunction(() => (window as unknown as Hook).__mimic.getState().steer.gamepad === null, undefined, {
        timeout: 60_000,
      });
      const step = (await state(page)).step;
      await page.waitForFunction((k) => (window as unknown as Hook).__mimic.getState().step >= k, step + 25, { timeout: 120_000 });
      const after = await state(page);
      expect(after.steer.command).toEqual([0, 0, 0]);
      expect(after.steer.notice).toMatch(/disconnected.*zero/);
      expect(await page.locator('#steer-notice').innerText()).toMatch(/disconnected/);
      expect(after.errors.map((e: { kind: string; message: string }) => `${e.kind}: ${e.message}`)).toEqual([
        expect.stringMatching(/^Steering: gamepad "synthetic pad.*" disconnected/),
      ]);
      expect(after.driver).toBe('policy');
      expect(problems.list).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
