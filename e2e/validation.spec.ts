// A config the worker rejects comes back naming its field: the message shows beside that
// input and in the run panel, and nothing starts.
import { expect, test } from './fixtures';

test('a rejected setting is named beside its field and nothing starts', async ({ app }) => {
  await app.configure({ batchSize: 1000, trainLimit: 128 });
  await app.start();
  const batch = app.page.getByLabel('Batch size');
  await expect(batch).toHaveAttribute('aria-invalid', 'true');
  await expect(app.runError).toContainText('optim.batchSize');
  await expect(app.page.getByText(/optim\.batchSize: 1000 is larger than/).first()).toBeVisible();
  await app.expectPhase('idle');
  await expect(app.startButton).toBeEnabled();
});
