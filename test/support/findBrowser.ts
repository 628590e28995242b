/**
 * Finds the Chromium the E2E tests drive, so `npm test` works on any machine: CHROMIUM_PATH, then
 * a system Chrome or Chromium where Linux, macOS and Windows put them, then Playwright's own
 * Chromium, installed on the spot (`npx playwright install chromium`) when none is there and the
 * network allows; failing all of that, an error that says what to install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../src/engine/errorMessage';

export interface BrowserSearch {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  exists: (path: string) => boolean;
  /** Where Playwright's own Chromium lives (whether or not it is installed). */
  playwrightChromium: () => string;
  /** Installs Playwright's Chromium; throws when it cannot (no network). */
  install: () => void;
  log: (line: string) => void;
}

/** System browsers, most likely first, for one platform. */
export function systemCandidates(platform: NodeJS.Platform, env: Record<string, string | undefined>): string[] {
  if (platform === 'darwin') {
    return ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary'].map(
      (app) => `/Applications/${app}`,
    );
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => Boolean(r));
    return roots.flatMap((root) => [join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'), join(root, 'Chromium', 'Application', 'chrome.exe')]);
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/opt/google/chrome/chrome'];
}

/** The browser's executable path; see the file comment for the order. */
export function findBrowser(search: BrowserSearch): string {
  const named = search.env.CHROMIUM_PATH;
  if (named) {
    if (!search.exists(named)) throw new Error(`CHROMIUM_PATH names ${named}, which does not exist; fix it or unset it to let the tests find a browser.`);
    return named;
  }
  const system = systemCandidates(search.platform, search.env).find(search.exists);
  if (system) return system;
  const own = search.playwrightChromium();
  if (search.exists(own)) return own;
  search.log('No Chrome or Chromium found; installing Playwright\'s Chromium (npx playwright install chromium)…');
  try {
    search.install();
  } catch (e) {
    throw new Error(
      `No Chrome or Chromium found, and installing Playwright's failed (${errorMessage(e)}). ` +
        'Install Google Chrome or Chromium, or run `npx playwright install chromium` where the network allows, or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
  if (!search.exists(own)) throw new Error(`npx playwright install chromium finished, but ${own} is not there; set CHROMIUM_PATH to a Chromium executable.`);
  return own;
}

/** The search on this machine. */
export function findBrowserHere(playwrightChromium: () => string): string {
  return findBrowser({
    env: process.env,
    platform: process.platform,
    exists: existsSync,
    playwrightChromium,
    install: () => execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' }),
    log: (line) => console.log(line),
  });
}
