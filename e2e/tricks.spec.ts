// The trick toggles, generated from the registry: a parameter change redraws the LR schedule
// before training starts, and a tiny run with every trick on at once trains without NaN (the
// distillation teacher is the run finished just before it), and FP16 says that it is emulated.
import { TRICKS } from '../src/engine/tricks/registry';
import { expect, test } from './fixtures';

test('a trick and its parameter change the LR chart before training starts', async ({ app }) => {
  await app.configure({ epochs: 4 });
  const curve = app.chart('lr-chart').locator('path.recharts-line-curve').first();
  const stepDecay = await curve.getAttribute('d');
  await app.page.getByRole('checkbox', { name: 'Cosine learning rate decay' }).check();
  await expect(curve).not.toHaveAttribute('d', stepDecay ?? '');
  const cosine = await curve.getAttribute('d');
  await app.page.getByRole('checkbox', { name: 'Learning rate warmup' }).check();
  await app.page.getByTestId('trick-warmup-epochs').fill('1');
  await expect(curve).not.toHaveAttribute('d', cosine ?? '');
  const warmupOne = await curve.getAttribute('d');
  await app.page.getByTestId('trick-warmup-epochs').fill('2');
  await expect(curve).not.toHaveAttribute('d', warmupOne ?? '');
  // All of that before any training: no run was started.
  await expect(app.phase).not.toHaveAttribute('data-phase', /starting|running|paused/);
  for (const name of ['Cosine learning rate decay', 'Learning rate warmup']) await app.page.getByRole('checkbox', { name }).uncheck();
});

test('every trick on at once trains a tiny model without NaN', async ({ app }) => {
  // A first run gives distillation its teacher.
  await app.configure();
  await app.runToCompletion();

  await app.configure({ epochs: 2 });
  for (const trick of TRICKS) await app.page.getByRole('checkbox', { name: trick.name, exact: true }).check();
  await app.page.getByTestId('trick-warmup-epochs').fill('1');
  await app.runToCompletion(240_000);
  // FP16 says what it really is: emulated, and SwiftShader offers no shader-f16.
  await expect(app.page.getByTestId('precision-note')).toHaveText('FP16 emulated: values rounded to half precision, stored as fp32 (this GPU has no shader-f16)');
  const result = await app.downloadResults();
  expect(result.status).toBe('finished');
  expect(result.environment.backend.adapter?.shaderF16).toBe(false);
  expect(Object.keys(result.config.tricks).sort()).toEqual(TRICKS.map((t) => t.id).sort());
  expect(Object.values(result.config.tricks).every((t) => t.enabled)).toBe(true);
  expect(result.epochs).toHaveLength(2);
  for (const e of result.epochs) {
    expect(Number.isFinite(e.trainLoss)).toBe(true);
    expect(Number.isFinite(e.valLoss)).toBe(true);
  }
  expect(result.steps.every((s) => Number.isFinite(s.loss))).toBe(true);
  for (const trick of TRICKS) await app.page.getByRole('checkbox', { name: trick.name, exact: true }).uncheck();
});
