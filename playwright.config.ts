/**
 * End-to-end tests of the built app in Chromium with WebGPU on SwiftShader (no GPU on the test
 * machine). The browser is CHROMIUM_PATH, a system Chrome/Chromium, or Playwright's own
 * (installed when missing): test/support/findBrowser.ts. `npm run test:e2e` builds first; the
 * web server only previews dist/. Training on SwiftShader is slow, so every spec trains tiny
 * runs, one worker at a time.
 */
import { chromium, defineConfig } from '@playwright/test';
import { findBrowserHere } from './test/support/findBrowser';

/** E2E_PORT / E2E_DIST let two checkouts' E2E runs share a machine (defaults: 4173, dist). */
const port = Number(process.env.E2E_PORT ?? 4173);
const dist = process.env.E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: './e2e',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 200_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: findBrowserHere(() => chromium.executablePath()),
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--enable-unsafe-swiftshader',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --outDir ${dist}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
