// The lab says what it trains on: the planner shows the loaded set (the embedded synthetic one at
// first), follows a switch to CIFAR-10 (a file, then an archive kept in the browser's store) and
// back, and a plan made for another set (a shared link) is not queued until the user loads that
// set or plans for the loaded one.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { makeConfig } from '../src/engine/config';
import { createPlan } from '../src/engine/lab/plan';
import { CACHE_NAME, NAME_HEADER, SIZE_HEADER } from '../src/data/datasetStore';
import { encodeSetup } from '../src/engine/lab/shareLink';
import { FIXTURE } from '../test/support/cifarSample';
import { LabPage } from './pages/LabPage';

const CPU = '?backend=cpu';
const SYNTHETIC = 'synthetic (seed 1) (5,000 training, 1,000 test images)';

test('the planner shows the dataset, follows a switch, and refuses a plan made for another', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 1000 } });
  const lab = new LabPage(await context.newPage());
  const id = (t: string) => lab.page.getByTestId(t);
  await lab.open(CPU);
  await expect(id('lab-dataset-name')).toHaveText(SYNTHETIC, { timeout: 30_000 });

  // An archive kept in this browser's store, as the downloader keeps one (no request is made for it).
  const kept = `${new URL(baseURL!).origin}/datasets/cifar-10-kept.tar.gz`;
  const bytes = [...readFileSync(FIXTURE)];
  await lab.page.evaluate(
    async ({ cacheName, url, data, headers }) => (await caches.open(cacheName)).put(url, new Response(new Uint8Array(data), { headers })),
    { cacheName: CACHE_NAME, url: kept, data: bytes, headers: { [NAME_HEADER]: 'cifar-10-kept.tar.gz', [SIZE_HEADER]: String(bytes.length) } },
  );

  // CIFAR-10 loaded on the single-run page (the same worker) is what the lab trains on next.
  await id('dataset-file-input').setInputFiles(FIXTURE);
  await expect(id('lab-dataset-name')).toHaveText(/^CIFAR-10 .*\(200 training, no test split\)$/, { timeout: 60_000 });
  await expect(id('lab-dataset-mismatch')).toHaveCount(0);
  // …and back to the synthetic set from the planner's own picker.
  await id('lab-dataset-choice').selectOption('synthetic');
  await expect(id('lab-dataset-name')).toHaveText(SYNTHETIC, { timeout: 30_000 });
  await expect(id('lab-queue-plan')).toBeEnabled();
  // …and to the kept archive, read from the store.
  await id('lab-dataset-choice').selectOption(kept);
  await expect(id('lab-dataset-name')).toHaveText(/^CIFAR-10 .*\(200 training, no test split\)$/, { timeout: 60_000 });
  await expect(id('lab-dataset-mismatch')).toHaveCount(0);

  // A link to a plan made for full CIFAR-10: named, and not queued on the synthetic set.
  const baseline = makeConfig({ model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: 16, trainLimit: 128 }, run: { epochs: 1 } });
  const plan = createPlan(baseline, { tricks: ['labelSmoothing'], seeds: [1], dataset: { id: 'cifar10', name: 'CIFAR-10', trainCount: 50000, testCount: 10000 } });
  await lab.page.close();
  const shared = new LabPage(await context.newPage());
  await shared.openShared(encodeSetup({ config: baseline, plan }), CPU);
  const sid = (t: string) => shared.page.getByTestId(t);
  await expect(sid('lab-dataset-mismatch')).toContainText('This plan was made for CIFAR-10 (50,000 training, 10,000 test images), but synthetic (seed 1)', { timeout: 30_000 });
  await expect(sid('lab-queue-plan')).toBeDisabled();
  await sid('lab-dataset-adopt').click();
  await expect(sid('lab-dataset-mismatch')).toHaveCount(0);
  await expect(sid('lab-queue-plan')).toBeEnabled();
  await context.close();
});
