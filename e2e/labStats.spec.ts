// What the lab's numbers claim, end to end on tiny runs (ResNet-8 ×0.25, 16×16, 128 images,
// one epoch, tfjs CPU backend): baseline + two tricks × 3 seeds, where one seed of one arm
// diverges, gives a paired Δ with its interval and says "2 of 3 seeds finished; 1 diverged"
// in the table and the export; then a factorial design over two tricks plans, runs and reports
// each trick's main effect and their interaction.
//
// The diverging arm is linear scaling with a hand-made reference (1.25 per batch of 1, so an
// LR of 40 at batch 32): on the page's synthetic set, seeds 1 and 2 end their epoch with a loss
// near 2·10³ and 60, and seed 3 passes 10⁵ at step 4, beyond the 10,000× limit (measured with
// the engine in Node; training is deterministic for a seed on the CPU backend).
import { deflateSync, strToU8 } from 'fflate';
import { expect, test } from '@playwright/test';
import { makeConfig } from '../src/engine/config';
import { LabPage } from './pages/LabPage';

const baseline = makeConfig({
  name: 'baseline',
  model: { depth: 8, widthMultiplier: 0.25 },
  data: { dataset: 'synthetic', resolution: 16, trainLimit: 128, valLimit: 64 },
  optim: { batchSize: 32 },
  run: { epochs: 1, seed: 1, backend: 'cpu' },
  tricks: { linearScaling: { enabled: false, params: { lrPerReference: 1.25, referenceBatch: 1 } } },
});
const plan = { schemaVersion: 1, name: 'paired', baseline, mode: 'each-alone', tricks: ['cosine', 'linearScaling'], variants: [], seeds: [1, 2, 3] };
const shareCode = `1.${Buffer.from(deflateSync(strToU8(JSON.stringify({ config: baseline, plan })))).toString('base64url')}`;

test('paired Δ with a diverged seed counted, then a factorial design with its effects', async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const lab = new LabPage(await context.newPage());
  await lab.openShared(shareCode, '?backend=cpu');
  await expect(lab.page.getByTestId('lab-planned-count')).toHaveText('9');
  await lab.queuePlan();
  // Seed-major order: the last run is linear scaling with seed 3.
  await expect.poll(() => lab.statuses(), { timeout: 150_000 }).toEqual([...new Array<string>(8).fill('finished'), 'diverged']);

  await expect(lab.page.getByTestId('lab-result-seeds')).toHaveText(['3 of 3 seeds finished', '3 of 3 seeds finished', '2 of 3 seeds finished; 1 diverged']);
  const delta = lab.page.getByTestId('lab-result-delta');
  const paired = /^([+−]\d+\.\d|±0\.0) \[([+−]\d+\.\d|±0\.0), ([+−]\d+\.\d|±0\.0)\]( ✱)? n=(\d)$/;
  await expect(delta.nth(1)).toHaveText(paired);
  expect((await delta.nth(1).innerText()).endsWith('n=3')).toBe(true);
  // Only the two seeds finished in both arms are paired.
  expect((await delta.nth(2).innerText()).endsWith('n=2')).toBe(true);
  await expect.poll(() => lab.chartPoints('lab-delta-chart')).toBe(2);

  const { data } = await lab.exportLab();
  expect(data.schemaVersion).toBe(2);
  const scaled = data.summary?.find((c) => c.tricks.includes('linearScaling'));
  expect(scaled?.seedStatus).toBe('2 of 3 seeds finished; 1 diverged');
  expect(scaled?.seeds).toMatchObject({ seeds: 3, finished: 2, diverged: 1 });
  expect(scaled?.delta?.pairs.map((p) => p.seed)).toEqual([1, 2]);
  expect(scaled?.delta?.ciLow).toEqual(expect.any(Number));

  // A factorial over cosine and mixup, two seeds: 4 configs (a full 2²), 8 runs.
  await lab.page.getByTestId('lab-mode').selectOption('factorial-iv');
  await lab.page.getByTestId('lab-trick-linearScaling').uncheck();
  await lab.chooseTricks(['mixup']);
  await lab.page.getByTestId('lab-seeds').fill('2');
  await expect(lab.page.getByTestId('lab-factorial-note')).toContainText('Full 2^2 factorial (4 configs)');
  await expect(lab.page.getByTestId('lab-planned-count')).toHaveText('8');
  await lab.queuePlan();
  await expect.poll(async () => (await lab.statuses()).slice(9), { timeout: 150_000 }).toEqual(new Array<string>(8).fill('finished'));
  const effects = lab.page.getByTestId('lab-factorial-main');
  await expect(effects).toHaveCount(2);
  await expect(effects.nth(0).locator('th')).toHaveText('cosine');
  await expect(effects.nth(1).locator('th')).toHaveText('mixup');
  const effectRow = /^([+−]\d+\.\d|±0\.0)( ✱)?\|\[([+−]\d+\.\d|±0\.0), ([+−]\d+\.\d|±0\.0)\]\|2$/;
  for (const row of await effects.all()) expect(await row.locator('td').evaluateAll((tds) => tds.map((t) => t.textContent?.trim()).join('|'))).toMatch(effectRow);
  await expect(lab.page.getByTestId('lab-factorial-interaction')).toHaveCount(1);
  await expect(lab.page.getByTestId('lab-factorial-interaction').locator('th')).toHaveText('cosine × mixup');
  await context.close();
});
