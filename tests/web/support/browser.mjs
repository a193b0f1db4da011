// Debian's Chromium driven by playwright-core: one browser per run, one context per fan (a
// context has its own localStorage, so two contexts are two people). Never downloads a
// browser; a Chromium that cannot start fails the run with a clear message.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.BOXOFFICE_CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', // the tests run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking', // a closed network: no calls home
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser() {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60000 });
  } catch (error) {
    throw new Error(
      `Chromium could not start from ${CHROMIUM}: ${error.message.split('\n')[0]}\n` +
        'Install Debian\'s chromium package (scripts/install-deps.sh does) or set BOXOFFICE_CHROMIUM.',
    );
  }
}

// A fan's (or operator's) own browser context and page. Every page error, failed request
// to our server and Content-Security-Policy report is collected in `problems`.
export async function openPage(browser, base, { viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ baseURL: base, viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.setDefaultTimeout(20000);
  return { context, page, problems };
}

export function artifactsDir() {
  const dir = process.env.BOXOFFICE_WEB_ARTIFACTS || path.resolve('web-artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

// Saves `name`-desktop.png and `name`-phone.png (390 px wide) of the page as it is now.
export async function screenshots(page, name) {
  const dir = artifactsDir();
  const before = page.viewportSize();
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(dir, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(dir, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(before || DESKTOP);
}

// Presses Tab (or Shift+Tab) until the focused element matches `selector`; keyboard only.
export async function tabTo(page, selector, { backwards = false, limit = 60 } = {}) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector} was not reached with ${limit} presses of ${backwards ? 'Shift+Tab' : 'Tab'}`);
}
