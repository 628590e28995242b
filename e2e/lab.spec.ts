// The ablation lab, as a new user meets it: plan "baseline + each trick alone, 2 seeds" with a
// tiny model, run it, watch the charts and the table fill, export, reload and find everything
// still there, then import the export into a fresh browser profile and see the same table; and
// a run with FP16 on says in the queue that its half precision is emulated.
// Each test has its own browser context (a fresh profile: its own IndexedDB). The lab's runs
// use the tfjs CPU backend (`?backend=cpu`): on this machine's SwiftShader a WebGPU run spends
// most of a minute compiling shaders, and the WebGPU training path has its own specs.
import { expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { LabPage } from './pages/LabPage';

const CPU = '?backend=cpu';

async function freshProfile(browser: Browser, baseURL: string | undefined): Promise<{ context: BrowserContext; lab: LabPage }> {
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  return { context, lab: new LabPage(await context.newPage()) };
}

test('plan, run, compare, export, reload, and import into a fresh profile', async ({ browser, baseURL }) => {
  const { context, lab } = await freshProfile(browser, baseURL);
  await lab.open(CPU);
  await lab.configureTiny();
  await lab.chooseTricks(['labelSmoothing', 'cosine']);
  // The plan is listed and estimated before anything starts, and its schedules are drawn.
  await expect(lab.page.getByTestId('lab-planned-count')).toHaveText('6');
  await expect(lab.page.getByTestId('lab-estimate')).toHaveText(/^\d+ (s|min \d\d s|h \d\d min)$/, { timeout: 30_000 });
  await expect.poll(() => lab.chartPoints('lab-schedule-chart'), { timeout: 30_000 }).toBeGreaterThan(0);
  // No results yet: the reference chooser says so rather than showing an empty list.
  await expect(lab.page.getByTestId('lab-reference')).toBeDisabled();
  await expect(lab.page.getByTestId('lab-reference')).toHaveText('no configs yet');

  await lab.queuePlan();
  await expect.poll(() => lab.statuses()).toHaveLength(6);
  await lab.expectAll('finished', 6);
  await expect.poll(() => lab.chartPoints('lab-chart-accuracy')).toBeGreaterThanOrEqual(3);
  expect(await lab.chartPoints('lab-chart-loss')).toBeGreaterThanOrEqual(3);
  expect(await lab.chartPoints('lab-chart-lr')).toBeGreaterThanOrEqual(3);
  // However close the runs' values, the y axes' labels tell their ticks apart (ticks.ts tickFormatFor).
  for (const chart of ['lab-chart-accuracy', 'lab-chart-loss']) {
    const ticks = await lab.page.getByTestId(chart).locator('.recharts-yAxis-tick-labels text').allTextContents();
    expect(new Set(ticks).size, `${chart} y ticks ${ticks.join(', ')}`).toBe(ticks.length);
  }

  // One row per config, the baseline as reference, Δ signed for the others, 2 of 2 seeds each.
  await expect(lab.resultRows).toHaveCount(3);
  await expect(lab.page.getByTestId('lab-reference')).toBeEnabled();
  await expect(lab.page.getByTestId('lab-reference').locator('option')).toHaveText(['baseline', '+ Label smoothing', '+ Cosine learning rate decay']);
  await expect(lab.page.getByTestId('lab-result-label')).toHaveText(['baseline', '+ Label smoothing', '+ Cosine learning rate decay']);
  await expect(lab.page.getByTestId('lab-result-seeds')).toHaveText(['2 of 2 seeds finished', '2 of 2 seeds finished', '2 of 2 seeds finished']);
  await expect(lab.page.getByTestId('lab-result-delta').nth(1)).toHaveText(/^([+−]\d+\.\d|±0\.0) \[([+−]\d+\.\d|±0\.0), ([+−]\d+\.\d|±0\.0)\]( ✱)? n=2$/);
  await expect(lab.page.getByTestId('lab-result-final').first()).toHaveText(/^\d+\.\d ± \d+\.\d$/);
  await expect.poll(() => lab.chartPoints('lab-delta-chart')).toBe(2);
  // Its error bars take the theme's text colour in either theme (a fixed near-black vanished on the dark panels).
  for (const scheme of ['dark', 'light'] as const) {
    await lab.page.emulateMedia({ colorScheme: scheme });
    const [bar, text] = await lab.page.evaluate(() => [getComputedStyle(document.querySelector('[data-testid="lab-delta-chart"] .recharts-errorBar line') ?? document.body).stroke, getComputedStyle(document.body).color]);
    expect(bar, `error bar stroke (${scheme})`).toBe(text);
  }
  const table = await lab.tableText();
  // One colour per config: the table's swatches, each chart's legend and lines, the planned schedules.
  const colors = await lab.colors('lab-result-row', '.swatch', 'backgroundColor');
  expect(new Set(colors).size).toBe(3);
  for (const chart of ['lab-chart-accuracy', 'lab-chart-loss', 'lab-chart-lr']) expect(await lab.colors(chart, '.lab-legend .swatch', 'backgroundColor'), `${chart} legend`).toEqual(colors);
  // (Runs this short log one point each, which draws no line; the planned schedules are lines.)
  expect(await lab.colors('lab-schedule-chart', '.series-legend .swatch', 'backgroundColor')).toEqual(colors);
  expect((await lab.colors('lab-schedule-chart', 'path.recharts-line-curve', 'stroke')).sort()).toEqual([...colors].sort());

  // Inspect a finished run: the worker predicts its validation images.
  await lab.page.getByTestId('lab-inspect').click();
  await expect(lab.page.getByTestId('lab-confusion')).toBeVisible({ timeout: 30_000 });
  await expect(lab.page.getByTestId('lab-image-grid').locator('li')).toHaveCount(24);
  await expect(lab.page.getByTestId('lab-inspect-summary')).toContainText('of 64 validation images right');

  // Export: the plan and every run with its full config, metrics and environment.
  const { data, path } = await lab.exportLab();
  expect(data.format).toBe('trick-lab-ablation');
  expect(data.schemaVersion).toBe(2);
  expect(data.summary?.map((c) => c.seedStatus)).toEqual(['2 of 2 seeds finished', '2 of 2 seeds finished', '2 of 2 seeds finished']);
  expect(data.summary?.[1].delta?.pairs).toHaveLength(2);
  expect(data.plan?.tricks).toEqual(['labelSmoothing', 'cosine']);
  expect(data.runs).toHaveLength(6);
  expect(data.runs.every((r) => r.result.status === 'finished' && r.result.epochs.length === 1)).toBe(true);
  expect(data.environment.userAgent).toContain('Chrome');
  const csv = await lab.download('lab-download-csv');
  expect(csv.text.split('\r\n')[0]).toMatch(/^config,tricks,reference,/);
  expect(csv.text.split('\r\n')).toHaveLength(5);
  const svg = await lab.download('lab-chart-accuracy-svg');
  expect(svg.name).toBe('validation-top-1-per-epoch.svg');
  expect(svg.text).toMatch(/<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

  // A reload loses nothing finished.
  await lab.reload();
  await expect.poll(() => lab.statuses()).toEqual(new Array<string>(6).fill('finished'));
  expect(await lab.tableText()).toEqual(table);
  // The plan came back too (from IndexedDB, and from the link in the address bar).
  await expect(lab.page.getByTestId('lab-trick-cosine')).toBeChecked();
  const shared = lab.page.url();
  expect(shared).toMatch(/#view=lab&share=1\.[A-Za-z0-9_-]+$/);

  // A fresh profile: the shared link reproduces the plan; the import, the same table.
  const other = await freshProfile(browser, baseURL);
  await other.lab.page.goto(shared);
  await expect(other.lab.page.getByTestId('lab-view')).toHaveAttribute('data-loaded', 'true');
  await expect(other.lab.page.getByTestId('lab-trick-labelSmoothing')).toBeChecked();
  await expect(other.lab.page.getByTestId('lab-planned-count')).toHaveText('6');
  await other.lab.importFiles(path);
  await expect(other.lab.lastNoticeText()).toHaveText(/6 runs imported/);
  await expect(other.lab.resultRows).toHaveCount(3);
  expect(await other.lab.tableText()).toEqual(table);
  await other.context.close();
  await context.close();
});

test('a queued run with FP16 on says in the queue what precision it really trains in', async ({ browser, baseURL }) => {
  const { context, lab } = await freshProfile(browser, baseURL);
  await lab.open(CPU);
  await lab.configureTiny({ seeds: 1, epochs: 2, trainLimit: 256 }); // 16 steps: the note has time to show
  await lab.chooseTricks(['fp16']);
  await lab.queuePlan();
  const note = lab.page.getByTestId('lab-precision-note');
  await expect(note).toHaveText('FP16 emulated: values rounded to half precision, stored as fp32 (the CPU backend has no half-precision storage)', { timeout: 120_000 });
  // It is the FP16 run's row that says it, not the baseline's.
  await expect(lab.runs.filter({ has: note })).toContainText('+ Low-precision training (FP16)');
  await lab.expectAll('finished', 2);
  await expect(note).toHaveCount(0);
  await context.close();
});
