// Whenever training is not on WebGPU the page says so, and why. `?backend=cpu` forces the CPU
// backend in a page of its own (the shared page keeps its compiled WebGPU shaders).
import { expect, test } from '@playwright/test';
import { TrickLabPage } from './pages/TrickLabPage';

test('a banner says when training is not on WebGPU', async ({ page }) => {
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu');
  await expect(app.backendName).toHaveText('cpu', { timeout: 60_000 });
  await expect(app.fallbackBanner).toBeVisible();
  await expect(app.fallbackBanner).toContainText('not WebGPU');
  await expect(app.fallbackBanner).toContainText('WebGPU was not requested');
});
