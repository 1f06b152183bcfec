// What the browser walks share: chromium launched the same way (STACK.md §4), a check that throws
// with its message, and full-page screenshots into SHOT_DIR.
//
// Environment: GGZY_URL, SHOT_DIR, BROWSER_PROFILE (a fresh directory), CHROMIUM (default
// /usr/bin/chromium).

import { chromium } from 'playwright-core';
import path from 'node:path';

export const base = process.env.GGZY_URL;
const shots = process.env.SHOT_DIR;
if (!base || !shots) {
  console.error('GGZY_URL and SHOT_DIR must be set');
  process.exit(2);
}

export const TIMEOUT = 15_000;

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

export async function shot(page, name) {
  const file = path.join(shots, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
}

export async function launch(viewport) {
  const browser = await chromium.launchPersistentContext(process.env.BROWSER_PROFILE ?? '', {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // Without the networking flags chromium keeps calling home on a closed network (STACK.md §4).
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
    viewport,
    locale: 'zh-CN',
  });
  browser.setDefaultTimeout(TIMEOUT);
  return browser;
}

// Runs `walk(browser)`; on failure prints the error and screenshots every open page as
// `<prefix>-N.png`; closes the browser and exits 0 or 1.
export async function run(browser, prefix, walk) {
  let failed = false;
  try {
    await walk(browser);
  } catch (error) {
    failed = true;
    console.error(error);
    for (const page of browser.pages()) {
      try {
        await shot(page, `${prefix}-${browser.pages().indexOf(page)}.png`);
      } catch {
        // The page may be gone; the error above is what matters.
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
