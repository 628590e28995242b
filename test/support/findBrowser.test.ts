import { describe, expect, it } from 'vitest';
import { findBrowser, type BrowserSearch } from './findBrowser';

const OWN = '/home/u/.cache/ms-playwright/chromium-1200/chrome-linux/chrome';

function search(present: string[], patch: Partial<BrowserSearch> = {}): BrowserSearch & { installs: number } {
  const files = new Set(present);
  const s = {
    env: {},
    platform: 'linux' as NodeJS.Platform,
    exists: (p: string) => files.has(p),
    playwrightChromium: () => OWN,
    install: () => {
      s.installs++;
      files.add(OWN);
    },
    log: () => undefined,
    installs: 0,
    ...patch,
  };
  return s;
}

describe('findBrowser', () => {
  it('takes CHROMIUM_PATH first, and refuses one that is not there', () => {
    expect(findBrowser(search(['/x/chrome', '/usr/bin/chromium'], { env: { CHROMIUM_PATH: '/x/chrome' } }))).toBe('/x/chrome');
    expect(() => findBrowser(search(['/usr/bin/chromium'], { env: { CHROMIUM_PATH: '/x/chrome' } }))).toThrow('CHROMIUM_PATH names /x/chrome, which does not exist');
  });

  it("finds the system browser of each platform before Playwright's", () => {
    expect(findBrowser(search(['/usr/bin/google-chrome', OWN]))).toBe('/usr/bin/google-chrome');
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findBrowser(search([mac], { platform: 'darwin' }))).toBe(mac);
    const win = 'C:\\Users\\u\\AppData\\Local/Google/Chrome/Application/chrome.exe';
    expect(findBrowser(search([win], { platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' } }))).toBe(win);
  });

  it("uses Playwright's Chromium when installed, and installs it when nothing is found", () => {
    expect(findBrowser(search([OWN]))).toBe(OWN);
    const bare = search([]);
    expect(findBrowser(bare)).toBe(OWN);
    expect(bare.installs).toBe(1);
  });

  it('says what to install when the install fails (no network)', () => {
    const offline = search([], { install: () => { throw new Error('getaddrinfo ENOTFOUND playwright.azureedge.net'); } });
    expect(() => findBrowser(offline)).toThrow(
      "No Chrome or Chromium found, and installing Playwright's failed (getaddrinfo ENOTFOUND playwright.azureedge.net). Install Google Chrome or Chromium, or run `npx playwright install chromium` where the network allows, or set CHROMIUM_PATH to a Chromium executable.",
    );
  });
});
