// Accessibility: axe-core finds no violation of serious or critical impact on either tab (every
// input labelled, contrast, roles), in the light and the dark theme; keyboard focus is visible.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { TrickLabPage } from './pages/TrickLabPage';

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violations on either tab (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    const app = new TrickLabPage(page);
    await page.goto('/?backend=cpu');
    await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
    await expect(page.getByTestId('lr-chart').locator('svg').first()).toBeVisible({ timeout: 30_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('tab-lab').click();
    await expect(page.getByTestId('lab-view')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
    // The planner's dataset section open, its downloader and file input included.
    await page.getByTestId('lab-dataset-get').locator('summary').click();
    await expect(page.getByTestId('lab-dataset-files')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    // The planner's folded Baseline holds fields too: checked open.
    await page.getByTestId('lab-baseline-section').locator('summary').click();
    await expect(page.getByTestId('lab-epochs')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
}
