// Shared steps of the Evaluate-panel browser tests: open the tab, set a numeric field, run and wait for the end.
import type { Page } from 'playwright-core';

/** open the Evaluate tab and wait for its Run button */
export async function openEvaluate(page: Page): Promise<void> {
  await page.click('#tabbtn-evaluate');
  await page.waitForSelector('#eval-run', { state: 'visible', timeout: 30_000 });
}

/** type a value into a panel field and leave it (the panel reads fields on change) */
export async function setField(page: Page, sel: string, value: string): Promise<void> {
  await page.locator(sel).fill(value);
  await page.locator(sel).press('Tab');
}

/** press Run and wait until the summary is filled in or the status names a failure (bounded by timeoutMs); a
 *  summary left by an earlier run on the same page is cleared first, so only this run's counts */
export async function runEvaluation(page: Page, timeoutMs: number): Promise<void> {
  await page.evaluate(() => delete (document.getElementById('eval-summary') as HTMLElement).dataset.summary);
  await page.click('#eval-run');
  await page.waitForFunction(
    () =>
      !!(document.getElementById('eval-summary') as HTMLElement).dataset.summary ||
      /failed|Cannot run/.test(document.getElementById('eval-status')!.textContent ?? ''),
    undefined,
    { polling: 100, timeout: timeoutMs },
  );
}
