// Know before you start: the single-run page says how long the run should take here (an assumed
// rate until this device has measured one), warns on a backend without a GPU and offers a small
// setup; after a run finishes, the estimate comes from that run's measured rate.
import { expect, test } from '@playwright/test';
import { TrickLabPage } from './pages/TrickLabPage';

test('the time before Start, the no-GPU warning with its small setup, and a measured rate after a run', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu');
  await expect(app.backendName).toHaveText(/cpu/, { timeout: 60_000 });
  await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
  await expect(page.getByTestId('run-estimate-text')).toHaveText(
    /^This run should take about .+ here, at an assumed \d+ images\/s \(400 for ResNet-20 at 32×32 on a GPU\); nothing measured on this device yet\.$/,
  );
  await expect(page.getByTestId('software-warning')).toContainText('This device trains on the CPU: runs are many times slower than on a GPU, so the time above is far too short.');

  await page.getByTestId('trick-warmup-toggle').check();
  await page.getByTestId('use-small-setup').click();
  await expect(page.getByLabel('Depth')).toHaveValue('8');
  await expect(page.getByLabel('Input resolution')).toHaveValue('16');
  await expect(page.getByTestId('config-epochs')).toHaveValue('2');
  await expect(page.getByLabel('Training images (limit)')).toHaveValue('512');
  await expect(page.getByTestId('trick-warmup-toggle')).toBeChecked(); // the tricks stay
  // Applied, it is no longer offered (the button would change nothing), and the page says so.
  await expect(page.getByTestId('use-small-setup')).toHaveCount(0);
  await expect(page.getByTestId('small-setup-on')).toHaveText('This is the small setup (ResNet-8 at ¼ width, 16×16 px, 512 images, 2 epochs).');
  // The assumed GPU rate makes it a fraction of a second: said as such, not "0 s".
  await expect(page.getByTestId('run-estimate-text')).toContainText('This run should take under 1 s here');

  const started = Date.now();
  await app.runToCompletion(200_000);
  console.log(`small setup on the CPU backend: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await expect(page.getByTestId('run-estimate-text')).toHaveText(/^This run should take about .+ here, at [\d.]+ images\/s, measured by an earlier run on this device\.$/);
});
