// Each trick's explanation links to its section of the protocol (docs/protocol.md), which the
// built app serves as docs/protocol.html under the app's Content-Security-Policy.
import { TRICKS } from '../src/engine/tricks/registry';
import { expect, test } from './fixtures';

test('a trick\'s "how it is applied" link opens its section of the protocol', async ({ app }) => {
  const link = app.page.getByTestId('trick-cutmix-protocol');
  await expect(link).toHaveAttribute('href', 'docs/protocol.html#cutmix');
  for (const t of TRICKS) await expect(app.page.getByTestId(`trick-${t.id}-protocol`)).toBeVisible();
  const [doc] = await Promise.all([app.page.context().waitForEvent('page'), link.click()]);
  await doc.waitForLoadState();
  expect(new URL(doc.url()).hash).toBe('#cutmix');
  await expect(doc.getByRole('heading', { name: 'CutMix', exact: true })).toBeVisible();
  await expect(doc.getByRole('heading', { name: 'How Δ and its interval are computed' })).toBeVisible();
  // The section sits at the top of the view: the anchor resolved.
  const top = await doc.locator('#cutmix').evaluate((el) => el.getBoundingClientRect().top);
  expect(Math.abs(top)).toBeLessThan(5);
  await doc.close();
});
