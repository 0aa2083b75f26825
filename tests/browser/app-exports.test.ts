// Real-export shapes dropped on the app (issue 10): an embedded-reference export (BeyondMimic interface, its
// reference selected by time_step and clamped past its last frame) dropped ALONE plays on its own reference, for
// its own length, and the Run box names its family; a policy saved with external weights loads when both files are
// dropped together; without its .data file it is a named error and the app keeps playing what it had.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beyondMimicMeta, externalDataExport } from '../unit/families-fixture';
import { embeddedExport } from '../unit/policy-fixture';
import { useApp, DANCE, state, waitReady, watch } from './app-server';

const app = useApp();
const FRAMES = 100; // 2 s at 50 Hz

const file = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

async function withPage(body: (page: Page, problems: { list: string[] }) => Promise<void>): Promise<void> {
  const ctx = await app.browser.newContext({ viewport: { width: 1200, height: 760 } });
  const page = await ctx.newPage();
  const problems = watch(page);
  try {
    await page.goto(app.url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
    await waitReady(page, 90_000);
    await body(page, problems);
  } finally {
    await ctx.close();
  }
}

const waitPolicy = (page: Page, family: string) =>
  page.waitForFunction(
    (f) => {
      const s = (
        window as unknown as { __mimic: { getState(): { driver: string; busy: boolean; policy: { family: string } | null } } }
      ).__mimic.getState();
      return s.driver === 'policy' && !s.busy && s.policy?.family === f;
    },
    family,
    { timeout: 120_000 },
  );

describe('real export shapes dropped on the app', { timeout: 300_000 }, () => {
  it('an embedded-reference export dropped alone plays its own reference for its own length; the Run box names the family', async () => {
    await withPage(async (page, problems) => {
      await page.setInputFiles('#file-input', [file('policy.onnx', embeddedExport(FRAMES, true, beyondMimicMeta()))]);
      await waitPolicy(page, 'beyondmimic');
      const s0 = await state(page);
      expect(s0.errors).toEqual([]);
      expect(s0.policy).toMatchObject({ family: 'beyondmimic', source: 'metadata', embedded: true });
      // the transport shows the policy's own motion length (100 frames at 50 Hz), not the built-in clip's
      expect(s0.status.duration).toBeGreaterThan(1.9);
      expect(s0.status.duration).toBeLessThan(2.1);
      // its reference moves the joints by 0.01 rad per frame: after a second of play the ghost has moved
      await page.waitForFunction(
        () => (window as unknown as { __mimic: { getState(): { time: number } } }).__mimic.getState().time > 1.0,
        undefined,
        { timeout: 120_000 },
      );
      const s1 = await state(page);
      expect(Math.max(...s1.reference.jointPos.map((q: number) => Math.abs(q)))).toBeGreaterThan(0.2);
      await page.click('#tabbtn-drive').catch(() => {});
      expect(await page.locator('body').innerText()).toMatch(/beyondmimic · config from metadata · carries its reference/);
      expect(s1.errors).toEqual([]);
      expect(problems.list).toEqual([]);
    });
  });

  it('policy.onnx + policy.onnx.data dropped together load; without the .data: a named error, the previous driver keeps playing', async () => {
    await withPage(async (page, problems) => {
      const { model, data } = externalDataExport(154, 'policy.onnx.data');
      const yaml = readFileSync(`${DANCE}/deploy.yaml`);
      await page.setInputFiles('#file-input', [
        file('policy.onnx', model),
        file('policy.onnx.data', data),
        { name: 'deploy.yaml', mimeType: 'text/yaml', buffer: yaml },
      ]);
      await waitPolicy(page, 'unitree-rl-lab');
      const s0 = await state(page);
      expect(s0.errors).toEqual([]);
      const t0 = s0.time;
      await page.waitForFunction(
        (t) => (window as unknown as { __mimic: { getState(): { time: number } } }).__mimic.getState().time > t + 0.5,
        t0,
        { timeout: 120_000 },
      );

      await page.setInputFiles('#file-input', [file('lonely.onnx', model)]);
      await page.waitForFunction(
        () => (window as unknown as { __mimic: { getState(): { errors: unknown[] } } }).__mimic.getState().errors.length > 0,
        undefined,
        { timeout: 60_000 },
      );
      const s1 = await state(page);
      expect(s1.errors.map((e: { message: string }) => e.message).join('\n')).toMatch(/policy\.onnx\.data/);
      expect(s1.driver).toBe('policy');
      const t1 = s1.time;
      await page.waitForFunction(
        (t) => (window as unknown as { __mimic: { getState(): { time: number } } }).__mimic.getState().time > t + 0.3,
        t1,
        { timeout: 60_000 },
      );
      expect(problems.list).toEqual([]);
    });
  });
});
