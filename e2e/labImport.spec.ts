// Every kind of bad import gets a clear message and changes nothing: not JSON, the wrong
// schema, a newer schemaVersion, a huge file, hostile keys (__proto__), deep nesting, and a
// config that validateConfig rejects. A good file (one run's results, as `npm run train`
// writes them) is then imported once, and recognised when imported again.
import { writeFile, truncate } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { makeConfig } from '../src/engine/config';
import type { RunResult } from '../src/engine/results';
import { LabPage } from './pages/LabPage';

const config = makeConfig({ name: 'from the runner', model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: 16, trainLimit: 128 }, optim: { batchSize: 32 }, run: { epochs: 1 } });
const epoch = { epoch: 1, trainLoss: 2.2, trainAccuracy: 0.2, valLoss: 2.1, valTop1: 0.25, valTop5: 0.7, lr: 0.1, seconds: 3, imagesPerSecond: 40 };
const result: RunResult = {
  schemaVersion: 1,
  app: { name: 'trick-lab', version: '0.1.0' },
  config,
  dataset: { name: 'synthetic (seed 1)', trainCount: 128, valCount: 500, numClasses: 10 },
  environment: { backend: { name: 'webgpu', fallbackReason: null, adapter: { vendor: 'google', architecture: 'swiftshader', description: '' } }, userAgent: 'node v20 (linux x64)', runtime: 'node' },
  status: 'finished',
  message: null,
  epochs: [epoch],
  steps: [{ step: 4, epoch: 1, loss: 2.2, lr: 0.1, imagesPerSecond: 40 }],
  final: { valTop1: 0.25, valTop5: 0.7, valLoss: 2.1, bestValTop1: 0.25, trainLoss: 2.2, trainAccuracy: 0.2 },
  timings: { startedAt: '2025-03-01T10:00:00.000Z', finishedAt: '2025-03-01T10:00:04.000Z', wallSeconds: 4, imagesPerSecond: 32 },
};
const json = (name: string, text: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

const BAD: { name: string; text: () => string; message: RegExp }[] = [
  { name: 'notes.json', text: () => 'these are my notes, not JSON', message: /^notes\.json was not imported: it is not valid JSON/ },
  { name: 'other.json', text: () => JSON.stringify({ kind: 'something else' }), message: /neither a lab export .* nor a run's results/ },
  { name: 'wrong-shape.json', text: () => JSON.stringify({ ...result, epochs: 'all of them' }), message: /field epochs: must be a list/ },
  { name: 'future.json', text: () => JSON.stringify({ format: 'trick-lab-ablation', schemaVersion: 99, runs: [] }), message: /newer version of Trick Lab \(export schema 99; this app reads 2\)/ },
  { name: 'hostile.json', text: () => JSON.stringify(result).replace('"config":', '"__proto__": {"admin": true}, "config":'), message: /field __proto__: is not an allowed key/ },
  { name: 'deep.json', text: () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`, message: /nested more than 32 levels deep/ },
  { name: 'bad-config.json', text: () => JSON.stringify({ ...result, config: { ...config, optim: { ...config.optim, batchSize: 0 } } }), message: /field config\.optim\.batchSize: must be between 1 and 8192/ },
];

test('bad imports are refused with a message and change nothing; a good one is imported once', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 1000 } });
  const lab = new LabPage(await context.newPage());
  await lab.open('?backend=cpu');
  for (const bad of BAD) {
    await lab.importFiles([json(bad.name, bad.text())]);
    await expect(lab.lastNoticeText()).toHaveText(bad.message);
    await expect(lab.lastNotice()).toHaveAttribute('data-kind', 'error');
    await expect(lab.resultRows).toHaveCount(0);
  }
  // Over the 64 MiB limit: refused by its size, before it is read.
  // (A sparse file on disk: Playwright does not pass buffers over 50 MB.)
  const huge = test.info().outputPath('huge.json');
  await writeFile(huge, '');
  await truncate(huge, 64 * 1024 * 1024 + 1);
  await lab.importFiles(huge);
  await expect(lab.lastNoticeText()).toHaveText(/^huge\.json was not imported: it is larger than 64 MiB/);
  await expect(lab.resultRows).toHaveCount(0);
  expect(await lab.page.evaluate(() => ({} as Record<string, unknown>).admin)).toBeUndefined();
  // Nothing was written: after a reload the lab is as empty as before.
  await lab.reload();
  await expect(lab.page.getByTestId('lab-imported-run')).toHaveCount(0);

  await lab.importFiles([json('results.json', JSON.stringify(result))]);
  await expect(lab.lastNoticeText()).toHaveText('results.json: 1 run imported.');
  await expect(lab.page.getByTestId('lab-result-label')).toHaveText(['from the runner']);
  await expect(lab.page.getByTestId('lab-result-final')).toHaveText(['25.0']);
  await lab.importFiles([json('results-again.json', JSON.stringify(result))]);
  await expect(lab.lastNoticeText()).toHaveText('results-again.json: 0 runs imported (1 already here).');
  await expect(lab.resultRows).toHaveCount(1);
  // Imported runs are kept like local ones.
  await lab.reload();
  await expect(lab.page.getByTestId('lab-imported-run')).toHaveCount(1);
  await context.close();
});
