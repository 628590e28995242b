/**
 * The built app's Content-Security-Policy (vite.config.ts): both pages are served with it (as a
 * header and as a <meta> tag), the app loads, starts its worker, trains a tiny run and opens the
 * lab without one violation, and what the policy is for holds: an injected inline script, an
 * inline event handler, a javascript: URL, eval and new Function are all refused and reported,
 * in the page and in the training worker, and the app cannot be framed.
 */
import { expect, test, type ConsoleMessage, type Page } from '@playwright/test';
import { LabPage } from './pages/LabPage';
import { TrickLabPage } from './pages/TrickLabPage';

declare global {
  interface Window {
    __cspViolations: string[];
    __inlineRan?: boolean;
    __handlerRan?: boolean;
    __jsUrlRan?: boolean;
  }
}

/**
 * Runs before the page's scripts: keeps every violation the page reports as 'policy directive
 * blocked-uri', where policy is 'header' or 'meta' (the header's has frame-ancestors). Both
 * policies are enforced, so each refusal is reported twice.
 */
function recordViolations(): void {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    const policy = e.originalPolicy.includes('frame-ancestors') ? 'header' : 'meta';
    window.__cspViolations.push(`${policy} ${e.effectiveDirective} ${e.blockedURI}`);
  });
}

/** Watches a page: its violations (from the page) and CSP messages on its console (page and workers). */
async function watch(page: Page): Promise<{ violations: () => Promise<string[]>; cspConsole: string[] }> {
  const cspConsole: string[] = [];
  const onConsole = (m: ConsoleMessage) => {
    if (/content security policy|refused to/i.test(m.text())) cspConsole.push(m.text());
  };
  page.on('console', onConsole);
  page.on('worker', (w) => w.on('console', onConsole));
  await page.addInitScript(recordViolations);
  return { violations: () => page.evaluate(() => window.__cspViolations), cspConsole };
}

test('both pages are served with the policy, as a header and as a meta tag', async ({ request }) => {
  for (const path of ['/', '/bench.html']) {
    const response = await request.get(path);
    const header = response.headers()['content-security-policy'];
    const directives = new Map(header.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources.join(' ')]));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self' 'wasm-unsafe-eval'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self' https: http://localhost:* http://127.0.0.1:*");
    expect(directives.get('manifest-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    // The meta tag is the same policy less frame-ancestors (which browsers ignore in a meta).
    const html = await response.text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
    expect(meta).toBe(header.replace(/; frame-ancestors 'none'$/, ''));
    // No inline script or style in the built pages.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
  }
});

test('the app loads, trains a tiny run and opens the lab without a violation', async ({ page }) => {
  test.setTimeout(120_000);
  const csp = await watch(page);
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu');
  await expect(app.backendName).toHaveText(/cpu/, { timeout: 60_000 });
  await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
  await app.configure({ trainLimit: 64 });
  await app.runToCompletion(90_000);
  await expect(app.chart('loss-chart').locator('svg').first()).toBeVisible();

  await page.getByTestId('tab-lab').click();
  await expect(page.getByTestId('lab-view')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
  await expect(new LabPage(page).plannedConfigs()).toBeVisible();

  expect(await csp.violations()).toEqual([]);
  expect(csp.cspConsole).toEqual([]);
});

test('the manifest and the icons in public/ load under the policy', async ({ page, request }) => {
  const csp = await watch(page);
  await page.goto('/?backend=cpu');
  await expect(new TrickLabPage(page).backendName).toHaveText(/cpu/, { timeout: 60_000 });
  // Chromium fetches the manifest on demand (installability): ask for it as DevTools does.
  const cdp = await page.context().newCDPSession(page);
  const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data?: string };
  expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
  expect(manifest.errors).toEqual([]);
  expect(JSON.parse(manifest.data ?? '{}').name).toBe('Trick Lab');
  for (const [path, type] of [['/favicon.svg', 'image/svg+xml'], ['/icon-192.png', 'image/png'], ['/icon-512.png', 'image/png'], ['/datasets/index.json', 'application/json']]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['content-type'], path).toContain(type);
  }
  expect(await page.evaluate(() => [...document.querySelectorAll('link[rel~="icon"]')].map((l) => (l as HTMLLinkElement).getAttribute('href')))).toEqual(['/favicon.svg', '/icon-192.png']);
  expect(await csp.violations()).toEqual([]);
  expect(csp.cspConsole).toEqual([]);
});

test('the bench page loads without a violation', async ({ page }) => {
  const csp = await watch(page);
  await page.goto('/bench.html');
  await expect(page.getByTestId('bench-status')).toHaveText('idle');
  await expect(page.getByTestId('bench-depth')).toBeVisible();
  // Its stylesheet applied (it was an inline <style> before the policy).
  expect(await page.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('1120px');
  expect(await csp.violations()).toEqual([]);
  expect(csp.cspConsole).toEqual([]);
});

test('inline script, inline handlers, javascript: URLs, eval and new Function are refused and reported', async ({ page }) => {
  const csp = await watch(page);
  await page.goto('/?backend=cpu');
  await expect(new TrickLabPage(page).backendName).toHaveText(/cpu/, { timeout: 60_000 });

  const outcome = await page.evaluate(async () => {
    const settle = () => new Promise((r) => setTimeout(r, 300));
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    document.head.append(script);
    const button = document.createElement('button');
    button.setAttribute('onclick', 'window.__handlerRan = true');
    document.body.append(button);
    button.click();
    const link = document.createElement('a');
    link.href = 'javascript:window.__jsUrlRan = true';
    document.body.append(link);
    link.click();
    const refusal = (run: () => unknown) => {
      try {
        run();
        return 'ran';
      } catch (err) {
        return (err as Error).name;
      }
    };
    // From a task of the page's own: code evaluated by the test itself (DevTools) may eval.
    const later = <T,>(run: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(run()), 0));
    const evalResult = await later(() => refusal(() => (0, eval)('1 + 1')));
    const functionResult = await later(() => refusal(() => new Function('return 1')()));
    const timerString = await later(() => refusal(() => window.setTimeout('window.__inlineRan = true', 0)));
    await settle();
    script.remove();
    button.remove();
    link.remove();
    return { inline: window.__inlineRan ?? false, handler: window.__handlerRan ?? false, jsUrl: window.__jsUrlRan ?? false, evalResult, functionResult, timerString };
  });
  expect(outcome).toEqual({ inline: false, handler: false, jsUrl: false, evalResult: 'EvalError', functionResult: 'EvalError', timerString: 'ran' });
  // setTimeout with a string does not throw: the browser refuses to compile it and reports it.
  const expected = ['header', 'meta'].flatMap((policy) => [
    `${policy} script-src-elem inline`, // the <script>
    `${policy} script-src-attr inline`, // onclick
    `${policy} script-src-elem inline`, // the javascript: link
    `${policy} script-src eval`, // eval
    `${policy} script-src eval`, // new Function
    `${policy} script-src eval`, // setTimeout('…')
  ]);
  await expect.poll(async () => (await csp.violations()).sort()).toEqual(expected.sort());
  expect(await page.evaluate(() => window.__inlineRan)).toBeUndefined();

  // Connections go to this site, https and loopback only (192.0.2.1 is a documentation address).
  expect(await page.evaluate(() => fetch('http://192.0.2.1/x').then(() => 'fetched', (err: Error) => err.name))).toBe('TypeError');
  await expect.poll(async () => (await csp.violations()).filter((v) => v.includes('connect-src')).sort()).toEqual(['header connect-src http://192.0.2.1/x', 'meta connect-src http://192.0.2.1/x']);

  // The training worker is under the policy too (its script's response carries the header).
  const worker = page.workers()[0];
  expect(worker.url()).toMatch(/\/assets\/trainingWorker-.+\.js$/);
  const inWorker = await worker.evaluate(
    () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          try {
            resolve(String((0, eval)('1 + 1')));
          } catch (err) {
            resolve((err as Error).name);
          }
        }, 0),
      ),
  );
  expect(inWorker).toBe('EvalError');
});

test('another site cannot frame the app', async ({ page, baseURL }) => {
  // A page on another origin (127.0.0.1 is not localhost), served by the test, frames bench.html.
  const framer = `${baseURL!.replace('localhost', '127.0.0.1')}/framer.html`;
  await page.route(framer, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><iframe src="${baseURL}/bench.html"></iframe>` }));
  await page.goto(framer);
  await expect.poll(() => page.frames()[1]?.url(), { timeout: 10_000 }).toMatch(/^chrome-error:/);

  // Control: without the header (the meta tag cannot forbid framing) the same page is framed.
  await page.route(`${baseURL}/bench.html`, async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response, headers });
  });
  await page.reload();
  await expect.poll(() => page.frames()[1]?.url(), { timeout: 10_000 }).toBe(`${baseURL}/bench.html`);
});
