// Shipped profiles and the start choice in the Drive panel (issue 10). A profile picked for the loaded policy
// that does not fit it is a named error and the running driver keeps going (the select returns to what runs);
// a fitting one drives the robot. The start choice (ground | reference | default-pose) is applied, named in the
// Run box with the vertical shift of a ground start, and remembered over a reload.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadG1Dance, reloadApp, state, useApp, withApp } from './app-server';

const app = useApp();

type S = { time: number; driver: string; busy: string; errors: unknown[]; status: { driverSerial: number } };

/** wait until the simulation has advanced `dt` simulated seconds from now */
async function runsOn(page: Page, dt: number): Promise<void> {
  const t0 = (await state(page)).time as number;
  await page.waitForFunction(
    ([t, d]) => {
      const s = (window as unknown as { __mimic: { getState(): { time: number } } }).__mimic.getState();
      return s.time > t + d || s.time < t; // looped or went on
    },
    [t0, dt],
    { timeout: 120_000 },
  );
}

/** wait for the next policy driver (driverSerial past `serial`), idle */
const nextDriver = (page: Page, serial: number) =>
  page.waitForFunction(
    (n) => {
      const s = (window as unknown as { __mimic: { getState(): S } }).__mimic.getState();
      return s.status.driverSerial > n && s.driver === 'policy' && !s.busy;
    },
    serial,
    { timeout: 120_000 },
  );

describe('profiles and start in the Drive panel', { timeout: 400_000 }, () => {
  it('a profile that does not fit: named error, the policy keeps driving; one that fits runs; the start choice is applied, named with its shift, remembered', async () => {
    await withApp(app, async (page, problems) => {
      await loadG1Dance(page);
      await page.click('#tabbtn-drive');
      expect(await page.inputValue('#profile-select')).toBe('');
      const options = await page.$$eval('#profile-select option', (o) => o.map((x) => (x as HTMLOptionElement).value));
      expect(options).toEqual(expect.arrayContaining(['', 'holosoma-loco-t1', 'unitree-rl-lab', 'beyondmimic']));
      const s0 = await state(page);
      const serial = s0.status.driverSerial as number;

      await page.selectOption('#profile-select', 'holosoma-loco-t1'); // the T1's profile for a G1 policy
      await page.waitForFunction(
        () => (window as unknown as { __mimic: { getState(): S } }).__mimic.getState().errors.length > 0,
        undefined,
        { timeout: 120_000 },
      );
      const s1 = await state(page);
      const msg = s1.errors.map((e: { message: string }) => e.message).join('\n');
      expect(msg).toMatch(/holosoma-loco-t1\.json/);
      expect(s1.driver).toBe('policy');
      expect(s1.status.driverSerial).toBe(serial); // the running driver was not replaced
      await page.waitForFunction(() => !(window as unknown as { __mimic: { getState(): S } }).__mimic.getState().busy, undefined, {
        timeout: 60_000,
      });
      expect(await page.inputValue('#profile-select')).toBe(''); // back to what runs
      const q0 = (await state(page)).robot.jointPos as number[];
      await runsOn(page, 0.4);
      const s2 = await state(page);
      expect(s2.driver).toBe('policy');
      expect(Math.max(...q0.map((q, i) => Math.abs(q - s2.robot.jointPos[i])))).toBeGreaterThan(1e-3); // still moving

      await page.selectOption('#profile-select', 'unitree-rl-lab');
      await nextDriver(page, serial);
      await runsOn(page, 0.4);
      const s3 = await state(page);
      expect(s3.errors.length).toBe(s1.errors.length); // no new error
      expect(s3.policy.family).toBe('unitree-rl-lab');
      expect(await page.inputValue('#profile-select')).toBe('unitree-rl-lab');
      expect(s3.status.fallen).toBe(false);

      // the start choice (same page: one load of the G1 and the dance)
      expect(await page.inputValue('#start-select')).toBe('ground');
      await page.waitForFunction(
        () => /shift [-+]?\d+(\.\d{3})? m/.test(document.querySelector('#run-settings')?.textContent ?? ''),
        undefined,
        {
          timeout: 30_000,
        },
      );
      const serial2 = (await state(page)).status.driverSerial as number;
      await page.selectOption('#start-select', 'default-pose');
      await nextDriver(page, serial2);
      await runsOn(page, 0.4);
      expect(await page.textContent('#run-settings')).toMatch(/start: default pose/);
      const s4 = await state(page);
      expect(s4.errors.length).toBe(s1.errors.length);
      expect(s4.driver).toBe('policy');

      await reloadApp(page);
      await page.click('#tabbtn-drive');
      expect(await page.inputValue('#start-select')).toBe('default-pose');
      expect(await page.textContent('#run-settings')).toMatch(/start: default pose/);
      expect(problems.list).toEqual([]);
    });
  });
});
