// Objects in the app (built, headless Chromium): a ball added from the Objects panel falls and rests on the floor;
// a SkillMimic-style skill-conditioned ONNX (proprioception + object observations + skill one-hot, built here with
// the test ONNX encoder) drives the built-in humanoid with the ball; keys 1–3 switch its skill live; key 5 (past
// its 3 skills) is a named PolicyError and the app keeps running. Terrain + object error (issue 16): a reference
// object track (given through window.__mimicObjects) puts a ghost ball and an object-error series on the chart;
// slope 5° from the panel: the hook reports it, the robot and the reference (ghost, metrics) stand on the slope.
// The kick demo button: built-in humanoid + ball + a reference carrying the ball; the ball is kicked and its error
// charted. Waits are on control steps.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadRobot } from '../../src/core/model';
import { skillObjectPolicy, SKILL_OBJECT_PROFILE } from '../unit/objects-skill-policy';
import { useApp, withApp, chooseTerrain, state, SHOTS } from './app-server';
import { terrainHeight } from '../../src/core/physics/terrain';
import { terrainOf } from '../../src/core/physics/terrain-engines';
import { TERRAIN_CHOICES } from '../../src/app/terrain-state';

const app = useApp();
const model = loadRobot('humanoid29.xml', readFileSync('public/robots/humanoid29.xml', 'utf8'));

/** Wait until the app has run `n` more control steps (bounded by simulated steps). */
async function steps(page: Page, n: number): Promise<void> {
  const from = (await state(page)).step;
  await page.waitForFunction((k) => (window as any).__mimic.getState().step >= k, from + n, { timeout: 120_000 });
}

describe('objects in the app', { timeout: 300_000 }, () => {
  it('a ball from the panel, a skill policy with object observations, skills switched by key', async () => {
    await withApp(app, async (page) => {
      // the panel's own controls, driven through the DOM (the tab may be hidden; clicks wait on a busy SwiftShader page)
      await page.evaluate(() => {
        (document.getElementById('object-pos') as HTMLInputElement).value = '0.6 0.3 0.6';
        document.getElementById('object-add')!.click();
      });
      await page.waitForFunction(() => (window as any).__mimic.getState().objects.list.length === 1, undefined, { timeout: 120_000 });
      await steps(page, 60);
      const ball = (await state(page)).objects.list[0];
      expect(ball.name).toBe('sphere1');
      expect(ball.pos[2]).toBeLessThan(0.2); // fell from 0.6 m onto the floor (r 0.11)

      const { bytes } = skillObjectPolicy(model);
      await page.setInputFiles('#file-input', [
        { name: 'skill.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) },
        { name: 'skill.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(SKILL_OBJECT_PROFILE)) },
      ]);
      await page.waitForFunction(
        () => {
          const s = (window as any).__mimic.getState();
          return s.driver === 'policy' && !s.busy && s.objects.skillOneHot.length === 3;
        },
        undefined,
        { timeout: 120_000 },
      );
      const oneHot = async (key: string, want: number[]) => {
        await page.keyboard.press(key);
        await page.waitForFunction((w) => (window as any).__mimic.getState().objects.skillOneHot.join() === w.join(), want, {
          timeout: 30_000,
        });
        await steps(page, 10);
      };
      await oneHot('2', [0, 1, 0]);
      await oneHot('3', [0, 0, 1]);
      await oneHot('1', [1, 0, 0]);
      await page.keyboard.press('5');
      await page.waitForFunction(() => (window as any).__mimic.getState().errors.some((e: any) => e.kind === 'PolicyError'), undefined, {
        timeout: 30_000,
      });
      const s = await state(page);
      const err = s.errors.find((e: any) => e.kind === 'PolicyError');
      expect(err.message).toMatch(/skill 4 outside 0\.\.2/);
      expect(s.objects.skillOneHot).toEqual([1, 0, 0]);
      expect(s.simHost).toBe('worker'); // objects, their observations and the skill keys in the simulation worker
      await steps(page, 10); // still running
      expect((await state(page)).driver).toBe('policy');
      await page.screenshot({ path: `${SHOTS}/objects-skill.png` });
    });
  });

  it('object error on the chart from a reference object track; slope 5° from the panel, the robot on it', async () => {
    await withApp(app, async (page) => {
      await page.evaluate(() => {
        (document.getElementById('object-pos') as HTMLInputElement).value = '0.6 0.3 0.3';
        document.getElementById('object-add')!.click();
      });
      await page.waitForFunction(() => (window as any).__mimic.getState().objects.list.length === 1, undefined, { timeout: 120_000 });
      await steps(page, 40);
      const track = async (at: number[]) => {
        await page.evaluate((p) => {
          const pos: number[] = [],
            quat: number[] = [];
          for (let f = 0; f < 200; f++) {
            pos.push(...p);
            quat.push(1, 0, 0, 0);
          }
          (window as any).__mimicObjects.setTrack({ name: 'sphere1', pos, quat }, 50);
        }, at);
        await steps(page, 20);
        await page.waitForFunction(() => (window as any).__mimic.getState().objects.errorPoints > 3, undefined, { timeout: 120_000 });
        return (await state(page)).objects;
      };
      const ball = (await state(page)).objects.list[0].pos as number[];
      const near = await track(ball);
      expect(near.ghosts).toBe(1);
      expect(near.lastError).toBeLessThan(0.08); // the ball rests where the reference puts it
      const far = await track([ball[0] + 1, ball[1], ball[2]]);
      expect(far.lastError).toBeGreaterThan(0.9); // 1 m away: the core metric's |p − p̂|
      expect(far.lastError).toBeLessThan(1.1);
      expect(await page.evaluate(() => getComputedStyle(document.getElementById('chart-objectErr')!).display)).not.toBe('none');
      await page.screenshot({ path: `${SHOTS}/objects-error.png` });

      await page.evaluate(() => {
        document.getElementById('object-clear')!.click();
      });
      await page.waitForFunction(() => (window as any).__mimic.getState().objects.list.length === 0, undefined, { timeout: 120_000 });
      await chooseTerrain(page, 'slope 5°');
      await page
        .waitForFunction(
          () => {
            const s = (window as any).__mimic.getState();
            return s.terrain === 'slope 5°' && !s.busy && s.driver !== 'replay';
          },
          undefined,
          { timeout: 120_000 },
        )
        .catch(async (e) => {
          const s = await state(page); // what it was waiting on, for the log
          console.log(
            'slope wait:',
            JSON.stringify({ terrain: s.terrain, busy: s.busy, driver: s.driver, host: s.simHost, errors: s.errors }),
          );
          throw e;
        });
      await steps(page, 60);
      const s = await state(page);
      const g = terrainOf(TERRAIN_CHOICES['slope 5°']);
      const [x, y, z] = s.robot.rootPos as number[];
      const ground = terrainHeight(g, x, y);
      expect(ground).toBeGreaterThan(0.2); // the slope is under the robot (3 m · tan 5° at x = 0)
      // the reference (the ghost, the metrics) is raised onto the slope: its root stands as high above the ground
      // under it as a standing humanoid's (0.6–1 m), and the robot's root is where the reference's is
      const [rx, ry, rz] = s.reference.rootPos as number[];
      expect(rz - terrainHeight(g, rx, ry)).toBeGreaterThan(0.6);
      expect(rz - terrainHeight(g, rx, ry)).toBeLessThan(1);
      expect(Math.abs(z - rz)).toBeLessThan(0.12);
      expect(s.metrics.lastAnchorErr).toBeLessThan(0.15); // the app's anchor error against the raised reference
      expect(s.errors.filter((e: any) => /terrain|slope/i.test(e.message))).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/objects-slope.png` });
    });
  });

  it('kick demo: one button sets up the humanoid, the ball and the reference that carries it; the object error is charted', async () => {
    await withApp(app, async (page) => {
      await page.evaluate(() => document.getElementById('object-kick')!.click());
      const dump = async () => {
        const s = await state(page);
        console.log(JSON.stringify({ busy: s.busy, driver: s.driver, segments: s.segments, objects: s.objects.list, errors: s.errors }));
      };
      await page
        .waitForFunction(
          () => {
            const s = (window as any).__mimic.getState();
            return (
              !s.busy &&
              s.driver === 'builtin' &&
              s.segments[0]?.clipId === 'clip:builtin:kick_ball' &&
              s.objects.list.length === 1 &&
              s.objects.list[0].name === 'ball'
            );
          },
          undefined,
          { timeout: 120_000 },
        )
        .catch(async (e: unknown) => {
          await dump();
          throw e;
        });
      const s0 = await state(page);
      expect(s0.assist).toBe(1);
      const x0 = s0.objects.list[0].pos[0] as number;
      // the clip (loop off, from step 0): 0.4 s still, 1.2 s swing out, 1.2 s back, 0.6 s still = 169 steps at 50 Hz
      await page
        .waitForFunction(() => (window as any).__mimic.getState().step >= 160, undefined, { timeout: 120_000 })
        .catch(async (e: unknown) => {
          await dump();
          throw e;
        });
      const s = await state(page);
      const moved = (s.objects.list[0].pos[0] as number) - x0;
      console.log(`kick demo in the app: ball moved ${moved.toFixed(2)} m, object error ${s.objects.lastError} m`);
      expect(moved).toBeGreaterThan(0.5); // kicked forward (core test: 3.8 m in Rapier over the whole clip)
      expect(s.objects.ghosts).toBe(1);
      expect(s.objects.errorPoints).toBeGreaterThan(3); // sampled per drawn frame (few on a slow headless page)
      expect(Number.isFinite(s.objects.lastError)).toBe(true);
      expect(await page.evaluate(() => getComputedStyle(document.getElementById('chart-objectErr')!).display)).not.toBe('none');
      expect(s.errors.filter((e: any) => e.kind !== 'Note' && e.kind !== 'Warning')).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/objects-kick.png` });
    });
  });
});
