// The first five minutes of a new user (issue 15's "Done when"), in one walk: open the page,
// click the CIFAR-10 (Hugging Face) download and watch it arrive, toggle two tricks, shrink the
// run with "Use a small setup", Start and see the curves fill, Start again with one trick off
// and see both runs on the charts (the first faded and labelled), then reload: the dataset
// comes back from the browser's store with no request to the Hub, and the runs are still on
// the charts (kept in the browser) until cleared.
// The Hub is a local server that answers like it (test/support/hubServer.ts: tree listing with
// SHA-256, resolve URL → 302 → storage, CORS), holding 200 real CIFAR images as the Hub's two
// Parquet files; every request the page makes to https://huggingface.co is answered by it, and
// its 302 sends the page on to the server itself (as the Hub's sends it to its storage host), so
// the page's own one-click source is what is clicked.
import { expect, test, type Request } from '@playwright/test';
import { HUB_DATASETS, HUB_ORIGIN } from '../src/data/hubSource';
import { hubCifar10Fixture } from '../test/support/hubFixture';
import { routeHubTo, startHubServer } from '../test/support/hubServer';
import { TrickLabPage } from './pages/TrickLabPage';

const { files } = hubCifar10Fixture(150, 50);

test('download CIFAR-10 in one click, compare two runs of two tricks, reload without a request', async ({ browser }) => {
  test.setTimeout(240_000);
  const hub = await startHubServer(HUB_DATASETS[0], files);
  const context = await browser.newContext();
  await routeHubTo(context, hub);
  const hubRequests: string[] = [];
  const onRequest = (r: Request) => {
    if (r.url().startsWith(HUB_ORIGIN) || r.url().startsWith(hub.origin)) hubRequests.push(r.url());
  };
  context.on('request', onRequest);
  const page = await context.newPage();
  const app = new TrickLabPage(page);
  const started = Date.now();
  try {
    await page.goto('/');
    await expect(app.backendName).not.toHaveText('starting…', { timeout: 60_000 });
    await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });

    // One click: the first source offered is CIFAR-10 from the Hub.
    await expect(page.getByTestId('download-source')).toHaveValue(`${HUB_ORIGIN}/datasets/uoft-cs/cifar10`);
    await expect(page.getByTestId('download-source').locator('option:checked')).toHaveText(/^CIFAR-10 \(Hugging Face/);
    await page.getByTestId('download-start').click();
    await expect(page.getByTestId('download-progress-text')).toHaveText(/^[\d.]+ KB of [\d.]+ KB · [\d.]+ KB\/s · .+ left$/);
    await expect(app.datasetName).toHaveText('CIFAR-10', { timeout: 60_000 });
    await expect(app.datasetTrainCount).toHaveText('150');
    await expect(page.getByTestId('download-note')).toContainText('SHA-256 of each file checked against the Hub');
    // Both files came through the Hub's resolve URL and its 302, from the local server.
    const paths = hub.requests.map((r) => r.path);
    expect(paths.filter((p) => p.includes('/resolve/'))).toHaveLength(2);
    expect(paths.filter((p) => p.startsWith('/storage/'))).toHaveLength(2);

    // Two tricks, then a run small enough for a machine without a GPU.
    await page.getByRole('checkbox', { name: 'Label smoothing' }).check();
    await page.getByRole('checkbox', { name: 'Learning rate warmup' }).check();
    await page.getByTestId('use-small-setup').click();
    await expect(page.getByLabel('Depth')).toHaveValue('8');
    // The small setup is 2 epochs: warmup must be shorter than the run to apply.
    await expect(page.getByTestId('trick-warmup')).toContainText('not applicable');
    // Said under the explanation, indented as it is, and read with the toggle.
    const left = async (testId: string) => (await page.getByTestId(testId).boundingBox())?.x;
    expect(await left('trick-warmup-note')).toBe(await left('trick-warmup-explanation'));
    await expect(page.getByRole('checkbox', { name: 'Learning rate warmup' })).toHaveAccessibleDescription(/not applicable: warmup/);
    await page.getByTestId('trick-warmup-epochs').fill('0.5');
    await expect(page.getByTestId('trick-warmup')).not.toContainText('not applicable');
    await page.getByLabel('Log loss every').fill('1');
    await app.runToCompletion();
    await app.expectChartFilled('loss-chart', 4);
    await app.expectChartFilled('accuracy-chart', 2);
    await expect(page.getByTestId('final-metrics')).toContainText('Final validation top-1');

    // Again with warmup off: the first run stays on the charts, faded and labelled.
    await page.getByRole('checkbox', { name: 'Learning rate warmup' }).uncheck();
    await app.runToCompletion();
    await app.expectChartFilled('loss-chart', 4);
    const first = '+ Learning rate warmup + Label smoothing';
    const runs = page.getByTestId('past-run');
    await expect(runs).toHaveCount(2);
    await expect(runs.nth(0)).toContainText(first);
    await expect(runs.nth(1)).toContainText('+ Label smoothing');
    for (const chart of ['loss-chart', 'accuracy-chart'] as const) {
      const faded = app.chart(chart).locator('[data-series^="past-"]');
      await expect(faded).toHaveCount(1);
      await expect(faded.locator('title')).toHaveText(chart === 'loss-chart' ? first : `${first} (validation)`);
    }

    await runs.nth(0).getByRole('checkbox', { name: 'keep' }).check();

    // Reload: the dataset comes from the browser's store, with no request to the Hub, and both
    // runs are still on the charts (now both earlier runs), the first still kept.
    const before = hub.requests.length;
    hubRequests.length = 0;
    await page.reload();
    await expect(app.datasetName).toHaveText('CIFAR-10', { timeout: 60_000 });
    await expect(app.datasetTrainCount).toHaveText('150');
    await expect(page.getByTestId('dataset-note')).toHaveText("CIFAR-10 (Hugging Face) was read from this browser's storage (no download).");
    expect(hub.requests.length).toBe(before);
    expect(hubRequests).toEqual([]);
    await expect(runs).toHaveCount(2);
    await expect(runs.nth(0)).toContainText(first);
    await expect(runs.nth(0).getByRole('checkbox', { name: 'keep' })).toBeChecked();
    await expect(runs.nth(1)).toContainText('+ Label smoothing');
    const fadedLoss = app.chart('loss-chart').locator('[data-series^="past-"]');
    await expect(fadedLoss.locator('title')).toHaveText([first, '+ Label smoothing']);
    await expect(app.chart('accuracy-chart').locator('[data-series^="past-"]')).toHaveCount(2);
    // Clear empties the browser's copy too: the next visit shows none.
    await page.getByTestId('past-runs-clear').click();
    await expect(runs).toHaveCount(0);
    await page.reload();
    await expect(app.datasetName).toHaveText('CIFAR-10', { timeout: 60_000 });
    await expect(app.chart('loss-chart')).toBeVisible();
    await expect(runs).toHaveCount(0);
    await expect(fadedLoss).toHaveCount(0);
    console.log(`first five minutes on ${await app.backendName.textContent()}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    context.off('request', onRequest);
    await context.close();
    await hub.close();
  }
});
