/**
 * Cold start of the built app in headless Chromium (issue 18): first frame drawn, first robot drawn and
 * time-to-interactive (the app ready), ms from navigation start, on a cold visit (fresh browser context: empty
 * HTTP cache, no IndexedDB) and warm reloads. Read from the app's test hook (`timings`).
 */
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { serveBuiltApp, CHROMIUM_BASE_ARGS } from './chromium';

const OUT = 'test-results/bench-app-dist';
const ARGS = [...CHROMIUM_BASE_ARGS, '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

interface Timings {
  firstFrame: number;
  robotVisible: number;
  ready: number;
}

async function timings(page: Page): Promise<Timings> {
  await page.waitForFunction(
    () => {
      const t = (window as unknown as { __mimic?: { getState(): { timings: Record<string, number | null> } } }).__mimic?.getState().timings;
      return !!t && t.ready !== null && t.robotVisible !== null;
    },
    undefined,
    { timeout: 120_000 },
  );
  return page.evaluate(() => (window as unknown as { __mimic: { getState(): { timings: Timings } } }).__mimic.getState().timings);
}

export async function run(): Promise<void> {
  const exe = process.env.MIMIC_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(exe)) {
    console.log(`app-start bench: no Chromium at ${exe} (apt-get install -y chromium); skipped`);
    return;
  }
  const { url, server } = await serveBuiltApp(OUT);
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: ARGS });
  try {
    const rows: [string, Timings][] = [];
    for (let k = 0; k < 2; k++) {
      const ctx = await browser.newContext({ viewport: { width: 1200, height: 760 } });
      const page = await ctx.newPage();
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      rows.push([`cold ${k + 1}`, await timings(page)]);
      await page.reload({ waitUntil: 'domcontentloaded' });
      rows.push([`warm ${k + 1}`, await timings(page)]);
      await ctx.close();
    }
    console.log('\nApp start in headless Chromium (software GL), ms from navigation start');
    console.log('visit    first frame  robot drawn  interactive');
    for (const [name, t] of rows) {
      console.log(
        `${name.padEnd(7)}  ${t.firstFrame.toFixed(0).padStart(11)}  ${t.robotVisible.toFixed(0).padStart(11)}  ${t.ready.toFixed(0).padStart(11)}`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
