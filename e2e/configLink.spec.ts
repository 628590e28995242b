// Every single-run setup is a link: settings changed on the page (a run setting, a trick and its
// parameter) follow in the address bar's #config=…, "Copy link" puts that address on the
// clipboard, and a new page opened with it shows the same settings. A damaged link is named in a
// message and the defaults are shown. Nothing trains.
import { expect, test } from '@playwright/test';
import { TrickLabPage, BASE_URL } from './pages/TrickLabPage';

test('a setup round-trips through Copy link into a new page', async ({ browser }) => {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  try {
    const app = new TrickLabPage(page);
    await page.goto(`${BASE_URL}/?backend=cpu`);
    await expect(app.backendName).toHaveText(/cpu/, { timeout: 60_000 });
    await page.getByTestId('config-epochs').fill('7');
    await page.getByLabel('Batch size').fill('64');
    await page.getByTestId('trick-warmup-toggle').check();
    await page.getByTestId('trick-warmup-epochs').fill('2');
    await expect(page).toHaveURL(/\?backend=cpu#config=1\.[A-Za-z0-9_-]+$/);

    await page.getByTestId('copy-link').click();
    await expect(page.getByTestId('copy-link-status')).toHaveText('Link copied.');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(page.url());

    const other = await context.newPage();
    await other.goto(link);
    await expect(new TrickLabPage(other).backendName).toHaveText(/cpu/, { timeout: 60_000 });
    await expect(other.getByTestId('config-epochs')).toHaveValue('7');
    await expect(other.getByLabel('Batch size')).toHaveValue('64');
    await expect(other.getByTestId('trick-warmup-toggle')).toBeChecked();
    await expect(other.getByTestId('trick-warmup-epochs')).toHaveValue('2');
    await expect(other.getByTestId('trick-mixup-toggle')).not.toBeChecked();
    await expect(other.getByTestId('config-link-error')).toHaveCount(0);
    expect(other.url()).toBe(link);
  } finally {
    await context.close();
  }
});

test('a damaged link is named and the defaults are shown', async ({ page }) => {
  await page.goto(`${BASE_URL}/?backend=cpu#config=1.AAAA`);
  await expect(page.getByTestId('config-link-error')).toHaveText(
    'The settings in this link could not be read: the link is damaged (it does not decompress). The default settings are shown instead.',
  );
  await expect(page.getByTestId('config-epochs')).toHaveValue('30');
});
