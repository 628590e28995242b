// Before the first step on WebGPU the run creates its GPU pipelines and says how far it is:
// "compiling GPU kernels k of n". A fresh page (not the specs' shared one, whose worker already
// holds every pipeline: ours no longer differ by layer shape), and every text the phase line
// takes is recorded in the page by a MutationObserver, so a fast compile is not missed between
// two polls.
import { expect, test } from '@playwright/test';
import { TrickLabPage } from './pages/TrickLabPage';

declare global {
  interface Window {
    phaseTexts?: string[];
  }
}

test('the run shows kernel compilation k of n before its first step', async ({ page }) => {
  test.setTimeout(200_000);
  const app = new TrickLabPage(page);
  await app.ensureReady();
  await app.configure({ batchSize: 24, trainLimit: 48, valLimit: 24 });
  await page.evaluate(() => {
    const texts: string[] = [];
    window.phaseTexts = texts;
    const record = () => {
      const text = document.querySelector('[data-testid="run-phase"]')?.textContent ?? '';
      if (text !== texts[texts.length - 1]) texts.push(text);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await app.start();
  await app.runToCompletion();
  await expect(app.phase).toContainText('finished');
  const texts = await page.evaluate(() => window.phaseTexts ?? []);
  const compiling = texts.findIndex((t) => /compiling GPU kernels \d+ of [1-9]\d*/.test(t));
  expect(compiling, `phase texts: ${JSON.stringify(texts)}`).toBeGreaterThanOrEqual(0);
  // Compilation comes before training.
  expect(texts.slice(0, compiling)).not.toContain('Training');
  expect(texts.slice(compiling)).toContain('Training');
});
