// Composing policies in the app (issue 11): the G1 with the holosoma walker and the shared g1-dance-102 export loaded
// together; the timeline runs walker (steered 0.3 m/s) → 0.5 s transition → the dance policy on its clip → 0.5 s →
// walker, each segment with its own policy. No fall reset; the largest joint-target jump in a transition stays within
// what the crossfade allows (reported by the hook) and under what an instant switch would jump. Then key "2" switches
// to the dance skill live, with the same transition. Bounded by control steps (the hook's step count).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp, withApp, loadG1Dance, state, expectClean } from './app-server';

const app = useApp();
const WALKER = '../shared/assets/policies/holosoma-loco-g1/fastsac_g1_29dof.onnx';

type Hook = { getState(): { step: number; busy: string; skills: { names: string[]; current: number } | null } };
/** Wait for control step n, then pause in the same page task (the simulation runs in real time: round trips from a
 * loaded test process must not let it run on to the timeline's loop). */
const pauseAtStep = (page: Page, n: number) =>
  page.waitForFunction(
    (k) => {
      if ((window as unknown as { __mimic: Hook }).__mimic.getState().step < k) return false;
      (document.getElementById('pause') as HTMLButtonElement).click();
      return true;
    },
    n,
    { timeout: 240_000, polling: 50 },
  );

async function setNumber(page: Page, sel: string, v: number): Promise<void> {
  await page.locator(sel).fill(String(v));
  await page.locator(sel).dispatchEvent('change');
}

/** Segment i: its policy (by name), what it follows, its command, out point and fade. */
async function segment(page: Page, i: number, o: { policy: string; mode: string; cmd?: string; out: number; fade: number }) {
  const seg = `.seg[data-index="${i}"]`;
  await page.locator(`${seg} .seg-policy`).selectOption({ label: o.policy });
  await page.locator(`${seg} .seg-mode`).selectOption(o.mode);
  if (o.cmd) {
    await page.locator(`${seg} .seg-cmd`).fill(o.cmd);
    await page.locator(`${seg} .seg-cmd`).dispatchEvent('change');
  }
  await setNumber(page, `${seg} .seg-in`, 0);
  await setNumber(page, `${seg} .seg-out`, o.out);
  await setNumber(page, `${seg} .seg-fade`, o.fade);
}

describe('composing policies on the timeline', { timeout: 600_000 }, () => {
  it('walker → 0.5 s → dance policy → 0.5 s → walker without a fall reset; jumps within the crossfade; key 2 switches live', async () => {
    await withApp(app, async (page, problems) => {
      page.setDefaultTimeout(180_000); // a loaded machine: clicks wait for a busy page (work is bounded by steps)
      await loadG1Dance(page, undefined, 240_000);
      await page.setInputFiles('#file-input', [WALKER]);
      await page.waitForFunction(
        () => {
          const s = (window as any).__mimic.getState();
          return s.policyId && s.assets.some((a: any) => a.name.startsWith('fastsac')) && !s.busy && s.driver === 'policy';
        },
        undefined,
        { timeout: 240_000 },
      );
      await page.click('#pause');
      await page.click('#tabbtn-timeline');
      const assets = (await state(page)).assets as { kind: string; name: string }[];
      const dance = assets.find((a) => a.kind === 'policy' && !a.name.startsWith('fastsac'))!;
      const clip = assets.find((a) => a.kind === 'clip' && a.name.startsWith('G1_Take_102'))!;
      await page.selectOption('#add-clip', { label: clip.name });
      await page.click('#add-segment');
      await page.click('#add-segment');
      await segment(page, 0, { policy: 'fastsac_g1_29dof.onnx', mode: 'command', cmd: '0.3,0,0', out: 2, fade: 0.5 });
      await segment(page, 1, { policy: dance.name, mode: 'clip', out: 3, fade: 0.5 });
      await segment(page, 2, { policy: 'fastsac_g1_29dof.onnx', mode: 'command', cmd: '0.2,0,0', out: 3, fade: 0.5 });
      await page.waitForFunction(
        () => {
          const s = (window as any).__mimic.getState();
          return !s.busy && s.skills?.names.length === 3;
        },
        undefined,
        { timeout: 120_000 },
      );
      await page.click('#restart');
      await page.click('#play');
      // segments start at 0 (walk 2 s), 1.5 (dance 3 s), 4.0 (walk 3 s): both transitions are over at 4.5 s (step 225);
      // the loop starts the first walker again at 6.5 s (step 325)
      await pauseAtStep(page, 230);
      const s = await state(page);
      console.log('app-compose', JSON.stringify({ skills: s.skills, fallResets: s.fallResets, step: s.step }));
      expect(s.fallResets).toBe(0);
      expect(s.simHost).toBe('worker'); // the skill timeline runs in the simulation worker
      expect(s.skills.names).toEqual([
        '1: fastsac_g1_29dof.onnx (steered)',
        `2: ${dance.name} on ${clip.name}`,
        '3: fastsac_g1_29dof.onnx (steered)',
      ]);
      const st = s.skills.stats;
      expect(st.transitions).toBe(2);
      expect(s.skills.current).toBe(2);
      expect(st.maxJumpTransition).toBeGreaterThan(0);
      expect(st.maxJumpTransition).toBeLessThanOrEqual(st.maxJumpBound);
      expect(st.maxGapAtSwitch).toBeGreaterThan(st.maxJumpTransition);
      // the robot is upright and walked somewhere
      expect(s.robot.rootPos[2]).toBeGreaterThan(0.5);

      // live: key 2 = the dance skill, with the same 0.5 s transition (the second walker runs until 6.5 s)
      const before = (await state(page)).skills;
      expect(before.current).toBe(2);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('2'); // paused: the switch runs before the next control step
      const pressed = (await state(page)).step;
      expect(pressed).toBeLessThan(300); // paused well before the loop (step 325)
      await page.click('#play');
      await pauseAtStep(page, pressed + 30);
      const after = await state(page);
      expect(after.skills.current).toBe(1);
      expect(after.skills.stats.transitions).toBe(before.stats.transitions + 1);
      expect(after.skills.stats.maxJumpTransition).toBeLessThanOrEqual(after.skills.stats.maxJumpBound);
      expect(after.fallResets).toBe(0);
      await expectClean(page, problems);
    });
  });
});
