/**
 * Headless Chromium for the browser end-to-end tests: Debian's `/usr/bin/chromium` driven by
 * `playwright-core` (no browser download). Host names used by the scenarios are mapped to
 * 127.0.0.1 with `--host-resolver-rules`, so nothing ever leaves loopback.
 *
 * In CI (`CI` set) a Chromium that is missing or cannot start fails the tests. Locally, a missing
 * executable skips them with a message.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Names the scenarios use; all resolve to 127.0.0.1 inside the browser only. */
export const ATTACKER_HOST = 'rebind.test';
export const EVIL_HOST = 'evil.test';
export const APP_HOST = 'app.test';

const inCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * Why the browser tests are skipped, or `undefined` when they must run. Never skips in CI.
 */
export function skipReason(): string | undefined {
  if (inCi) return undefined;
  if (!existsSync(CHROMIUM_PATH)) {
    return `browser e2e skipped: no Chromium at ${CHROMIUM_PATH} (install it, e.g. apt-get install chromium, or set CHROMIUM_PATH). In CI this is a failure.`;
  }
  return undefined;
}

export interface LaunchedBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches one headless Chromium. Playwright gives it a fresh temporary profile (user-data-dir)
 * that it deletes on close. Throws (never skips) on failure.
 */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const rules = [ATTACKER_HOST, EVIL_HOST, APP_HOST].map((host) => `MAP ${host} 127.0.0.1`).join(', ');
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      timeout: 30_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--host-resolver-rules=${rules}`,
      ],
    });
  } catch (error) {
    throw new Error(`Chromium at ${CHROMIUM_PATH} could not start: ${String(error)}`, { cause: error });
  }
  return {
    browser,
    close: () => browser.close(),
  };
}
